"""Doing a thing once: a unique marker row (app.scheduler.models.JobMarker) inserted in the
same transaction as the thing. Jobs use it per session and step; forms use it per submitted
form (a hidden one-time token), so that a double click or a resent form adds nothing twice.
"""

import re
import uuid
from datetime import datetime

from app.core.clock import now_utc
from app.extensions import db

TOKEN = re.compile(r"^[0-9a-f]{32}$")


class AlreadyDone(Exception):
    """The marker exists: this was done before (or a moment ago, by a concurrent request)."""


def new_token() -> str:
    return uuid.uuid4().hex


def claim(key: str, now: datetime | None = None) -> None:
    """Insert the marker `key` now, or raise AlreadyDone. On PostgreSQL a concurrent claim of
    the same key waits at the flush and then fails on the key (IntegrityError): callers treat
    that as AlreadyDone too."""
    from app.scheduler.models import JobMarker

    if db.session.get(JobMarker, key) is not None:
        raise AlreadyDone(key)
    db.session.add(JobMarker(key=key, done_at=now or now_utc()))
    db.session.flush()


def claim_form(kind: str, token: str | None) -> None:
    """Claim a submitted form's one-time token; a form without a valid token is not deduped."""
    if token and TOKEN.match(token):
        claim(f"form:{kind}:{token}")
