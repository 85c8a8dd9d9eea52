"""DJPK's monthly report on consultations: page, CSV/XLSX/JSON exports and the monthly email."""

from flask import Blueprint

bp = Blueprint("reports", __name__)

from app.reports import routes  # noqa: E402,F401
