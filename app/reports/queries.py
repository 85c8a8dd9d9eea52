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
from functools import cache

from sqlalchemy import (
    CursorResult,
    Integer,
    String,
    bindparam,
    case,
    cast,
    func,
    literal,
    null,
    select,
    true,
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
# The only states a report reads: a request in any other state is in no report.
REPORTED = (RequestState.HELD, *NOT_HELD)


# The statements that read one month are built once per dialect (building one costs more than
# running a small one) with the month's bounds as parameters, given by month_params(month).
START, END = bindparam("start"), bindparam("end")  # instants: the month's first, the next month's
FIRST, FOLLOWING = bindparam("first"), bindparam("following")  # days: likewise


def month_dates(month: date) -> tuple[date, date]:
    """[first day, first day of the next month) of `month`: the bounds of history dates."""
    return month.replace(day=1), shift_month(month, 1)


def month_params(month: date) -> dict:
    start, end = month_bounds(month)
    first, following = month_dates(month)
    return {"start": start, "end": end, "first": first, "following": following}


def execute(statement, params: dict | None = None) -> CursorResult:
    """Run a report statement on the session's connection: it reads columns only, so the ORM's
    per-row result processing is skipped. Pending changes are flushed first, as the session's
    own execute would."""
    if db.session.autoflush:
        db.session.flush()
    return db.session.connection().execute(statement, params)


def dialect() -> str:
    return db.session.get_bind().dialect.name


def held_in_month():
    return CR.state == RequestState.HELD, CR.scheduled_start >= START, CR.scheduled_start < END


def history_in_month():
    return HS.session_date >= FIRST, HS.session_date < FOLLOWING


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


def _month_index(column, bounds: list, first: int) -> tuple:
    """(first + the index of the month in which `column` falls, what to group it by), given the
    months' starts followed by the end of the last one. One month is a constant, not grouped on
    (a bound constant in GROUP BY could be read as a column position)."""
    last = len(bounds) - 2
    if last == 0:
        return literal(first), ()
    index = case(*((column < bounds[i + 1], first + i) for i in range(last)), else_=first + last)
    return index, (index,)


def counts(month: date) -> Counts:
    """One statement. Per source, the trend's months are one range (a CASE picks the month) and
    the year before another: an OR of both ranges keeps SQLite from reading the index in order,
    and sorting every row into its month's group costs more than the scan. History is first
    grouped per date, which its index (session_date, mode) gives in order without a sort, then
    per month."""
    months = trend_months(month)
    year_before = shift_month(month, -12)
    buckets = [*months, year_before]
    parts = []
    for first, group in ((0, months), (TREND_MONTHS, [year_before])):
        days = [*group, shift_month(group[-1], 1)]
        starts = [month_bounds(day)[0] for day in days]
        index, by = _month_index(CR.scheduled_start, starts, first)
        parts.append(
            select(index, CR.mode, CR.state, func.count())
            .where(
                CR.scheduled_start >= starts[0],
                CR.scheduled_start < starts[-1],
                CR.state.in_(REPORTED),
            )
            .group_by(*by, CR.mode, CR.state)
        )
        per_day = (
            select(HS.session_date.label("day"), HS.mode.label("mode"), func.count().label("n"))
            .where(HS.session_date >= days[0], HS.session_date < days[-1])
            .group_by(HS.session_date, HS.mode)
            .subquery()
        )
        index, by = _month_index(per_day.c.day, days, first)
        parts.append(
            select(index, per_day.c.mode, null(), cast(func.sum(per_day.c.n), Integer)).group_by(
                *by, per_day.c.mode
            )
        )
    rows = execute(union_all(*parts)).all()
    held: dict[tuple[date, Mode], int] = defaultdict(int)
    not_held: dict[tuple[Mode, RequestState], int] = defaultdict(int)
    for index, mode, state, n in rows:
        if state is None or state == RequestState.HELD:  # None: history, always held
            held[(buckets[index], Mode(mode))] += n
        elif index == TREND_MONTHS - 1:
            not_held[(Mode(mode), RequestState(state))] += n
    return Counts(dict(held), dict(not_held))


def data_start() -> date | None:
    """The first month with any session (held, cancelled or no-show live requests, or imported):
    comparisons with months before it are left out rather than reported as a rise from zero."""
    first_live, first_history = execute(
        select(
            select(func.min(CR.scheduled_start)).where(CR.state.in_(REPORTED)).scalar_subquery(),
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
        tid: (code, order) for tid, code, order in execute(select(Topic.id, Topic.code, Topic.sort_order))
    }


def _with_topics(model, link, key, dialect: str):
    """(mode, topic_id) of the sessions of `model` and their topics in `link`. PostgreSQL would
    hash the whole link table for a plain join; a LATERAL subquery (OFFSET 0 keeps it from
    being flattened into that join) reads the link's primary key for each session instead.
    SQLite has no LATERAL and looks the key up for a join anyway."""
    if dialect != "postgresql":
        return select(model.mode.label("mode"), link.c.topic_id.label("topic_id")).join(link, key == model.id)
    topics = select(link.c.topic_id).where(key == model.id).offset(0).lateral()
    return select(model.mode.label("mode"), topics.c.topic_id.label("topic_id")).join(topics, true())


@cache
def _topic_counts(dialect: str):
    live = _with_topics(CR, request_topics, request_topics.c.request_id, dialect).where(*held_in_month())
    history = _with_topics(HS, history_session_topics, history_session_topics.c.session_id, dialect).where(
        *history_in_month()
    )
    both = union_all(live, history).subquery()
    return select(type_coerce(both.c.mode, String), both.c.topic_id, func.count()).group_by(
        both.c.mode, both.c.topic_id
    )


def topic_counts(month: date, topics: dict[int, tuple[str, int]]) -> dict[Mode, list[tuple[str, int]]]:
    """Per mode, (topic code, sessions) over both sources, in the taxonomy's order. Grouped on
    topic ids; `topics` names them."""
    rows = execute(_topic_counts(dialect()), month_params(month)).all()
    result: dict[Mode, list[tuple[str, int]]] = {Mode.VC: [], Mode.FTF: []}
    for mode, topic_id, n in sorted(rows, key=lambda r: (topics[r[1]][1], topics[r[1]][0])):
        result[Mode(mode)].append((topics[topic_id][0], n))
    return result


# Breaches -------------------------------------------------------------------------------


def _breaches_in_month():
    return Breach.voided_at.is_(None), Breach.recorded_at >= START, Breach.recorded_at < END


@cache
def _breaches_by_type():
    n = func.count().label("n")
    return (
        select(Breach.type_code, n)
        .where(*_breaches_in_month())
        .group_by(Breach.type_code)
        .order_by(n.desc(), Breach.type_code)
    )


def breaches_by_type(month: date) -> list[tuple[str, int]]:
    return [(code, count) for code, count in execute(_breaches_by_type(), month_params(month))]


@cache
def _breaches_by_pemda():
    name = service_user_sql(Region.display_name, Breach.unit_type).label("name")
    n = func.count().label("n")
    return (
        select(name, n)
        .select_from(Breach)
        .join(Region, Region.id == Breach.region_id)
        .where(*_breaches_in_month())
        .group_by(Breach.region_id, Breach.unit_type, Region.display_name)
        .order_by(n.desc(), name)
    )


def breaches_by_pemda(month: date) -> list[tuple[str, int]]:
    return [(who, count) for who, count in execute(_breaches_by_pemda(), month_params(month))]
