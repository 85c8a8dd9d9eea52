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
    String,
    and_,
    case,
    func,
    literal,
    or_,
    select,
    type_coerce,
    union_all,
)

from app.auth.models import UnitType
from app.catalog.models import Topic
from app.compliance.models import Breach
from app.core.clock import WIB
from app.domain.months import month_bounds, shift_month
from app.domain.policy import Mode
from app.domain.states import RequestState
from app.extensions import db
from app.history.models import HistorySession, history_session_topics
from app.regions.models import Region
from app.requests.models import ConsultationRequest, request_topics

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


def held_in_month(month: date):
    return (CR.state == RequestState.HELD, *_in_month(month))


def history_in_month(month: date):
    first, following = month_dates(month)
    return HS.session_date >= first, HS.session_date < following


def service_user_sql(region_name, unit_type):
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


def topic_table() -> dict[int, tuple[str, int]]:
    """Every topic: id -> (code, sort order). A few dozen rows, read once per report."""
    return {
        tid: (code, order)
        for tid, code, order in db.session.execute(select(Topic.id, Topic.code, Topic.sort_order))
    }


def topic_counts(
    month: date, topics: dict[int, tuple[str, int]]
) -> tuple[dict[Mode, list[tuple[str, int]]], dict[str, tuple]]:
    """Per mode, (topic code, sessions) over both sources, in the taxonomy's order; and the
    sort key of every topic of the month. Grouped on topic ids; `topics` names them."""
    live = (
        select(CR.mode.label("mode"), request_topics.c.topic_id.label("topic_id"))
        .select_from(request_topics)
        .join(CR, CR.id == request_topics.c.request_id)
        .where(*held_in_month(month))
    )
    history = (
        select(HS.mode, history_session_topics.c.topic_id)
        .select_from(history_session_topics)
        .join(HS, HS.id == history_session_topics.c.session_id)
        .where(*history_in_month(month))
    )
    both = union_all(live, history).subquery()
    rows = db.session.execute(
        select(type_coerce(both.c.mode, String), both.c.topic_id, func.count()).group_by(
            both.c.mode, both.c.topic_id
        )
    ).all()
    result: dict[Mode, list[tuple[str, int]]] = {Mode.VC: [], Mode.FTF: []}
    order: dict[str, tuple] = {}
    for mode, topic_id, n in sorted(rows, key=lambda r: (topics[r[1]][1], topics[r[1]][0])):
        code, sort_order = topics[topic_id]
        result[Mode(mode)].append((code, n))
        order[code] = (sort_order, code)
    return result, order


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
    name = service_user_sql(Region.display_name, Breach.unit_type).label("name")
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
