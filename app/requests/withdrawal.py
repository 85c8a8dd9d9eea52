"""A Pemda withdrawing its own request, and what it is told before it does.

Withdrawing is final. For a scheduled session it also tells the narasumber (released from the
session) and, for a face-to-face visit, the front desk; at or after the attendance-confirmation
deadline it counts as a late cancellation, a breach (app.compliance.ledger). The confirmation
page states all this first, from the same rules, so what it says is what happens.
"""

from dataclasses import dataclass
from datetime import datetime

from flask import abort

from app.auth.models import User
from app.core import audit
from app.core.access import owns
from app.core.clock import now_utc
from app.core.db_setup import lock_row
from app.domain.attendance import confirmation_deadline
from app.domain.policy import Mode
from app.domain.states import ACTIVE_SESSION_STATES, Action, IllegalTransition, allowed, transition
from app.extensions import db
from app.requests.models import ConsultationRequest


@dataclass(frozen=True)
class Consequences:
    """What withdrawing `req` now would do, for the confirmation page."""

    scheduled: bool  # a session with a time: its invite is cancelled for everyone
    narasumber: int  # narasumber assigned now, each told and released
    front_desk: bool  # a face-to-face visit: the front desk is told
    deadline: datetime | None  # the attendance-confirmation deadline of a scheduled session
    late: bool  # withdrawing now is a late cancellation (a breach)


def can_withdraw(req: ConsultationRequest) -> bool:
    """The state allows it and the delegation has not been checked in at the desk."""
    return allowed(req.state, Action.WITHDRAW) and getattr(req, "visit", None) is None


def consequences(req: ConsultationRequest, now: datetime | None = None) -> Consequences:
    from app.policy.services import work_calendar
    from app.scheduling.suggestions import policy_of

    now = now or now_utc()
    if req.state not in ACTIVE_SESSION_STATES or req.scheduled_start is None:
        return Consequences(False, 0, False, None, False)
    deadline = confirmation_deadline(req.scheduled_start, policy_of(req, now), work_calendar())
    return Consequences(
        scheduled=True,
        narasumber=sum(1 for a in req.assignments if a.active),
        front_desk=req.mode == Mode.FTF,
        deadline=deadline,
        late=now >= deadline,  # as app.compliance.ledger.record_late_cancellation decides
    )


def withdraw_request(user: User, req: ConsultationRequest, reason: str | None, now: datetime | None = None):
    # Imported here: app.scheduling's routes import app.requests.services.
    from app.compliance.ledger import record_late_cancellation
    from app.invites import services as invites_services
    from app.scheduling import emails as scheduling_emails
    from app.scheduling.services import release_rows

    if not owns(user, req):
        abort(404)
    lock_row(db.session, req)  # a double click, or DJPK deciding at the same moment
    before = req.state
    if not can_withdraw(req):  # e.g. checked in at the desk: the visit has begun
        raise IllegalTransition(req.state, Action.WITHDRAW)
    req.state = transition(req.state, Action.WITHDRAW)
    req.state_reason = (reason or "").strip() or None
    req.updated_at = now or now_utc()
    # A withdrawn session frees its narasumber and room at once.
    if req.scheduled_start is not None:  # before the release, so the CANCEL reaches everyone
        invites_services.touch(req, "CANCEL")
    released = release_rows(req)
    after = {"state": req.state, "reason": req.state_reason}
    if released["assignments"] or released["bookings"]:
        after["released_narasumber"] = [a.narasumber_id for a in released["assignments"]]
        after["released_rooms"] = [b.room_id for b in released["bookings"]]
    audit.record("request.withdraw", req, actor=user, before={"state": before}, after=after)
    record_late_cancellation(req, user, before, req.updated_at)  # after the deadline: a breach
    for a in released["assignments"]:
        scheduling_emails.queue_released(a, req.state_reason)
    scheduling_emails.queue_front_desk(req, "cancelled", reason=req.state_reason)  # a visit's CANCEL
    return req
