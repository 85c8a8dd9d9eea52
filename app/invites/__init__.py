"""Calendar invites (RFC 5545/5546) of consultation sessions, and personal calendar feeds.

One stable UID per session; SEQUENCE rises on every schedule, reschedule and cancel (the
booking services call services.touch()). Anyone who may see a session downloads its invite;
each narasumber and each room can have a secret, revocable feed URL that calendar apps
subscribe to.
"""

from flask import Blueprint

bp = Blueprint("invites", __name__)

from app.invites import routes  # noqa: E402,F401
