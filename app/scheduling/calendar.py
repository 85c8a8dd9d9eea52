"""The coordinator's calendar of sessions: a working week (Monday to Friday, 08:00-16:00 WIB)
or a month, optionally for one narasumber or one room. Days are WIB days."""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import exists, func, select

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
# Sessions a day of the month view shows; the others are behind a link to that day's week,
# where every session has its hour ("+21 sesi lainnya": a busy day holds some 25).
MONTH_DAY_SESSIONS = 4


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
    total: int = 0  # the day's sessions, with those not in `sessions` (the month view's)

    @property
    def more(self) -> int:
        """How many of the day's sessions are not shown."""
        return self.total - len(self.sessions)

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


def sessions_by_day(
    start: date,
    end: date,
    *,
    narasumber_id: int | None = None,
    room_id: int | None = None,
    per_day: int | None = None,
) -> dict[date, tuple[list[Session], int]]:
    """Scheduled, confirmed and held sessions starting on WIB days [start, end), by WIB day:
    (the first `per_day` of the day by start time, or all of them; how many the day has).
    Two statements whatever the number: the sessions' rows, then the topics of those kept."""
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
    columns = (
        R.id,
        R.mode,
        R.state,
        R.scheduled_start,
        R.scheduled_end,
        R.unit_type,
        Region.display_name,
        Room.name.label("room"),
    )
    joined = select(*columns).join(Region, Region.id == R.region_id).outerjoin(Room, Room.id == R.room_id)
    if per_day is None:
        query = joined.where(*shown).order_by(R.scheduled_start, R.id)
    else:
        # A busy month holds some 500 sessions: the database numbers each WIB day's and
        # counts them, and only the first `per_day` of each day are read.
        from app.reports.tables import wib_day  # (app.reports imports this package)

        day = wib_day(R.scheduled_start, db.session.get_bind().dialect.name)
        numbered = (
            joined.add_columns(
                func.row_number().over(partition_by=day, order_by=(R.scheduled_start, R.id)).label("n"),
                func.count().over(partition_by=day).label("total"),
            )
            .where(*shown)
            .subquery()
        )
        query = (
            select(*(numbered.c[c.name] for c in columns), numbered.c.total)
            .where(numbered.c.n <= per_day)
            .order_by(numbered.c.scheduled_start, numbered.c.id)
        )
    kept: dict[date, list] = {}
    counts: dict[date, int] = {}
    for row in db.session.execute(query):
        day = row.scheduled_start.astimezone(WIB).date()
        counts[day] = row.total if per_day is not None else counts.get(day, 0) + 1
        kept.setdefault(day, []).append(row[:8])
    topics: dict[int, list[str]] = {}
    ids = [row[0] for day_rows in kept.values() for row in day_rows]
    if ids:
        for request_id, code in db.session.execute(
            select(request_topics.c.request_id, Topic.code)
            .join(Topic, Topic.id == request_topics.c.topic_id)
            .where(request_topics.c.request_id.in_(ids))
            .order_by(request_topics.c.request_id, Topic.sort_order)
        ):
            topics.setdefault(request_id, []).append(code)
    return {
        day: (
            [
                Session(
                    rid, mode, state, s, e, service_user_name(region, unit), room, tuple(topics.get(rid, ()))
                )
                for rid, mode, state, s, e, unit, region, room in day_rows
            ],
            counts[day],
        )
        for day, day_rows in kept.items()
    }


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
        nxt, per_day = next_month, MONTH_DAY_SESSIONS
    else:
        view = "week"
        grid_start = anchor - timedelta(days=anchor.weekday())
        grid_end = grid_start + timedelta(days=7)
        start, end, columns = grid_start, grid_end, 5
        prev, nxt = grid_start - timedelta(days=7), grid_start + timedelta(days=7)
        per_day = None
    # The days shown: a month's grid shows no sessions on the days of the months around it.
    by_day = sessions_by_day(start, end, narasumber_id=narasumber_id, room_id=room_id, per_day=per_day)
    weeks = []
    day = grid_start
    while day < grid_end:
        week = []
        for i in range(7):
            d = day + timedelta(days=i)
            if i < columns or d in by_day:
                sessions, total = by_day.get(d, ([], 0))
                week.append(Day(d, sessions, cal.holiday_name(d), in_month=start <= d < end, total=total))
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
