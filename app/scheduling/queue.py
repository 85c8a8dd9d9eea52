"""The coordinator's queue: which requests to show, filtered, and how many there are per state.

The default view is the work still to do (submitted, and waiting for the Pemda's changes),
oldest first, so that nothing waits longest by accident; sessions whose narasumber declined
and who has not been replaced yet (app.scheduling.declines) are work to do too, and come
first in every view.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import and_, case, exists, func, literal_column, null, or_, select, text, union_all
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import aliased, joinedload
from sqlalchemy.sql.functions import FunctionElement

from app.catalog.models import Topic
from app.core.clock import WIB
from app.domain.states import OPEN_STATES, RequestState
from app.extensions import db
from app.regions.models import Region
from app.reports import snapshots
from app.requests.models import ConsultationRequest, PreferredWindow, request_topics

ALL_STATES = "all"
DECLINED = "declined"  # sessions with a decline not yet answered, whatever their state
ZONES = {"WIB": "Asia/Jakarta", "WITA": "Asia/Makassar", "WIT": "Asia/Jayapura"}
PER_PAGE = 50
KEPT_COUNTS = 64  # filter combinations whose counts each process keeps


@dataclass(frozen=True)
class QueueFilters:
    state: str = ""  # "" = open requests (the default), "all", DECLINED or a RequestState value
    mode: str = ""
    topic_id: int | None = None
    region: str = ""  # part of the region's name
    zone: str = ""  # WIB / WITA / WIT
    date_field: str = "submitted"  # submitted | session
    date_from: date | None = None
    date_to: date | None = None
    declined_ids: frozenset[int] = frozenset()  # requests with a decline not yet answered

    @property
    def states(self) -> list[RequestState] | None:
        """The states shown; None means every state."""
        if self.state == ALL_STATES:
            return None
        if self.state in {s.value for s in RequestState}:
            return [RequestState(self.state)]
        return sorted(OPEN_STATES)


class rare(FunctionElement):
    """A condition few rows meet: the open view's (the work still to do is a few hundred
    requests, the newest). SQLite's planner knows only the average number of rows per state
    and would rather walk the whole submission-date index, oldest first, than sort a few
    hundred rows; likelihood() tells it. PostgreSQL's statistics know it already."""

    name = "rare"
    inherit_cache = True


@compiles(rare)
def _rare(element, compiler, **kw):
    # In parentheses: the condition may be an OR, and stands beside the other filters' ANDs.
    return f"({compiler.process(element.clauses, **kw)})"


@compiles(rare, "sqlite")
def _rare_sqlite(element, compiler, **kw):
    return f"likelihood({compiler.process(element.clauses, **kw)}, 0.01)"


def _wib_day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=WIB).astimezone(UTC)


def filter_conditions(f: QueueFilters) -> list:
    """Every filter but the state (the counts per state use these; so does the API's list)."""
    R = ConsultationRequest
    out = []
    if f.mode:
        out.append(R.mode == f.mode)
    if f.topic_id:
        out.append(
            exists().where(request_topics.c.request_id == R.id, request_topics.c.topic_id == f.topic_id)
        )
    if f.region or f.zone in ZONES:
        # The matching regions are found once (there are 552), not once per request.
        region_match = []
        if f.region:
            pattern = f"%{f.region.strip().lower()}%"
            region_match.append(
                or_(func.lower(Region.display_name).like(pattern), func.lower(Region.name).like(pattern))
            )
        if f.zone in ZONES:
            region_match.append(Region.timezone == ZONES[f.zone])
        out.append(R.region_id.in_(select(Region.id).where(*region_match)))
    lo = _wib_day_start(f.date_from) if f.date_from else None
    hi = _wib_day_start(f.date_to + timedelta(days=1)) if f.date_to else None
    if lo is None and hi is None:
        return out
    if f.date_field == "session":
        # Scheduled requests by their session; the others by any preferred window. The second
        # set is a subquery of its own (few rows): an OR with a correlated EXISTS made
        # PostgreSQL read every row of the first set from the table instead of the index.
        W, unscheduled = PreferredWindow, aliased(ConsultationRequest)
        scheduled = [R.scheduled_start.is_not(None)]
        windows = [unscheduled.scheduled_start.is_(None)]
        if lo is not None:
            scheduled.append(R.scheduled_start >= lo)
            windows.append(W.end > lo)
        if hi is not None:
            scheduled.append(R.scheduled_start < hi)
            windows.append(W.start < hi)
        by_window = select(W.request_id).join(unscheduled, unscheduled.id == W.request_id).where(*windows)
        out.append(or_(and_(*scheduled), R.id.in_(by_window)))
    else:
        if lo is not None:
            out.append(R.submitted_at >= lo)
        if hi is not None:
            out.append(R.submitted_at < hi)
    return out


def queue_query(f: QueueFilters):
    R = ConsultationRequest
    declined = R.id.in_(f.declined_ids)
    query = select(R).where(*filter_conditions(f))
    if f.state == DECLINED:
        query = query.where(declined)
    elif f.state == "":
        open_now = R.state.in_(f.states)
        query = query.where(rare(or_(open_now, declined) if f.declined_ids else open_now))
    elif f.states is not None:
        query = query.where(R.state.in_(f.states))
    if not f.declined_ids:  # nothing to put first: the order an index can give
        return query.order_by(R.submitted_at, R.id)
    return query.order_by(case((declined, 0), else_=1), R.submitted_at, R.id)


