"""The webhooks job: send due deliveries, once each until an endpoint accepts.

As the email outbox (app.outbox.sender) does: claim due rows in one short transaction
(FOR UPDATE SKIP LOCKED on PostgreSQL, the write lock on SQLite) with this worker's id and a
lease; POST each with a timeout of WEBHOOK_TIMEOUT seconds (5), no redirect followed; a 2xx
answer marks the row delivered (only while still claimed by this worker, so two workers never
both count one), anything else pending again after a backoff (1 and 5 minutes, then 30, 2, 5
and 10 hours, as the specification suggests) or failed after the last attempt. Each attempt is
kept with the status and the first 2 KB of the answer, for the administrators' page.

The job runs in the scheduler process only: a slow or dead endpoint never slows a page.
"""

import json
import logging
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, or_, select, update

from app.core.clock import now_utc
from app.core.db_setup import lock_for_write
from app.extensions import db
from app.outbox.sender import worker_name
from app.webhooks import signing
from app.webhooks.models import DeliveryState, WebhookAttempt, WebhookDelivery, WebhookEndpoint

log = logging.getLogger("konsultasi.webhooks")

BACKOFF = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
)
MAX_ATTEMPTS = len(BACKOFF) + 1
LEASE = timedelta(minutes=5)
KEEP_BYTES = 2048


@dataclass(frozen=True)
class Parcel:
    id: int
    attempts: int
    url: str
    secret: str
    message_id: str
    body: bytes


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 3xx is an answer like any other: not delivered


_opener = urllib.request.build_opener(_NoRedirect)


def backoff(attempts: int) -> timedelta:
    return BACKOFF[min(attempts, len(BACKOFF)) - 1]


def deliver_due(now: datetime | None = None, limit: int = 50, worker_id: str | None = None) -> int:
    """Send up to `limit` due deliveries; how many were delivered. Commits."""
    now = now or now_utc()
    worker_id = worker_id or worker_name()
    delivered = 0
    for parcel in claim(now, limit, worker_id):
        delivered += send(parcel, worker_id, now)
    return delivered


def claim(now: datetime, limit: int, worker_id: str) -> list[Parcel]:
    session = db.session
    lock_for_write(session)
    due = or_(
        and_(WebhookDelivery.state == DeliveryState.PENDING, WebhookDelivery.next_attempt_at <= now),
        and_(WebhookDelivery.state == DeliveryState.SENDING, WebhookDelivery.lease_until <= now),
    )
    query = (
        select(WebhookDelivery, WebhookEndpoint)
        .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
        .where(due, WebhookEndpoint.active.is_(True))
        .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
        .limit(limit)
        .execution_options(populate_existing=True)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(of=WebhookDelivery, skip_locked=True)
    parcels = []
    for row, endpoint in session.execute(query).all():
        row.state = DeliveryState.SENDING
        row.locked_by = worker_id
        row.lease_until = now + LEASE
        row.attempts += 1
        body = json.dumps(row.payload, ensure_ascii=False, separators=(",", ":")).encode()
        parcels.append(Parcel(row.id, row.attempts, endpoint.url, endpoint.secret, row.message_id, body))
    session.commit()
    return parcels


def post(parcel: Parcel, timestamp: int) -> tuple[int | None, str | None, str | None]:
    """(status, the start of the answer, the error) of one POST."""
    request = urllib.request.Request(
        parcel.url,
        data=parcel.body,
        method="POST",
        headers=signing.headers(parcel.secret, parcel.message_id, timestamp, parcel.body),
    )
    timeout = float(current_app.config.get("WEBHOOK_TIMEOUT", 5))
    try:
        with _opener.open(request, timeout=timeout) as answer:
            return answer.status, answer.read(KEEP_BYTES).decode("utf-8", "replace"), None
    except urllib.error.HTTPError as error:
        return error.code, error.read(KEEP_BYTES).decode("utf-8", "replace"), None
    except Exception as error:  # refused, timed out, a bad address: the row says which
        return None, None, f"{type(error).__name__}: {error}"[:1000]


def send(parcel: Parcel, worker_id: str, now: datetime, by_hand: bool = False) -> int:
    started = time.monotonic()
    status, answer, error = post(parcel, int(now_utc().timestamp()))
    ok = status is not None and 200 <= status < 300
    db.session.add(
        WebhookAttempt(
            delivery_id=parcel.id,
            at=now_utc(),
            status=status,
            response=answer,
            error=error,
            milliseconds=int((time.monotonic() - started) * 1000),
            by_hand=by_hand,
        )
    )
    if ok:
        values = {"state": DeliveryState.DELIVERED, "delivered_at": now_utc()}
    elif parcel.attempts >= MAX_ATTEMPTS:
        values = {"state": DeliveryState.FAILED}
    else:
        values = {"state": DeliveryState.PENDING, "next_attempt_at": now + backoff(parcel.attempts)}
    db.session.execute(
        update(WebhookDelivery)
        .where(
            WebhookDelivery.id == parcel.id,
            WebhookDelivery.state == DeliveryState.SENDING,
            WebhookDelivery.locked_by == worker_id,
        )
        .values(locked_by=None, lease_until=None, **values),
        execution_options={"synchronize_session": False},
    )
    db.session.commit()
    if not ok:
        log.warning("webhook %s to %s not delivered: %s", parcel.message_id, parcel.url, error or status)
    return int(ok)


def send_again(delivery: WebhookDelivery) -> None:
    """An administrator's "send again": the delivery is due now (same webhook-id), whatever
    became of it; the job sends it on its next run."""
    delivery.state = DeliveryState.PENDING
    delivery.next_attempt_at = now_utc()
    delivery.locked_by = delivery.lease_until = None
    # A row past its last attempt gets one more: failing again, it is failed again.
