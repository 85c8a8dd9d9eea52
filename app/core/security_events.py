"""Security events in the audit log that no service records on its own: refused access (every
403 a signed-in user meets) and downloads of files holding personal data.

Both are seen on the administrators' audit page (Peristiwa keamanan: auth.* and security.*).
"""

import logging

from flask import request
from flask_login import current_user
from limits import RateLimitItemPerHour

from app.core import audit
from app.extensions import db, limiter

log = logging.getLogger("konsultasi.security")

# A user who keeps opening pages they may not see writes this many rows an hour, no more:
# the log records the probing without letting one account flood it.
FORBIDDEN_PER_HOUR = RateLimitItemPerHour(30)


def _under_budget(user_id: int) -> bool:
    try:
        return limiter.limiter.hit(FORBIDDEN_PER_HOUR, "security.forbidden", str(user_id))
    except Exception:  # the rate-limit storage is down: record rather than lose the event
        log.warning("rate-limit storage unavailable for security.forbidden", exc_info=True)
        return True


def record_forbidden() -> None:
    """Record a refused request of a signed-in user (anonymous ones are sent to the login
    page and would only let strangers fill the log). Runs in the 403 error handler: what the
    refused request had changed is rolled back first, never committed with the event."""
    try:
        if not current_user or not current_user.is_authenticated:
            return
        user_id = current_user.id
        if not _under_budget(user_id):
            return
        db.session.rollback()
        audit.record(
            "security.forbidden",
            ("User", user_id),
            actor=user_id,
            after={"method": request.method, "path": request.path[:200], "endpoint": request.endpoint},
        )
        db.session.commit()
    except Exception:  # the error page must still be shown
        db.session.rollback()
        log.exception("could not record a refused request")


def record_export(kind: str, obj, **detail) -> None:
    """Record that the signed-in user downloaded `kind` (a file with personal data) about
    `obj`, and commit: a download is a GET with nothing else to commit."""
    audit.record("security.export", obj, actor=current_user, after={"export": kind, **detail})
    db.session.commit()
