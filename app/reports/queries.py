"""The SQL behind the monthly report: every figure is a GROUP BY in the database.

Two sources count as held sessions: live requests in state HELD (their month is the WIB month
of scheduled_start) and imported history (HistorySession, always held, dated locally). Each
function runs a fixed number of statements whatever the number of sessions, so a report costs
the same dozen queries for a quiet month and a busy one (tests/reports/test_query_count.py).
Rows come back as plain tuples: no ORM object is loaded, nothing is lazily loaded later.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import (
    Date,
    String,
    and_,
    case,
    cast,
    func,
    literal,
    null,
    or_,
    select,
    type_coerce,
    union_all,
)

from app.auth.models import UnitType
from app.catalog.models import Topic
from app.compliance.models import Breach
from app.core.clock import WIB
from app.domain.policy import Mode
from app.domain.states import RequestState
from app.extensions import db
from app.history.models import HistorySession, history_session_topics
from app.regions.models import Region
from app.requests.models import ConsultationRequest, request_topics
from app.satisfaction.queries import month_bounds, shift_month

CR = ConsultationRequest
HS = HistorySession
TREND_MONTHS = 6
# Counted for the month besides the held sessions.
NOT_HELD = (RequestState.CANCELLED, RequestState.NO_SHOW)


def month_dates(month: date) -> tuple[date, date]:
    """[first day, first day of the next month) of `month`: the bounds of history dates."""
    return month.replace(day=1), shift_month(month, 1)


def _in_month(month: date):
    start, end = month_bounds(month)
    return CR.scheduled_start >= start, CR.scheduled_start < end


def _held_in_month(month: date):
    return (CR.state == RequestState.HELD, *_in_month(month))


def _history_in_month(month: date):
    first, following = month_dates(month)
    return HS.session_date >= first, HS.session_date < following


def _service_user(region_name, unit_type):
    """ "Kab. Brebes (DPRD)" in SQL, as ConsultationRequest.service_user_name writes it."""
    suffix = case((unit_type == UnitType.DPRD, literal(" (DPRD)")), else_=literal(""))
    return region_name + suffix


# Counts: the six months of the trend and the same month a year before ------------------


@dataclass(frozen=True)
class Counts:
    """Held sessions per month and mode (both sources), and this month's cancelled/no-show."""

    held: dict[tuple[date, Mode], int]
    not_held: dict[tuple[Mode, RequestState], int]

    def of(self, month: date, mode: Mode) -> int:
        return self.held.get((month, mode), 0)


def trend_months(month: date) -> list[date]:
    return [shift_month(month, -i) for i in reversed(range(TREND_MONTHS))]


def counts(month: date) -> Counts:
    """One query per source: CASE buckets over the trend's months plus a year before."""
    months = trend_months(month)
    year_before = shift_month(month, -12)
    buckets = [*months, year_before]
    held: dict[tuple[date, Mode], int] = defaultdict(int)
    not_held: dict[tuple[Mode, RequestState], int] = defaultdict(int)

    starts = [month_bounds(m)[0] for m in months] + [month_bounds(month)[1]]
    old_start, old_end = month_bounds(year_before)
    bucket = case(
        (CR.scheduled_start < starts[0], -1),
        *((CR.scheduled_start < starts[i + 1], i) for i in range(TREND_MONTHS - 1)),
        else_=TREND_MONTHS - 1,
    )
    live = db.session.execute(
        select(bucket, CR.mode, CR.state, func.count())
        .where(
            CR.state.in_([RequestState.HELD, *NOT_HELD]),
            or_(
                and_(CR.scheduled_start >= starts[0], CR.scheduled_start < starts[-1]),
                and_(CR.scheduled_start >= old_start, CR.scheduled_start < old_end),
            ),
        )
        .group_by(bucket, CR.mode, CR.state)
    ).all()
    for index, mode, state, n in live:
        if state == RequestState.HELD:
            held[(buckets[index], Mode(mode))] += n
        elif index == TREND_MONTHS - 1:
            not_held[(Mode(mode), RequestState(state))] += n

    days = [month_dates(m)[0] for m in months] + [month_dates(month)[1]]
    old_first, old_following = month_dates(year_before)
    day_bucket = case(
        (HS.session_date < days[0], -1),
        *((HS.session_date < days[i + 1], i) for i in range(TREND_MONTHS - 1)),
        else_=TREND_MONTHS - 1,
    )
    history = db.session.execute(
        select(day_bucket, HS.mode, func.count())
        .where(
            or_(
                and_(HS.session_date >= days[0], HS.session_date < days[-1]),
                and_(HS.session_date >= old_first, HS.session_date < old_following),
            )
        )
        .group_by(day_bucket, HS.mode)
    ).all()
    for index, mode, n in history:
        held[(buckets[index], Mode(mode))] += n
    return Counts(dict(held), dict(not_held))


