"""The SQL behind the monthly report: every figure is a GROUP BY in the database (but the topic
counts, which app.reports.tables counts over the session table it reads anyway).

Two sources count as held sessions: live requests in state HELD (their month is the WIB month
of scheduled_start) and imported history (HistorySession, always held, dated locally). Each
function runs a fixed number of statements whatever the number of sessions, so a report costs
the same six statements for a quiet month and a busy one (tests/reports/test_query_count.py).
Rows come back as plain tuples: no ORM object is loaded, nothing is lazily loaded later.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from functools import cache

from sqlalchemy import (
    CursorResult,
    Integer,
    bindparam,
    case,
    cast,
    func,
    literal,
    null,
    select,
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
from app.history.models import HistorySession
from app.regions.models import Region
from app.requests.models import ConsultationRequest
from app.satisfaction.queries import Averages, averages_of, month_averages_select

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


def start_and_satisfaction(month: date) -> tuple[date | None, Averages]:
    """(the first month with any session, `month`'s satisfaction averages), in one statement:
    each is one row. The first month (held, cancelled or no-show live requests, or imported)
    leaves out comparisons with months before it rather than report a rise from zero."""
    *ratings, first_live, first_history = execute(
        month_averages_select(month).add_columns(
            select(func.min(CR.scheduled_start)).where(CR.state.in_(REPORTED)).scalar_subquery(),
            select(func.min(HS.session_date)).scalar_subquery(),
        )
    ).one()
    return _first_month(first_live, first_history), averages_of(ratings)


def _first_month(first_live, first_history) -> date | None:
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


# Breaches -------------------------------------------------------------------------------


def _breaches_in_month():
    return Breach.voided_at.is_(None), Breach.recorded_at >= START, Breach.recorded_at < END


@cache
def _breaches():
    """Both breach tables of the month in one statement: per type, then per Pemda, each
    ordered by count (descending) and name."""
    n = func.count().label("n")
    by_type = (
        select(literal(0).label("part"), Breach.type_code.label("name"), n)
        .where(*_breaches_in_month())
        .group_by(Breach.type_code)
    )
    name = service_user_sql(Region.display_name, Breach.unit_type)
    by_pemda = (
        select(literal(1), name, n)
        .select_from(Breach)
        .join(Region, Region.id == Breach.region_id)
        .where(*_breaches_in_month())
        .group_by(Breach.region_id, Breach.unit_type, Region.display_name)
    )
    both = union_all(by_type, by_pemda).subquery()
    return select(both.c.part, both.c.name, both.c.n).order_by(both.c.part, both.c.n.desc(), both.c.name)


def breaches(month: date) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    """(live breaches of the month per type code, per service user), each most first."""
    found: tuple[list, list] = ([], [])
    for part, name, count in execute(_breaches(), month_params(month)):
        found[part].append((name, count))
    return found
