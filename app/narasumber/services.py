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

from app.auth.models import Role, User, service_user_name
from app.catalog.models import NarasumberProfile, Room, Topic
from app.core.clock import now_utc
from app.domain.policy import Mode
from app.extensions import db
from app.regions.models import Region
from app.requests.models import ConsultationRequest, request_topics
from app.scheduling.models import AssignmentStatus, NarasumberAssignment
from app.scheduling.services import SchedulingConflict, respond_to_assignment

# Past sessions per page of the list (?lama=2 the next older page); the newest first.
PAST_PER_PAGE = 20


class CannotAnswer(Exception):
    """The assignment can no longer be accepted or declined; the message says why."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class SessionCard:
    """What the sessions list shows of one assignment and its session, read as plain columns:
    a narasumber's list holds a hundred sessions and more, and loading each as ORM objects
    (assignment, request, Pemda, room, topics) was a third of the page's time."""

    id: int
    start: datetime
    end: datetime
    active: bool
    status: AssignmentStatus
    service_user_name: str  # the Pemda, as DJPK writes it
    mode: Mode
    zone: str  # the Pemda's time zone
    room_name: str | None
    room_floor: str | None
    meeting_url: str | None
    topic_codes: list[str]  # in the catalogue's order, as the request's page shows them


@dataclass
class Sessions:
    upcoming: list[SessionCard]
    past: list[SessionCard]  # one page of them
    page: int = 1  # of the past sessions
    older: bool = False  # whether a next (older) page has some


def profile_of(user: User) -> NarasumberProfile:
    if user.role != Role.NARASUMBER:
        abort(403)
    profile = db.session.scalars(
        select(NarasumberProfile).where(NarasumberProfile.user_id == user.id)
    ).first()
    if profile is None:
        abort(404)
    return profile


def sessions_of(profile: NarasumberProfile, now: datetime | None = None, page: int = 1) -> Sessions:
    """Sessions still to come (or under way) soonest first; past ones latest first, one page
    of PAST_PER_PAGE (`page`, from 1)."""
    now = now or now_utc()
    A, R = NarasumberAssignment, ConsultationRequest
    base = (
        select(
            A.id,
            A.start,
            A.end,
            A.active,
            A.status,
            A.request_id,
            R.unit_type,
            R.mode,
            R.meeting_url,
            Region.display_name,
            Region.timezone,
            Room.name,
            Room.floor,
        )
        .join(R, R.id == A.request_id)
        .join(Region, Region.id == R.region_id)
        .outerjoin(Room, Room.id == R.room_id)
        .where(A.narasumber_id == profile.id)
    )
    upcoming = db.session.execute(base.where(A.end > now).order_by(A.start, A.id)).all()
    past = db.session.execute(
        base.where(A.end <= now)
        .order_by(A.start.desc(), A.id.desc())
        .offset((page - 1) * PAST_PER_PAGE)
        .limit(PAST_PER_PAGE + 1)  # one more: whether there is an older page
    ).all()
    older, past = len(past) > PAST_PER_PAGE, past[:PAST_PER_PAGE]
    shown = (*upcoming, *past)
    codes = _topic_codes(profile, min(row.start for row in shown)) if shown else {}
    return Sessions(
        upcoming=[_card(row, codes) for row in upcoming],
        past=[_card(row, codes) for row in past],
        page=page,
        older=older,
    )


def _topic_codes(profile: NarasumberProfile, since: datetime) -> dict[int, list[str]]:
    """{request id: its topics' codes} of the profile's sessions starting at `since` or
    later (those shown, perhaps a few more), in one statement. A subquery rather than a list
    of ids: a hundred bound ids make a new statement for PostgreSQL's driver at every count."""
    A = NarasumberAssignment
    shown = select(A.request_id).where(A.narasumber_id == profile.id, A.start >= since)
    rows = db.session.execute(
        select(request_topics.c.request_id, Topic.code)
        .join(Topic, Topic.id == request_topics.c.topic_id)
        .where(request_topics.c.request_id.in_(shown))
        .order_by(Topic.sort_order)
    )
    codes: dict[int, list[str]] = {}
    for request_id, code in rows:
        codes.setdefault(request_id, []).append(code)
    return codes


def _card(row, codes: dict[int, list[str]]) -> SessionCard:
    return SessionCard(
        id=row.id,
        start=row.start,
        end=row.end,
        active=row.active,
        status=row.status,
        service_user_name=service_user_name(row.display_name, row.unit_type),
        mode=row.mode,
        zone=row.timezone,
        room_name=row.name,
        room_floor=row.floor,
        meeting_url=row.meeting_url,
        topic_codes=codes.get(row.request_id, []),
    )


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
