"""Attendance confirmation: the Pemda confirms its final delegation and whether the regional
head attends, until the policy's deadline; the printable confirmation letter with the QR code."""

from flask import Blueprint

bp = Blueprint("attendance", __name__, url_prefix="/permohonan")

from app.attendance import routes  # noqa: E402,F401
