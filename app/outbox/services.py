"""Outbox rows: adding one in the caller's transaction, listing them for administrators and
resending a failed one.

add_message() is what app.core.mail.queue_email() calls; nothing else writes new rows.
"""

from dataclasses import dataclass

from flask import abort
from sqlalchemy import String, cast, func, or_, select
from sqlalchemy.orm import defer

from app.auth.models import Role, User
from app.core import audit
from app.core.clock import now_utc
from app.core.search import ESCAPE, contains
from app.extensions import db
from app.outbox.models import OutboxMessage, OutboxState


def add_message(
    *,
    recipients: list[str],
    subject: str,
    text_body: str,
    html_body: str | None,
    kind: str,
    dedupe_key: str,
    request_id: int | None = None,
    request=None,
    attachments: list[dict] | None = None,
) -> OutboxMessage:
    """Add a pending row to the session (not flushed, not committed).

    A row with the same dedupe key, in the database or queued in this transaction, is
    returned instead of a new one: a duplicate never fails the caller's transaction. (Two
    transactions adding the same key at the same moment: the unique constraint refuses the
    second commit; jobs that use dedupe keys hold their own markers against that.)
    """
    existing = _with_key(dedupe_key)
    if existing is not None:
        return existing
    now = now_utc()
    message = OutboxMessage(
        recipients=list(recipients),
        subject=subject,
        text_body=text_body,
        html_body=html_body,
        attachments=list(attachments or []),
        kind=kind,
        request_id=request_id,
        dedupe_key=dedupe_key,
        state=OutboxState.PENDING,
        attempts=0,
        next_attempt_at=now,
        created_at=now,
        http_request_id=_http_request_id(),
    )
    if request_id is None and request is not None and _is_request(request):
        # The relationship, not the id: a request created in this transaction may have none yet.
        message.request = request
    db.session.add(message)
    return message


def _http_request_id() -> str | None:
    from app.core.logs import request_id

    return request_id()


def _with_key(dedupe_key: str) -> OutboxMessage | None:
    for obj in db.session.new:
        if isinstance(obj, OutboxMessage) and obj.dedupe_key == dedupe_key:
            return obj
    # No autoflush: flushing the caller's pending changes here could raise their errors
    # (a unique email, an overlapping booking) at the wrong place.
    with db.session.no_autoflush:
        return db.session.scalars(select(OutboxMessage).where(OutboxMessage.dedupe_key == dedupe_key)).first()


def _is_request(obj) -> bool:
    from app.requests.models import ConsultationRequest

    return isinstance(obj, ConsultationRequest)


# Administration ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Counts:
    pending: int
    sending: int
    failed: int
    sent: int


def require_admin(actor: User) -> None:
    if actor is None or not actor.is_authenticated or actor.role != Role.ADMIN:
        abort(403)


def counts() -> Counts:
    rows = dict(
        db.session.execute(select(OutboxMessage.state, func.count()).group_by(OutboxMessage.state)).all()
    )
    return Counts(*(rows.get(state, 0) for state in ("pending", "sending", "failed", "sent")))


PER_PAGE = 50


def messages(*, state: str = "", q: str = "", page: int = 1, per_page: int = PER_PAGE):
    """Every email, newest first, of one state and/or whose recipients or subject contain `q`."""
    query = (
        select(OutboxMessage)
        # The list never shows an email's text: not read for 50 rows.
        .options(defer(OutboxMessage.text_body), defer(OutboxMessage.html_body))
        .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
    )
    if state:
        query = query.where(OutboxMessage.state == OutboxState(state))
    if q.strip():
        pattern = contains(q.strip().lower())
        # The recipients are a JSON list: its text holds every address.
        recipients = func.lower(cast(OutboxMessage.recipients, String))
        query = query.where(
            or_(
                recipients.like(pattern, escape=ESCAPE),
                func.lower(OutboxMessage.subject).like(pattern, escape=ESCAPE),
            )
        )
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def get(message_id: int) -> OutboxMessage:
    message = db.session.get(OutboxMessage, message_id)
    if message is None:
        abort(404)
    return message


class NotFailed(Exception):
    """Only a failed email can be sent again (a pending one is on its way)."""


def resend(message_id: int, actor: User) -> OutboxMessage:
    """Give a failed email a fresh set of attempts, starting now (audited)."""
    require_admin(actor)
    message = get(message_id)
    if message.state != OutboxState.FAILED:
        raise NotFailed(message_id)
    before = _snapshot(message)
    message.state = OutboxState.PENDING
    message.attempts = 0
    message.next_attempt_at = now_utc()
    message.locked_by = None
    message.lease_until = None
    audit.record("outbox.resend", message, actor=actor, before=before, after=_snapshot(message))
    return message


def _snapshot(message: OutboxMessage) -> dict:
    return {
        "state": str(message.state),
        "attempts": message.attempts,
        "next_attempt_at": message.next_attempt_at.isoformat() if message.next_attempt_at else None,
        "last_error": message.last_error,
        "kind": message.kind,
        "recipients": list(message.recipients),
    }
