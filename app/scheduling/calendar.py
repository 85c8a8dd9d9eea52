"""The coordinator's calendar of sessions: a working week (Monday to Friday, 08:00-16:00 WIB)
or a month, optionally for one narasumber or one room. Days are WIB days."""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import exists, select

from app.auth.models import User, service_user_name
from app.catalog.models import NarasumberProfile, Room, Topic
from app.core.clock import WIB
from app.domain.states import RequestState
from app.extensions import db
from app.policy.services import work_calendar
from app.regions.models import Region
from app.requests.models import ConsultationRequest, request_topics
from app.scheduling.models import NarasumberAssignment

SHOWN_STATES = (RequestState.SCHEDULED, RequestState.CONFIRMED, RequestState.HELD)
FIRST_HOUR, LAST_HOUR = 8, 16  # the rows of the week view, WIB


@dataclass(frozen=True)
class Session:
    """What the calendar shows of a session (routes._session_boxes()): a month
    holds hundreds, read as plain rows rather than as requests with their relationships."""

    id: int
    mode: str
    state: str
    scheduled_start: datetime
    scheduled_end: datetime
    service_user_name: str
    room_name: str | None
    topic_codes: tuple[str, ...]


@dataclass
class Day:
    day: date
    sessions: list[Session] = field(default_factory=list)
    holiday: str | None = None
    in_month: bool = True

    def at_hour(self, hour: int) -> list[Session]:
        """Sessions starting in this WIB hour (those before 08:00 go to the first row, after
        16:00 to the last, so that nothing is hidden)."""
        out = []
        for s in self.sessions:
            h = min(max(s.scheduled_start.astimezone(WIB).hour, FIRST_HOUR), LAST_HOUR - 1)
            if h == hour:
                out.append(s)
        return out


@dataclass
class CalendarView:
    view: str  # week | month
    anchor: date
    start: date
    end: date  # exclusive
    weeks: list[list[Day]]
    prev: date
    next: date

    @property
    def days(self) -> list[Day]:
        return [d for week in self.weeks for d in week if d.in_month]

    @property
    def hours(self) -> range:
        return range(FIRST_HOUR, LAST_HOUR)


def _utc(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=WIB).astimezone(UTC)


def sessions_between(
    start: date, end: date, *, narasumber_id: int | None = None, room_id: int | None = None
) -> list[Session]:
    """Scheduled, confirmed and held sessions starting on WIB days [start, end)."""
    R = ConsultationRequest
    shown = [
        R.state.in_(SHOWN_STATES),
        R.scheduled_start.is_not(None),
        R.scheduled_start >= _utc(start),
        R.scheduled_start < _utc(end),
    ]
    if narasumber_id:
        A = NarasumberAssignment
        shown.append(
            exists().where(A.request_id == R.id, A.narasumber_id == narasumber_id, A.active.is_(True))
        )
    if room_id:
        shown.append(R.room_id == room_id)
    # Two statements whatever the number of sessions: the sessions, then their topics.
    topics: dict[int, list[str]] = {}
    for request_id, code in db.session.execute(
        select(request_topics.c.request_id, Topic.code)
        .join(Topic, Topic.id == request_topics.c.topic_id)
        .where(request_topics.c.request_id.in_(select(R.id).where(*shown)))
        .order_by(request_topics.c.request_id, Topic.sort_order)
    ):
        topics.setdefault(request_id, []).append(code)
    rows = db.session.execute(
        select(
            R.id,
            R.mode,
            R.state,
            R.scheduled_start,
            R.scheduled_end,
            R.unit_type,
            Region.display_name,
            Room.name,
        )
        .join(Region, Region.id == R.region_id)
        .outerjoin(Room, Room.id == R.room_id)
        .where(*shown)
        .order_by(R.scheduled_start, R.id)
    )
    return [
        Session(
            rid, mode, state, start, end, service_user_name(region, unit), room, tuple(topics.get(rid, ()))
        )
        for rid, mode, state, start, end, unit, region, room in rows
    ]


def build(
    view: str, anchor: date, *, narasumber_id: int | None = None, room_id: int | None = None
) -> CalendarView:
    cal = work_calendar()
    if view == "month":
        first = anchor.replace(day=1)
        next_month = (first + timedelta(days=32)).replace(day=1)
        grid_start = first - timedelta(days=first.weekday())
        grid_end = next_month + timedelta(days=(7 - next_month.weekday()) % 7)
        prev = (first - timedelta(days=1)).replace(day=1)
        start, end, columns = first, next_month, 7
        nxt = next_month
    else:
        view = "week"
        grid_start = anchor - timedelta(days=anchor.weekday())
        grid_end = grid_start + timedelta(days=7)
        start, end, columns = grid_start, grid_end, 5
        prev, nxt = grid_start - timedelta(days=7), grid_start + timedelta(days=7)
    by_day: dict[date, list[Session]] = {}
    # The days shown: a month's grid shows no sessions on the days of the months around it.
    for s in sessions_between(start, end, narasumber_id=narasumber_id, room_id=room_id):
        by_day.setdefault(s.scheduled_start.astimezone(WIB).date(), []).append(s)
    weeks = []
    day = grid_start
    while day < grid_end:
        week = []
        for i in range(7):
            d = day + timedelta(days=i)
            if i < columns or by_day.get(d):
                week.append(Day(d, by_day.get(d, []), cal.holiday_name(d), in_month=start <= d < end))
        weeks.append(week)
        day += timedelta(days=7)
    return CalendarView(view, anchor, start, end, weeks, prev, nxt)


def narasumber_choices() -> list[tuple[int, str]]:
    """(profile id, name) of every narasumber, by name: the filter lists only these."""
    P = NarasumberProfile
    people = db.session.execute(select(P.id, User.name).join(P.user)).all()
    return sorted(((pid, name) for pid, name in people), key=lambda p: p[1].lower())


def room_choices() -> list[Room]:
    return list(db.session.scalars(select(Room).order_by(Room.name)))
