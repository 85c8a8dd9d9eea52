"""The scheduler's API housekeeping job (app.scheduler.jobs)."""

from datetime import datetime

from app.api.idempotency import clean_up
from app.extensions import db


def clean_idempotency_keys(now: datetime | None = None) -> int:
    dropped = clean_up(now)
    db.session.commit()
    return dropped
