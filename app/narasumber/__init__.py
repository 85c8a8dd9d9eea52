"""The narasumber's own pages: their sessions, and accepting or declining an assignment.

Narasumber: a DJPK resource person from a technical directorate who answers the Pemda's
questions on the topics they know. Admin pages for their profiles live in app/admin/people.py.
"""

from flask import Blueprint

bp = Blueprint("narasumber", __name__, url_prefix="/narasumber")

from app.narasumber import routes  # noqa: E402,F401
