"""Satisfaction: after a held session the Pemda rates the service and the substance of the
answer (1-5), once; DJPK sees the averages per month and per narasumber."""

from flask import Blueprint

bp = Blueprint("satisfaction", __name__)

from app.satisfaction import routes  # noqa: E402,F401
