"""What a narasumber does with their own assignments: list them, read one, answer it.

A narasumber sees only their own assignments; anyone else's answers 404 so that its
existence is not revealed. Only an active assignment of a session still to come can be
answered; the answer itself (status, audit, alert to the coordinator) is decided by
app.scheduling.services.respond_to_assignment.
"""

from dataclasses import dataclass
from datetime import datetime

from flask import abort
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from app.auth.models import Role, User
from app.catalog.models import NarasumberProfile
from app.core.clock import now_utc
from app.extensions import db
from app.requests.models import ConsultationRequest
from app.scheduling.models import AssignmentStatus, NarasumberAssignment
from app.scheduling.services import SchedulingConflict, respond_to_assignment

PAST_LIMIT = 100


class CannotAnswer(Exception):
    """The assignment can no longer be accepted or declined; the message says why."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class Sessions:
    upcoming: list[NarasumberAssignment]
    past: list[NarasumberAssignment]


def profile_of(user: User) -> NarasumberProfile:
    if user.role != Role.NARASUMBER:
        abort(403)
    profile = db.session.scalars(
        select(NarasumberProfile).where(NarasumberProfile.user_id == user.id)
    ).first()
    if profile is None:
        abort(404)
    return profile


def _with_request():
    # The request, its Pemda and room in the assignments' own statement; the topics in one more.
    return joinedload(NarasumberAssignment.request).options(
        joinedload(ConsultationRequest.region),
        joinedload(ConsultationRequest.room),
        selectinload(ConsultationRequest.topics),
    )


def sessions_of(profile: NarasumberProfile, now: datetime | None = None) -> Sessions:
    """Sessions still to come (or under way) soonest first; past ones latest first."""
    now = now or now_utc()
    base = select(NarasumberAssignment).where(NarasumberAssignment.narasumber_id == profile.id)
    upcoming = db.session.scalars(
        base.where(NarasumberAssignment.end > now)
        .order_by(NarasumberAssignment.start, NarasumberAssignment.id)
        .options(_with_request())
    )
    past = db.session.scalars(
        base.where(NarasumberAssignment.end <= now)
        .order_by(NarasumberAssignment.start.desc(), NarasumberAssignment.id.desc())
        .limit(PAST_LIMIT)
        .options(_with_request())
    )
    return Sessions(upcoming=list(upcoming), past=list(past))


def own_assignment(user: User, assignment_id: int) -> NarasumberAssignment:
    """The assignment if it is `user`'s own, else 404."""
    profile = profile_of(user)
    A, R = NarasumberAssignment, ConsultationRequest
    # With what its page shows: the request, its Pemda, room and letter in this statement,
    # its topics, delegation and colleagues (with their names) in one statement each.
    assignment = db.session.scalars(
        select(A)
        .where(A.id == assignment_id)
        .options(
            joinedload(A.request).options(
                joinedload(R.region),
                joinedload(R.room),
                joinedload(R.letter),
                selectinload(R.topics),
                selectinload(R.delegation),
                selectinload(R.assignments).joinedload(A.narasumber).joinedload(NarasumberProfile.user),
            )
        )
    ).one_or_none()
    if assignment is None or assignment.narasumber_id != profile.id:
        abort(404)
    return assignment


def colleagues(assignment: NarasumberAssignment) -> list[NarasumberAssignment]:
    """The other narasumber still assigned to the same session."""
    return [
        a
        for a in assignment.request.assignments
        if a.id != assignment.id and a.active and a.narasumber_id != assignment.narasumber_id
    ]


def can_accept(assignment: NarasumberAssignment, now: datetime | None = None) -> bool:
    return _open(assignment, now) and assignment.status == AssignmentStatus.ASSIGNED


def can_decline(assignment: NarasumberAssignment, now: datetime | None = None) -> bool:
    # An accepted assignment may still be declined while the session is to come: plans change.
    return _open(assignment, now) and assignment.status in (
        AssignmentStatus.ASSIGNED,
        AssignmentStatus.ACCEPTED,
    )


def _open(assignment: NarasumberAssignment, now: datetime | None) -> bool:
    return assignment.active and assignment.start > (now or now_utc())


def check_answerable(assignment: NarasumberAssignment, *, accept: bool, now: datetime | None = None) -> None:
    now = now or now_utc()
    if not assignment.active:
        raise CannotAnswer(_("Penugasan ini sudah tidak berlaku sehingga tidak dapat dijawab."))
    if assignment.start <= now:
        raise CannotAnswer(
            _("Sesi ini sudah dimulai atau sudah lewat sehingga penugasan tidak dapat dijawab.")
        )
    if accept and assignment.status == AssignmentStatus.ACCEPTED:
        raise CannotAnswer(_("Anda sudah menerima penugasan ini."))
    if not (can_accept(assignment, now) if accept else can_decline(assignment, now)):
        raise CannotAnswer(_("Penugasan ini sudah tidak dapat dijawab."))


def respond(user: User, assignment: NarasumberAssignment, *, accept: bool, reason: str | None = None) -> None:
    """Accept or decline `user`'s own assignment; the caller commits with commit_or_conflict().

    Raises CannotAnswer (the transaction rolled back) when it can no longer be answered.
    """
    if assignment.narasumber.user_id != user.id:
        abort(404)
    check_answerable(assignment, accept=accept)
    reason = (reason or "").strip() or None
    if not accept and not reason:
        raise CannotAnswer(_("Tuliskan alasan menolak penugasan."))
    try:
        respond_to_assignment(assignment, accept=accept, actor=user, reason=reason)
    except SchedulingConflict as refused:  # e.g. released by the coordinator meanwhile
        raise CannotAnswer(refused.message) from refused
