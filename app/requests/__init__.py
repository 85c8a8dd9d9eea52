"""The Pemda's consultation requests: dashboard, new request, edit, withdraw, letter."""

from flask import Blueprint

bp = Blueprint("requests", __name__, url_prefix="/permohonan")

from app.requests import routes  # noqa: E402,F401
