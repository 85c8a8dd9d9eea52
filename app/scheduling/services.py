"""Booking decisions: approve and schedule, reschedule, cancel, replace or answer an assignment.

A session (= its request) occupies narasumber (NarasumberAssignment rows) and, face to face, a
room (a RoomBooking row). No person or room is ever booked twice:
- every booking change first takes the write lock (lock_for_write: BEGIN IMMEDIATE on SQLite)
  and locks the request, the people and the room (SELECT ... FOR UPDATE on PostgreSQL), then
  checks (app.scheduling.conflicts) and inserts;
- on PostgreSQL the exclusion constraints refuse an overlap anyway; that refusal, at flush or
  at commit (commit_or_conflict()), becomes a SchedulingConflict too.
A SchedulingConflict always leaves the transaction rolled back: never a half-saved session.
Routes call commit_or_conflict() instead of db.session.commit(); it sends the queued email.
"""

from collections.abc import Iterable
from datetime import datetime
from functools import wraps

from flask import abort
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from app.auth.models import User
from app.catalog.models import NarasumberProfile
from app.core import audit
from app.core.access import require_coordinator
from app.core.clock import now_utc
from app.core.mail import drop_queued, send_queued
from app.domain import booking_codes
from app.domain.policy import Mode
from app.domain.states import ACTIVE_SESSION_STATES, Action, IllegalTransition, transition
from app.extensions import db
from app.invites import services as invites_services
from app.requests.models import ConsultationRequest
from app.scheduling import emails
from app.scheduling.booking import (
    active_rows,
    book,
    check_times,
    flush_or_conflict,
    lock_people,
    lock_request,
    lock_room,
    meeting_url_for,
    new_assignment,
    refuse_if_arrived,
    release_rows,
    required_reason,
    snapshot,
    unique_ids,
)
from app.scheduling.conflicts import SchedulingConflict, check_capacity, check_person, conflict_from
from app.scheduling.models import AssignmentStatus, NarasumberAssignment, RoomBooking

__all__ = [
    "SchedulingConflict",
    "cancel_session",
    "commit_or_conflict",
    "release_rows",
    "replace_narasumber",
    "reschedule",
    "respond_to_assignment",
    "schedule",
]


def commit_or_conflict() -> None:
    """Commit; an overlap refused by PostgreSQL becomes SchedulingConflict. Mail goes after."""
    try:
        db.session.commit()
    except IntegrityError as exc:
        _rollback()
        conflict = conflict_from(exc)
        if conflict is None:
            raise
        raise conflict from exc
    send_queued()


def _rollback() -> None:
    db.session.rollback()
    drop_queued()


def _all_or_nothing(func):
    """A refused booking rolls back everything (and releases the SQLite write lock).

    An IllegalTransition (the request is no longer in a state that allows this) too: the
    route shows its message, as for the Pemda's own actions.
    """

    @wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except (SchedulingConflict, IllegalTransition):
            _rollback()
            raise

    return wrapper


@_all_or_nothing
def fresh_booking_code() -> str:
    """A booking code no session has (49.5 random bits: a clash is a once-in-ages event, and
    the unique index stops one anyway)."""
    while True:
        code = booking_codes.new_code()
        if not db.session.query(ConsultationRequest.id).filter_by(booking_code=code).first():
            return code


