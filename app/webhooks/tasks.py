"""The scheduler's webhook job (app.scheduler.jobs)."""

from datetime import datetime

from app.webhooks.sender import deliver_due


def send_webhooks(now: datetime | None = None) -> int:
    return deliver_due(now)