def data_start() -> date | None:
    """The first month with any session (live or imported): comparisons with months before it
    are left out rather than reported as a rise from zero."""
    first_live, first_history = db.session.execute(
        select(
            select(func.min(CR.scheduled_start)).scalar_subquery(),
            select(func.min(HS.session_date)).scalar_subquery(),
        )
    ).one()
    candidates = []
    if first_live is not None:
        candidates.append(first_live.astimezone(WIB).date())
    if first_history is not None:
        candidates.append(first_history)
    return min(candidates).replace(day=1) if candidates else None


# Topics ---------------------------------------------------------------------------------


def topic_counts(month: date) -> tuple[dict[Mode, list[tuple[str, int]]], dict[str, tuple]]:
    """Per mode, (topic code, sessions) over both sources, in the taxonomy's order; and the
    sort key of every topic of the month."""
    live = (
        select(CR.mode.label("mode"), Topic.code.label("code"), Topic.sort_order.label("sort_order"))
        .select_from(request_topics)
        .join(CR, CR.id == request_topics.c.request_id)
        .join(Topic, Topic.id == request_topics.c.topic_id)
        .where(*_held_in_month(month))
    )
    history = (
        select(HS.mode, Topic.code, Topic.sort_order)
        .select_from(history_session_topics)
        .join(HS, HS.id == history_session_topics.c.session_id)
        .join(Topic, Topic.id == history_session_topics.c.topic_id)
        .where(*_history_in_month(month))
    )
    both = union_all(live, history).subquery()
    rows = db.session.execute(
        select(both.c.mode, both.c.code, func.count(), func.min(both.c.sort_order))
        .group_by(both.c.mode, both.c.code)
        .order_by(func.min(both.c.sort_order), both.c.code)
    ).all()
    result: dict[Mode, list[tuple[str, int]]] = {Mode.VC: [], Mode.FTF: []}
    order: dict[str, tuple] = {}
    for mode, code, n, sort_order in rows:
        result[Mode(mode)].append((code, n))
        order[code] = (sort_order, code)
    return result, order


# The session tables ---------------------------------------------------------------------

SEPARATOR = "\x1f"  # between topic codes in one aggregated string (no code contains it)


@dataclass(frozen=True)
class SessionLine:
    mode: Mode
    day: date  # WIB
    service_user: str
    topics: tuple[str, ...]  # in no particular order; build.py orders them as the taxonomy


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def _wib_day(column, dialect: str):
    """The WIB date of an aware UTC column, computed by the database."""
    if dialect == "postgresql":
        return type_coerce(func.timezone("Asia/Jakarta", column), Date).cast(Date)
    # SQLite keeps naive UTC text; Asia/Jakarta has been UTC+7 without DST since 1964.
    return type_coerce(func.date(column, "+7 hours"), Date)


def _codes(dialect: str):
    if dialect == "postgresql":
        return func.string_agg(Topic.code, SEPARATOR)
    return func.group_concat(Topic.code, SEPARATOR)