@_all_or_nothing
def schedule(
    req: ConsultationRequest,
    *,
    start: datetime,
    end: datetime,
    narasumber_ids: Iterable[int],
    room_id: int | None = None,
    meeting_url: str | None = None,
    actor: User,
    override_reason: str | None = None,
    topic_codes_by_person: dict | None = None,
    breach_override_reason: str | None = None,
) -> ConsultationRequest:
    """Approve a submitted request and book its session (Action.APPROVE). A face-to-face
    request of a Pemda over the breach threshold needs `breach_override_reason` (app.compliance)."""
    from app.compliance.ledger import check_breach_override

    require_coordinator(actor)
    check_times(start, end)
    transition(req.state, Action.APPROVE)  # refuse early, before any lock
    ids = unique_ids(narasumber_ids)
    url = meeting_url_for(req, meeting_url) if req.mode == Mode.VC else None
    lock_request(req)
    new_state = transition(req.state, Action.APPROVE)
    breach_override = check_breach_override(req, breach_override_reason, actor, now_utc())  # after re-read
    before = snapshot(req, [])
    assignments = book(
        req,
        start,
        end,
        ids,
        room_id,
        actor=actor,
        override_reason=override_reason,
        topic_codes=topic_codes_by_person or {},
    )
    if req.mode == Mode.VC:
        req.meeting_url = url
    req.state = new_state
    req.state_reason = None
    req.updated_at = now_utc()
    if not req.booking_code:
        req.booking_code = fresh_booking_code()
    invites_services.touch(req, "REQUEST", first=True)  # invite SEQUENCE 0 (app.invites)
    after = snapshot(req, assignments) | breach_override
    if override_reason:
        after["override_reason"] = override_reason
    audit.record("request.schedule", req, actor=actor, before=before, after=after)
    emails.queue_scheduled(req)
    for a in assignments:
        emails.queue_assignment(a)
    return req


@_all_or_nothing
def reschedule(
    req: ConsultationRequest,
    *,
    start: datetime,
    end: datetime,
    actor: User,
    reason: str,
    room_id: int | None = None,
    narasumber_ids: Iterable[int] | None = None,
) -> ConsultationRequest:
    """Move the session (Action.RESCHEDULE); the same people and room unless others are given."""
    require_coordinator(actor)
    check_times(start, end)
    reason = required_reason(reason)
    transition(req.state, Action.RESCHEDULE)
    old = lock_request(req)
    refuse_if_arrived(req)
    new_state = transition(req.state, Action.RESCHEDULE)
    before = snapshot(req, old)
    old_start, old_end = req.scheduled_start, req.scheduled_end
    kept = {a.narasumber_id: a for a in old}
    ids = unique_ids(narasumber_ids) if narasumber_ids is not None else list(kept)
    if req.mode == Mode.FTF and room_id is None:
        room_id = req.room_id
    released = release_rows(req)
    db.session.flush()  # the old rows stop counting before the checks and the new inserts
    same_time = (start, end) == (old_start, old_end)
    assignments = book(
        req,
        start,
        end,
        ids,
        room_id,
        actor=actor,
        override_reason=None,
        topic_codes={pid: a.topic_codes for pid, a in kept.items()},
        carried=kept if same_time else {},
    )
    if req.mode == Mode.VC:
        req.meeting_url = meeting_url_for(req, req.meeting_url)
    req.state = new_state
    req.state_reason = reason
    req.updated_at = now_utc()
    if not same_time:
        req.unconfirmed_flagged_at = None  # a new time has a new confirmation deadline
    invites_services.touch(req, "REQUEST")  # same UID, SEQUENCE + 1 (app.invites)
    after = snapshot(req, assignments)
    after["reason"] = reason
    audit.record("request.reschedule", req, actor=actor, before=before, after=after)
    emails.queue_rescheduled(req, old_start, old_end, reason)
    staying = {a.narasumber_id for a in assignments}
    for a in released["assignments"]:
        if a.narasumber_id not in staying:
            emails.queue_released(a, reason)
    for a in assignments:
        if not (same_time and a.narasumber_id in kept):
            emails.queue_assignment(a, previous=(old_start, old_end) if a.narasumber_id in kept else None)
    return req


@_all_or_nothing
def cancel_session(req: ConsultationRequest, *, actor: User, reason: str) -> ConsultationRequest:
    """DJPK cancels (Action.CANCEL): the people and the room are free again."""
    require_coordinator(actor)
    return _cancel(req, actor, reason)


def _cancel(req: ConsultationRequest, actor: User | None, reason: str) -> ConsultationRequest:
    reason = required_reason(reason)
    transition(req.state, Action.CANCEL)
    active = lock_request(req)
    refuse_if_arrived(req)
    new_state = transition(req.state, Action.CANCEL)
    before = snapshot(req, active)
    invites_services.touch(req, "CANCEL")  # before the release: the CANCEL reaches them (app.invites)
    released = release_rows(req)
    req.state = new_state
    req.state_reason = reason
    req.updated_at = now_utc()
    after = snapshot(req, [])
    after["reason"] = reason
    audit.record("request.cancel", req, actor=actor, before=before, after=after)
    emails.queue_cancelled(req, reason)
    for a in released["assignments"]:
        emails.queue_released(a, reason)
    return req


