"""The front desk: today's expected visits, check-in guest by guest, walk-ins, check-out and
the day's visitor log. What the desk enters is checked against the rules (app.domain.checkin)
and breaches are recorded from it (app.compliance)."""

from flask import Blueprint

bp = Blueprint("checkin", __name__, url_prefix="/resepsionis")

from app.checkin import routes  # noqa: E402,F401
