"""Public verification of a booking code: genuine, cancelled or not found, and nothing more.

What anyone may learn from a code is only what an invitation shows anyway: the date (WIB),
the mode and the Pemda's display name. A badly formed code and an unknown one get the same
answer, so that the page tells a guesser nothing about the code format. Every look-up is
logged (VerificationLookup), whatever its answer.

A session that was held, or that the delegation missed (no-show), was a genuine booking: it
answers "genuine" (the page says the date has passed). Only a cancelled session answers
"cancelled". Requests that never had a time have no booking code, so they are never found.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from app.core.clock import now_utc
from app.domain import booking_codes
from app.domain.policy import Mode
from app.domain.states import RequestState
from app.extensions import db
from app.requests.models import ConsultationRequest
from app.verification.models import VerificationLookup

S = RequestState
GENUINE, CANCELLED, NOT_FOUND = "genuine", "cancelled", "not_found"
GENUINE_STATES = frozenset({S.SCHEDULED, S.CONFIRMED, S.HELD, S.NO_SHOW})
CANCELLED_STATES = frozenset({S.CANCELLED})


@dataclass(frozen=True)
class Answer:
    """All the page may show. `start` and `code` are None when nothing was found."""

    result: str
    code: str | None = None  # display form, only when found
    start: datetime | None = None
    mode: Mode | None = None
    service_user: str | None = None
    past: bool = False


def look_up(typed: str, *, client_ip: str | None, via_qr: bool, now: datetime | None = None) -> Answer:
    """Answer for `typed` and log the look-up (in the caller's transaction)."""
    now = now or now_utc()
    req = _find(booking_codes.normalize(typed))
    answer = _answer(req, now)
    db.session.add(
        VerificationLookup(
            looked_up_at=now,
            code_entered=(typed or "")[:40],
            result=answer.result,
            request_id=req.id if req is not None and answer.result != NOT_FOUND else None,
            client_ip=(client_ip or "")[:64] or None,
            via_qr=via_qr,
        )
    )
    return answer


def _find(code: str | None) -> ConsultationRequest | None:
    if code is None:
        return None
    return db.session.scalars(
        select(ConsultationRequest).where(ConsultationRequest.booking_code == code)
    ).first()


def _answer(req: ConsultationRequest | None, now: datetime) -> Answer:
    if req is None or req.scheduled_start is None:
        return Answer(NOT_FOUND)
    if req.state in GENUINE_STATES:
        result = GENUINE
    elif req.state in CANCELLED_STATES:
        result = CANCELLED
    else:
        return Answer(NOT_FOUND)
    return Answer(
        result,
        code=req.booking_code_display,
        start=req.scheduled_start,
        mode=req.mode,
        service_user=req.service_user_name,
        past=req.scheduled_start < now,
    )
