"""The sender job: deliver due outbox rows over SMTP, exactly once per row.

deliver_pending() is a plain function (the scheduler's job, `flask outbox send` and, in
development and tests, app.core.mail.send_queued() after a commit all call it):

1. claim: in one short transaction, pick due rows (pending and next_attempt_at <= now, or
   'sending' with an expired lease: a crashed worker's), mark them 'sending' with this
   worker's id and a lease, count the attempt, commit. On PostgreSQL the rows are locked
   with SELECT ... FOR UPDATE SKIP LOCKED, so a second worker skips them instead of waiting;
   on SQLite the claim takes the database write lock first (BEGIN IMMEDIATE), which
   serialises claims. Either way a claimed row is never picked by another worker.
2. send each row over one SMTP connection (Flask-Mail, timeout MAIL_TIMEOUT <= 10 s), or to
   the log with MAIL_TO_LOG (development);
3. mark it sent, or after a failure pending again with a later next_attempt_at (backoff:
   1, 5, 15, 60, 180 minutes), or failed after OUTBOX_MAX_ATTEMPTS. These updates only touch
   a row still claimed by this worker.

The one window left is a worker that dies after the SMTP server accepted a message and
before it marked the row sent: the row is sent again after the lease (at-least-once there,
as with any SMTP client); the Message-ID stays the same, so mail systems can tell.
"""

import hashlib
import logging
import os
import socket
import threading
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parseaddr

from flask import current_app
from sqlalchemy import and_, or_, select, update

from app.core.clock import now_utc
from app.core.db_setup import lock_for_write
from app.extensions import db
from app.outbox.mime import OutboxMail, relay_connection
from app.outbox.models import OutboxMessage, OutboxState

log = logging.getLogger("konsultasi.outbox")
# Where MAIL_TO_LOG writes each email (development): configured by app.core.logs.
mail_log = logging.getLogger("konsultasi.mail")

BACKOFF_MINUTES = (1, 5, 15, 60, 180)
DEFAULT_MAX_ATTEMPTS = 6
DEFAULT_LEASE_SECONDS = 15 * 60


@dataclass(frozen=True)
class Envelope:
    """What a claimed row needs to be sent, read before the claim commits."""

    id: int
    attempts: int
    recipients: list
    subject: str
    text_body: str
    html_body: str | None
    attachments: list
    kind: str
    dedupe_key: str


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}:{uuid.uuid4().hex[:8]}"


def max_attempts() -> int:
    return int(current_app.config.get("OUTBOX_MAX_ATTEMPTS", DEFAULT_MAX_ATTEMPTS))


