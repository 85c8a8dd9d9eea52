"""The scheduler's jobs, as plain functions of `now` (after Indico's rb/tasks.py).

- send_outbox: deliver the due email (app.outbox.sender);
- send_confirmation_requests: two working days before, ask the Pemda to confirm attendance;
- enforce_confirmation_deadlines: at the policy's deadline, flag a session still unconfirmed
  (and cancel it when the policy says so);
- send_reminders: one working day before, remind everyone involved.

An attendance step is "due and not yet done" for a booked session when due <= now < start and
no JobMarker of that step exists for the session at its current start time (a rescheduled
session gets its own steps). Each session is one transaction: the marker, the change and the
email rows commit together. A second run (a restart catching up, a second scheduler process)
hits the marker's unique key, rolls that one session back and goes on; one failing session
never blocks the others. Jobs never sleep and take `now`, so tests call them with time frozen.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from app.core.clock import now_utc
from app.core.db_setup import lock_for_write
from app.domain import attendance
from app.domain.policy import PolicyValues
from app.domain.states import RequestState
from app.domain.workdays import WorkCalendar
from app.extensions import db
from app.requests.models import ConsultationRequest
from app.scheduler import notices
from app.scheduler.each import each_in_own_transaction
from app.scheduler.models import JobMarker

log = logging.getLogger("konsultasi.scheduler")

# Sessions further away than this have no step due yet (the earliest is two working days
# before; the longest run of days off, around Idul Fitri, is well under a month).
HORIZON = timedelta(days=45)

SCHEDULED = frozenset({RequestState.SCHEDULED})
BOOKED = frozenset({RequestState.SCHEDULED, RequestState.CONFIRMED})


@dataclass(frozen=True)
class Step:
    """One attendance step of a session: when it is due, and what it does."""

    name: str  # the marker prefix: "<name>:<request id>:<start, UTC ISO>"
    states: frozenset
    due: Callable[[datetime, PolicyValues, WorkCalendar], datetime]
    act: Callable[[ConsultationRequest, PolicyValues, datetime, str], None]
    ready: Callable[[ConsultationRequest, datetime], bool] | None = None


def marker_key(step_name: str, req: ConsultationRequest) -> str:
    start = req.scheduled_start.astimezone(UTC).isoformat()
    return f"{step_name}:{req.id}:{start}"


def send_outbox(now: datetime | None = None) -> int:
    from app.outbox.sender import deliver_pending

    return deliver_pending(now=now or now_utc())


def send_confirmation_requests(now: datetime | None = None) -> int:
    return run_step(CONFIRMATION_REQUEST, now)


def enforce_confirmation_deadlines(now: datetime | None = None) -> int:
    return run_step(DEADLINE, now)


def send_reminders(now: datetime | None = None) -> int:
    return run_step(REMINDER, now)


def run_step(step: Step, now: datetime | None = None) -> int:
    """Do `step` for every booked session it is due for; how many sessions it was done for."""
    from app.policy.services import work_calendar

    now = now or now_utc()
    calendar = work_calendar()
    done = each_in_own_transaction(
        _candidates(step.states, now),
        lambda request_id: _do(step, request_id, now, calendar),
        log=log,
        failed=f"{step.name} failed for request %s; the others go on",
        already=f"{step.name} for request %s already done by another run",
    )
    return len(done)


def _candidates(states: frozenset, now: datetime) -> list[int]:
    query = (
        select(ConsultationRequest.id)
        .where(
            ConsultationRequest.state.in_(list(states)),
            ConsultationRequest.scheduled_start > now,
            ConsultationRequest.scheduled_start <= now + HORIZON,
        )
        .order_by(ConsultationRequest.scheduled_start, ConsultationRequest.id)
    )
    ids = list(db.session.scalars(query))
    db.session.rollback()  # end the read; each session gets a transaction of its own
    return ids


def _do(step: Step, request_id: int, now: datetime, calendar: WorkCalendar) -> bool:
    """In the current transaction: the step for one session if it is due and not yet done."""
    lock_for_write(db.session)  # SQLite: one writer at a time, so the marker check below holds
    req = db.session.get(ConsultationRequest, request_id, populate_existing=True, with_for_update=True)
    if req is None or req.state not in step.states or req.scheduled_start is None:
        return False
    start = req.scheduled_start
    policy = _policy(req, now)
    if not step.due(start, policy, calendar) <= now < start:
        return False
    if step.ready is not None and not step.ready(req, step.due(start, policy, calendar)):
        return False
    key = marker_key(step.name, req)
    if db.session.get(JobMarker, key) is not None:
        return False
    db.session.add(JobMarker(key=key, done_at=now))
    db.session.flush()  # PostgreSQL: a concurrent run waits here, then fails on the key
    step.act(req, policy, now, key)
    return True


def _policy(req: ConsultationRequest, now: datetime) -> PolicyValues:
    from app.scheduling.suggestions import policy_of

    return policy_of(req, now)


def _asked_in_time(req: ConsultationRequest, deadline: datetime) -> bool:
    """The Pemda was asked to confirm before the deadline: a session booked (or caught up by a
    scheduler that was down) after its deadline is not flagged, nor cancelled, for it."""
    asked = db.session.get(JobMarker, marker_key(CONFIRMATION_REQUEST.name, req))
    return asked is not None and asked.done_at < deadline


def _confirmation_request(req, policy, now, key) -> None:
    notices.confirmation_request(req, policy, key)


def _deadline(req, policy, now, key) -> None:
    notices.unconfirmed(req, policy, now, key)


def _reminder(req, policy, now, key) -> None:
    notices.reminder(req, policy, key)


CONFIRMATION_REQUEST = Step(
    "confirm-request", SCHEDULED, attendance.confirmation_request_due, _confirmation_request
)
DEADLINE = Step("deadline", SCHEDULED, attendance.confirmation_deadline, _deadline, _asked_in_time)
REMINDER = Step("reminder", BOOKED, attendance.reminder_due, _reminder)
