"""What the front desk reads: a WIB day's face-to-face sessions and walk-ins, the next working
day's once today expects nobody more, a session by its booking code, a visit's breaches."""

from datetime import date, datetime, time, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from app.attendance.models import AttendanceConfirmation
from app.checkin.models import Visit
from app.compliance.models import Breach
from app.core.access import visible_requests
from app.core.clock import WIB
from app.core.search import ESCAPE, contains
from app.domain import desk_days
from app.domain.booking_codes import normalize
from app.domain.policy import Mode
from app.domain.states import RequestState
from app.extensions import db
from app.policy.services import policy_in_force, work_calendar
from app.regions.models import Region
from app.requests.models import ConsultationRequest

S = RequestState
# A day's expected visits: what is still expected and what already happened there.
DESK_STATES = (S.SCHEDULED, S.CONFIRMED, S.HELD, S.NO_SHOW)


def wib_today(now: datetime) -> date:
    return now.astimezone(WIB).date()


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The UTC instants where the WIB day `day` starts and ends."""
    start = datetime.combine(day, time.min, WIB)
    return start, start + timedelta(days=1)


def sessions_on(day: date, name: str | None = None, viewer=None) -> list[ConsultationRequest]:
    """The day's face-to-face sessions by time, optionally of Pemda whose name contains `name`,
    and only those `viewer` may see (app.core.access.visible_requests) when given."""
    start, end = day_bounds(day)
    R = ConsultationRequest
    query = (
        select(R)
        .join(Region, Region.id == R.region_id)
        .where(
            R.mode == Mode.FTF,
            R.state.in_(DESK_STATES),
            R.scheduled_start >= start,
            R.scheduled_start < end,
        )
        .options(
            contains_eager(R.region),
            selectinload(R.topics),
            joinedload(R.visit).selectinload(Visit.guests),
            joinedload(R.confirmation).selectinload(AttendanceConfirmation.guests),
            joinedload(R.policy_version),  # the confirmation window of each
            joinedload(R.room),
        )
        .order_by(R.scheduled_start, R.id)
    )
    if viewer is not None:
        query = query.where(visible_requests(viewer))
    if name:
        pattern = contains(name.strip())
        query = query.where(
            or_(Region.display_name.ilike(pattern, escape=ESCAPE), Region.name.ilike(pattern, escape=ESCAPE))
        )
    return list(db.session.scalars(query))


def desk_session(request_id: int) -> ConsultationRequest | None:
    """One session as its desk page shows it: Pemda, topics, arrival, confirmation and policy
    (the confirmation window) loaded with it."""
    R = ConsultationRequest
    return db.session.scalars(
        select(R)
        .where(R.id == request_id)
        .options(
            joinedload(R.region),
            selectinload(R.topics),
            joinedload(R.visit).selectinload(Visit.guests),
            joinedload(R.confirmation).selectinload(AttendanceConfirmation.guests),
            joinedload(R.policy_version),
            joinedload(R.room),
        )
    ).first()


def next_day_to_show(now: datetime, today: list[ConsultationRequest]) -> date | None:
    """The next working day, when the desk expects nobody more today: its service hours are
    over (or it is a day off), or every session of today has arrived or ended. None else."""
    cal = work_calendar()
    _version, values = policy_in_force(now)
    waiting = [
        r
        for r in today
        if r.state in (S.SCHEDULED, S.CONFIRMED) and r.visit is None and r.scheduled_end > now
    ]
    if waiting and not desk_days.closed_for_today(now, values, cal):
        return None
    return cal.next_working_day(wib_today(now) + timedelta(days=1))


def walk_ins_on(day: date) -> list[Visit]:
    start, end = day_bounds(day)
    return list(
        db.session.scalars(
            select(Visit)
            .where(Visit.walk_in.is_(True), Visit.arrived_at >= start, Visit.arrived_at < end)
            .options(selectinload(Visit.guests), joinedload(Visit.region))
            .order_by(Visit.arrived_at, Visit.id)
        )
    )


def visits_on(day: date) -> list[Visit]:
    """Every visit that arrived on the WIB day `day` (sessions and walk-ins), by arrival."""
    start, end = day_bounds(day)
    return list(
        db.session.scalars(
            select(Visit)
            .where(Visit.arrived_at >= start, Visit.arrived_at < end)
            .options(
                selectinload(Visit.guests),
                joinedload(Visit.region),
                joinedload(Visit.request),  # its booking code and time in the visitor log
                joinedload(Visit.checked_in_by),
            )
            .order_by(Visit.arrived_at, Visit.id)
        )
    )


def by_code(text: str | None) -> ConsultationRequest | None:
    """The face-to-face session of a typed (or scanned) booking code, any day."""
    code = normalize(text)
    if code is None:
        return None
    return db.session.scalars(
        select(ConsultationRequest).where(
            ConsultationRequest.booking_code == code, ConsultationRequest.mode == Mode.FTF
        )
    ).first()


def breaches_of(visit: Visit | None = None, req: ConsultationRequest | None = None) -> list[Breach]:
    """The breaches recorded for a visit or a session (voided ones included, last)."""
    conditions = []
    if visit is not None:
        conditions.append(Breach.visit_id == visit.id)
    if req is not None:
        conditions.append(Breach.request_id == req.id)
    if not conditions:
        return []
    # Sorted here, not by the database: with an ORDER BY, SQLite's planner walks the whole
    # ledger in recorded_at order instead of looking the few rows up by request.
    rows = db.session.scalars(select(Breach).where(or_(*conditions)))
    return sorted(rows, key=lambda b: (b.voided, b.recorded_at, b.id))
