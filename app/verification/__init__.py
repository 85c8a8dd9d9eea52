"""Public verification of an invitation or booking code (no login): genuine, cancelled or not
found, with nothing personal, and DJPK's statement that it never charges any fee."""

from flask import Blueprint

bp = Blueprint("verification", __name__)

from app.verification import routes  # noqa: E402,F401
