"""DJPK's side of a request: the coordinator queue, decisions, scheduling, assignments."""

from flask import Blueprint

bp = Blueprint("scheduling", __name__, url_prefix="/koordinator")

from app.scheduling import routes  # noqa: E402,F401