def queue_page(f: QueueFilters, page: int = 1, total: int | None = None):
    """One page of the queue, with the Pemda and the policy version (its attendance badge and
    breach flag read it) loaded with each request; row_details() gives the rest a row shows.
    `total`: how many requests match, when the caller knows it (matching_total()), which
    spares counting them again."""
    R = ConsultationRequest
    query = queue_query(f).options(joinedload(R.region), joinedload(R.policy_version))
    pagination = db.paginate(query, page=page, per_page=PER_PAGE, error_out=False, count=total is None)
    if total is not None:
        pagination.total = total
    return pagination


@dataclass(frozen=True)
class RowDetails:
    topic_codes: dict[int, str]  # request id -> "DAU, DBH" (in topic order)
    first_window: dict[int, tuple[datetime, datetime]]  # request id -> its first preferred window


def row_details(requests) -> RowDetails:
    """The topics and the first preferred window of the queue's rows, in one statement of
    plain rows (rather than their topics and windows loaded as objects, a statement each)."""
    ids = [r.id for r in requests]
    codes: dict[int, list[str]] = {rid: [] for rid in ids}
    first: dict[int, tuple[datetime, datetime]] = {}
    if not ids:
        return RowDetails({}, {})
    W, T, RT = PreferredWindow, Topic, request_topics
    # The windows first: their columns give the result its types. Ordered by position (a
    # window) or sort order (a topic), as the relationships are.
    rows = db.session.execute(
        union_all(
            select(literal_column("'w'"), W.request_id, W.start, W.end, null(), W.position).where(
                W.request_id.in_(ids)
            ),
            select(literal_column("'t'"), RT.c.request_id, null(), null(), T.code, T.sort_order)
            .join(T, T.id == RT.c.topic_id)
            .where(RT.c.request_id.in_(ids)),
        ).order_by(text("1"), text("6"), text("5"))
    )
    for kind, rid, start, end, code, _order in rows:
        if kind == "t":
            codes[rid].append(code)
        elif rid not in first:
            first[rid] = (start, end)
    return RowDetails({rid: ", ".join(c) for rid, c in codes.items()}, first)


def matching_total(f: QueueFilters, counts: dict[RequestState, int], declined: int) -> int:
    """How many requests the queue shows, from state_counts(f) and declined_count(f)."""
    if f.state == DECLINED:
        return declined
    states = f.states
    if states is None:
        return sum(counts.values())
    # The open view adds the sessions waiting for a replacement (never in an open state).
    return sum(counts[s] for s in states) + (declined if f.state == "" else 0)


def state_counts(f: QueueFilters) -> dict[RequestState, int]:
    """How many requests match the filters (other than the state) in each state.

    Nearly all of them are sessions, scheduled once (held, cancelled, no-show...), and
    counting tens of thousands of them takes milliseconds: their counts are kept under the
    report data version, which every change a report sees to a scheduled request (its state,
    mode, Pemda, start or topics; app.reports.snapshots.REQUEST_COLUMNS) and to regions or
    topics raises. The requests never scheduled (the work still to do, and the rejected) are
    counted each time: the version does not follow them, and they are few."""
    R = ConsultationRequest
    counts = {s: 0 for s in RequestState}
    key = (f.mode, f.topic_id, f.region, f.zone, f.date_field, f.date_from, f.date_to)
    scheduled = snapshots.kept_under_version(
        "queue_scheduled_counts",
        KEPT_COUNTS,
        key,
        lambda: tuple(_count_states(f, R.scheduled_start.is_not(None))),
    )
    for state, n in [*scheduled, *_count_states(f, R.scheduled_start.is_(None))]:
        counts[RequestState(state)] += n
    return counts


def _count_states(f: QueueFilters, *where) -> list[tuple[str, int]]:
    R = ConsultationRequest
    # count(*), not count(id): PostgreSQL counts from an index alone.
    query = select(R.state, func.count()).where(*filter_conditions(f), *where).group_by(R.state)
    return [(state, n) for state, n in db.session.execute(query)]


def declined_count(f: QueueFilters) -> int:
    """How many requests with a decline not yet answered match the filters (other than the state)."""
    if not f.declined_ids:
        return 0
    R = ConsultationRequest
    query = select(func.count(R.id)).where(*filter_conditions(f), R.id.in_(f.declined_ids))
    return db.session.scalar(query) or 0


def topic_choices() -> list[Topic]:
    return list(db.session.scalars(select(Topic).order_by(Topic.sort_order, Topic.code)))


def age_text(submitted_at: datetime, now: datetime) -> str:
    """ "diajukan 3 hari lalu", counted in WIB calendar days."""
    days = (now.astimezone(WIB).date() - submitted_at.astimezone(WIB).date()).days
    if days <= 0:
        return _("diajukan hari ini")
    if days == 1:
        return _("diajukan kemarin")
    return ngettext("diajukan %(num)d hari lalu", "diajukan %(num)d hari lalu", days)
