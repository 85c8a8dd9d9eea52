"""Importing the history of consultations held before the system, from CSV or XLSX."""

from flask import Blueprint

bp = Blueprint("history", __name__)

from app.history import routes  # noqa: E402,F401