def backoff(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failed attempt."""
    return timedelta(minutes=BACKOFF_MINUTES[min(attempts, len(BACKOFF_MINUTES)) - 1])


def deliver_pending(
    now: datetime | None = None,
    limit: int = 50,
    worker_id: str | None = None,
    keys: list[str] | None = None,
) -> int:
    """Deliver up to `limit` due rows (only those with dedupe key in `keys`, if given).

    Commits the session. Returns how many were sent.
    """
    now = now or now_utc()
    worker_id = worker_id or worker_name()
    envelopes = claim(now, limit, worker_id, keys)
    if not envelopes:
        return 0
    sent = 0
    relay = Relay()
    try:
        for envelope in envelopes:
            try:
                relay.send(envelope)
            except Exception as exc:  # every SMTP or build error stays on the row
                log.warning("email %s (%s) not sent: %s", envelope.id, envelope.kind, exc)
                _record_failure(envelope, worker_id, exc, now)
            else:
                _record_sent(envelope, worker_id)
                sent += 1
    finally:
        relay.close()
    return sent


def claim(now: datetime, limit: int, worker_id: str, keys: list[str] | None = None) -> list[Envelope]:
    """Mark due rows as being sent by `worker_id` and commit; their envelopes."""
    session = db.session
    lock_for_write(session)
    due = or_(
        and_(OutboxMessage.state == OutboxState.PENDING, OutboxMessage.next_attempt_at <= now),
        and_(OutboxMessage.state == OutboxState.SENDING, OutboxMessage.lease_until <= now),
    )
    query = (
        select(OutboxMessage)
        .where(due)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
        .execution_options(populate_existing=True)
    )
    if keys is not None:
        query = query.where(OutboxMessage.dedupe_key.in_(keys))
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    lease = now + timedelta(seconds=current_app.config.get("OUTBOX_LEASE_SECONDS", DEFAULT_LEASE_SECONDS))
    envelopes = []
    for row in session.scalars(query):
        if row.state == OutboxState.SENDING and row.attempts >= max_attempts():
            # Claimed before, and its worker never came back: do not try forever.
            row.state = OutboxState.FAILED
            row.last_error = row.last_error or "worker stopped while sending (lease expired)"
            row.locked_by = row.lease_until = None
            continue
        row.state = OutboxState.SENDING
        row.locked_by = worker_id
        row.lease_until = lease
        row.attempts += 1
        envelopes.append(_envelope(row))
    session.commit()
    return envelopes


def _envelope(row: OutboxMessage) -> Envelope:
    return Envelope(
        id=row.id,
        attempts=row.attempts,
        recipients=list(row.recipients),
        subject=row.subject,
        text_body=row.text_body,
        html_body=row.html_body,
        attachments=list(row.attachments or []),
        kind=row.kind,
        dedupe_key=row.dedupe_key,
    )


def _claimed(envelope: Envelope, worker_id: str):
    return update(OutboxMessage).where(
        OutboxMessage.id == envelope.id,
        OutboxMessage.state == OutboxState.SENDING,
        OutboxMessage.locked_by == worker_id,
    )


def _record_sent(envelope: Envelope, worker_id: str) -> None:
    statement = _claimed(envelope, worker_id).values(
        state=OutboxState.SENT, sent_at=now_utc(), locked_by=None, lease_until=None
    )
    db.session.execute(statement, execution_options={"synchronize_session": False})
    db.session.commit()


def _record_failure(envelope: Envelope, worker_id: str, exc: Exception, now: datetime) -> None:
    error = f"{type(exc).__name__}: {exc}"[:2000]
    if envelope.attempts >= max_attempts():
        values = {"state": OutboxState.FAILED}
    else:
        values = {"state": OutboxState.PENDING, "next_attempt_at": now + backoff(envelope.attempts)}
    statement = _claimed(envelope, worker_id).values(
        last_error=error, locked_by=None, lease_until=None, **values
    )
    db.session.execute(statement, execution_options={"synchronize_session": False})
    db.session.commit()


class Relay:
    """One SMTP connection for a batch, opened on first use. When the server cannot be
    reached, the rest of the batch fails at once with the same error (no 10 s wait each)."""

    def __init__(self):
        self.to_log = bool(current_app.config.get("MAIL_TO_LOG"))
        self.connection = None
        self.down: Exception | None = None

    def send(self, envelope: Envelope) -> None:
        message = build_message(envelope)
        if self.to_log:
            mail_log.info("%s", as_log_text(envelope))
            return
        if self.down is not None:
            raise self.down
        if self.connection is None:
            try:
                self.connection = relay_connection()
            except Exception as exc:
                self.down = exc
                raise
        try:
            self.connection.send(message)
        except Exception:
            self.close()  # the connection may be unusable; the next row opens a new one
            raise

    def close(self) -> None:
        connection, self.connection = self.connection, None
        if connection is not None:
            try:
                connection.__exit__(None, None, None)
            except Exception:  # the server went away: nothing left to close politely
                log.debug("closing the SMTP connection failed", exc_info=True)


def as_log_text(envelope: Envelope) -> str:
    """An email as MAIL_TO_LOG writes it: who, what, and the text with its links."""
    lines = [
        f"email #{envelope.id} ({envelope.kind})",
        f"To: {', '.join(envelope.recipients)}",
        f"Subject: {envelope.subject}",
    ]
    if envelope.attachments:
        names = ", ".join(f"{a.get('filename')} ({a.get('content_type')})" for a in envelope.attachments)
        lines.append(f"Attachments: {names}")
    return "\n".join([*lines, "", envelope.text_body.rstrip(), "-- end of email --"])


def build_message(envelope: Envelope) -> OutboxMail:
    return OutboxMail(
        subject=envelope.subject,
        recipients=list(envelope.recipients),
        body=envelope.text_body,
        html=envelope.html_body,
        stored_attachments=envelope.attachments,
        message_id=_message_id(envelope),
        extra_headers={"Auto-Submitted": "auto-generated"},
    )


def _message_id(envelope: Envelope) -> str:
    """The same Message-ID on every attempt of a row."""
    sender = current_app.config.get("MAIL_DEFAULT_SENDER") or ""
    if isinstance(sender, tuple):
        sender = sender[1]
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    digest = hashlib.sha256(envelope.dedupe_key.encode("utf-8")).hexdigest()[:16]
    return f"<outbox.{envelope.id}.{digest}@{domain}>"