@_all_or_nothing
def replace_narasumber(
    assignment: NarasumberAssignment,
    new_narasumber_id: int,
    *,
    actor: User,
    override_reason: str | None = None,
) -> NarasumberAssignment:
    """Put another narasumber in the place of `assignment` (declined or not) at the same time."""
    require_coordinator(actor)
    req = assignment.request
    active = lock_request(req)
    db.session.refresh(assignment)
    if req.state not in ACTIVE_SESSION_STATES or req.scheduled_start is None:
        raise SchedulingConflict(_("Sesi ini tidak sedang terjadwal."))
    if assignment.request_id != req.id or assignment.status == AssignmentStatus.RELEASED:
        raise SchedulingConflict(_("Penugasan ini sudah tidak berlaku."))
    if any(a.narasumber_id == new_narasumber_id for a in active):
        person = db.session.get(NarasumberProfile, new_narasumber_id)
        name = person.user.name if person else str(new_narasumber_id)
        raise SchedulingConflict(
            _("Narasumber %(name)s sudah ditugaskan pada sesi ini.", name=name), "narasumber_id"
        )
    before = snapshot(req, active)
    was_active = assignment.active
    if was_active:
        assignment.active = False
        assignment.status = AssignmentStatus.RELEASED
        db.session.flush()
    others = [a for a in active if a.id != assignment.id]
    new_person = lock_people([new_narasumber_id])[new_narasumber_id]
    check_person(db.session, new_person, req.scheduled_start, req.scheduled_end, request_id=req.id)
    booking = next(iter(active_rows(RoomBooking, req)), None)
    if booking is not None:  # one more person in the room when the decliner had left it
        check_capacity(lock_room(booking.room_id), len(req.delegation) + len(others) + 1)
    new = new_assignment(req, new_person, actor, override_reason, codes=assignment.topic_codes)
    flush_or_conflict(req.scheduled_start, req.scheduled_end)
    invites_services.touch(req, "REQUEST")  # other attendees: SEQUENCE + 1 (app.invites)
    after = snapshot(req, [*others, new])
    after["replaced"] = assignment.narasumber_id
    if override_reason:
        after["override_reason"] = override_reason
    audit.record("assignment.replace", req, actor=actor, before=before, after=after)
    emails.queue_assignment(new)
    if was_active:
        emails.queue_released(assignment, None)
    return new


@_all_or_nothing
def respond_to_assignment(
    assignment: NarasumberAssignment, *, accept: bool, actor: User, reason: str | None = None
) -> NarasumberAssignment:
    """The narasumber accepts, or declines with a reason (the coordinators are alerted)."""
    if assignment.narasumber.user_id != getattr(actor, "id", None):
        abort(403)
    reason = (reason or "").strip() or None
    if not accept and not reason:
        raise SchedulingConflict(_("Tuliskan alasan menolak penugasan."), "reason")
    req = assignment.request
    lock_request(req)
    db.session.refresh(assignment)
    if not assignment.active:
        raise SchedulingConflict(_("Penugasan ini sudah tidak berlaku."))
    before = {"status": assignment.status, "active": assignment.active}
    assignment.responded_at = now_utc()
    if accept:
        assignment.status = AssignmentStatus.ACCEPTED
    else:
        assignment.status = AssignmentStatus.DECLINED
        assignment.active = False
        assignment.decline_reason = reason
    after = {"status": assignment.status, "active": assignment.active, "reason": reason}
    audit.record(
        "assignment.accept" if accept else "assignment.decline",
        assignment,
        actor=actor,
        before=before,
        after=after,
    )
    if not accept:
        db.session.flush()
        emails.queue_decline_alert(assignment, emails.replacement_suggestions(req, assignment))
    return assignment


@_all_or_nothing
def cancel_unconfirmed(req: ConsultationRequest, *, reason: str) -> ConsultationRequest:
    """The system cancels a session whose attendance was not confirmed by the deadline, when
    the policy says so (app.scheduler): as cancel_session(), audited with no actor."""
    return _cancel(req, None, reason)