def sessions(month: date) -> list[SessionLine]:
    """Every held session of the month, both sources, ordered by day (history first, then live
    by start): one statement, topics aggregated per session, dates and names made in SQL."""
    dialect = _dialect()
    live = (
        select(
            CR.mode.label("mode"),
            _wib_day(CR.scheduled_start, dialect).label("day"),
            literal(1).label("kind"),
            CR.scheduled_start.label("start"),
            CR.id.label("id"),
            _service_user(Region.display_name, CR.unit_type).label("service_user"),
            _codes(dialect).label("codes"),
        )
        .select_from(CR)
        .join(Region, Region.id == CR.region_id)
        .outerjoin(request_topics, request_topics.c.request_id == CR.id)
        .outerjoin(Topic, Topic.id == request_topics.c.topic_id)
        .where(*_held_in_month(month))
        .group_by(CR.id, CR.mode, CR.scheduled_start, CR.unit_type, Region.display_name)
    )
    history = (
        select(
            HS.mode,
            HS.session_date,
            literal(0),
            cast(null(), CR.scheduled_start.type),
            HS.id,
            HS.service_user,
            _codes(dialect),
        )
        .select_from(HS)
        .outerjoin(history_session_topics, history_session_topics.c.session_id == HS.id)
        .outerjoin(Topic, Topic.id == history_session_topics.c.topic_id)
        .where(*_history_in_month(month))
        .group_by(HS.id, HS.mode, HS.session_date, HS.service_user)
    )
    both = union_all(live, history).subquery()
    rows = db.session.execute(
        select(both.c.mode, both.c.day, both.c.service_user, both.c.codes).order_by(
            both.c.day, both.c.kind, both.c.start, both.c.id
        )
    )
    return [
        SessionLine(Mode(mode), day, who, tuple(codes.split(SEPARATOR)) if codes else ())
        for mode, day, who, codes in rows
    ]


# Who consulted most ---------------------------------------------------------------------


def top_service_users(month: date) -> tuple[list[tuple[str, int]], int]:
    """The service user(s) with the most held sessions in the month (all of them when tied)."""
    live = (
        select(
            CR.region_id.label("region_id"),
            CR.unit_type.label("unit_type"),
            _service_user(Region.display_name, CR.unit_type).label("name"),
        )
        .select_from(CR)
        .join(Region, Region.id == CR.region_id)
        .where(*_held_in_month(month))
    )
    history = (
        select(
            HS.region_id,
            HS.unit_type,
            case(
                (HS.region_id.is_(None), HS.service_user),
                else_=_service_user(Region.display_name, HS.unit_type),
            ),
        )
        .select_from(HS)
        .outerjoin(Region, Region.id == HS.region_id)
        .where(*_history_in_month(month))
    )
    both = union_all(live, history).subquery()
    unresolved = case((both.c.region_id.is_(None), both.c.name), else_=cast(null(), String))
    per_user = (
        select(func.max(both.c.name).label("name"), func.count().label("n"))
        .group_by(both.c.region_id, both.c.unit_type, unresolved)
        .cte("per_user")
    )
    rows = db.session.execute(
        select(per_user.c.name, per_user.c.n)
        .where(per_user.c.n == select(func.max(per_user.c.n)).scalar_subquery())
        .order_by(per_user.c.name)
    ).all()
    return [(name, n) for name, n in rows], (rows[0][1] if rows else 0)


# Breaches -------------------------------------------------------------------------------


def _breaches_in_month(month: date):
    start, end = month_bounds(month)
    return Breach.voided_at.is_(None), Breach.recorded_at >= start, Breach.recorded_at < end


def breaches_by_type(month: date) -> list[tuple[str, int]]:
    n = func.count().label("n")
    return [
        (code, count)
        for code, count in db.session.execute(
            select(Breach.type_code, n)
            .where(*_breaches_in_month(month))
            .group_by(Breach.type_code)
            .order_by(n.desc(), Breach.type_code)
        )
    ]


def breaches_by_pemda(month: date) -> list[tuple[str, int]]:
    name = _service_user(Region.display_name, Breach.unit_type).label("name")
    n = func.count().label("n")
    return [
        (who, count)
        for who, count in db.session.execute(
            select(name, n)
            .select_from(Breach)
            .join(Region, Region.id == Breach.region_id)
            .where(*_breaches_in_month(month))
            .group_by(Breach.region_id, Breach.unit_type, Region.display_name)
            .order_by(n.desc(), name)
        )
    ]
