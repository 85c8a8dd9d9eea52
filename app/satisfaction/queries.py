"""Satisfaction figures, aggregated in SQL.

A rating counts in the month (WIB) of its session. Per narasumber, a rating counts for each
person who was assigned to the session and did not decline or get released. DJPK expects at
least MIN_RATINGS ratings from MIN_RATERS different users per person per month.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, any_, case, distinct, func, select
from sqlalchemy.orm import joinedload

from app.auth.models import User
from app.catalog.models import NarasumberProfile
from app.domain.months import month_bounds, shift_month
from app.domain.states import RequestState
from app.extensions import db
from app.requests.models import ConsultationRequest
from app.satisfaction.models import SatisfactionRating
from app.scheduling.models import AssignmentStatus, NarasumberAssignment

MIN_RATINGS = 5
MIN_RATERS = 5


@dataclass(frozen=True)
class Averages:
    count: int
    raters: int
    service: float | None
    substance: float | None


@dataclass(frozen=True)
class PersonAverages:
    narasumber_id: int
    name: str
    sessions: int  # held sessions of the month
    averages: Averages

    @property
    def below_expectation(self) -> bool:
        return self.averages.count < MIN_RATINGS or self.averages.raters < MIN_RATERS


def _averages(row) -> Averages:
    count, raters, service, substance = row
    return Averages(
        count=count or 0,
        raters=raters or 0,
        service=round(float(service), 2) if service is not None else None,
        substance=round(float(substance), 2) if substance is not None else None,
    )


_AGGREGATES = (
    func.count(SatisfactionRating.id),
    func.count(distinct(SatisfactionRating.rated_by_id)),
    func.avg(SatisfactionRating.service_score),
    func.avg(SatisfactionRating.substance_score),
)


def month_averages_select(month: date) -> Select:
    """The statement of month_averages(): one row, (count, raters, service, substance); the
    monthly report adds columns of its own to it (app.reports.queries)."""
    start, end = month_bounds(month)
    return (
        select(*_AGGREGATES)
        .join(ConsultationRequest, ConsultationRequest.id == SatisfactionRating.request_id)
        .where(ConsultationRequest.scheduled_start >= start, ConsultationRequest.scheduled_start < end)
    )


def averages_of(row) -> Averages:
    """The Averages of a row of month_averages_select()'s four columns."""
    return _averages(row)


def month_averages(month: date) -> Averages:
    return _averages(db.session.execute(month_averages_select(month)).one())


def trend(month: date, months: int = 6) -> list[tuple[date, Averages]]:
    """The averages of `months` months ending with `month`, oldest first, in one statement:
    each month's aggregates (as month_averages()) are taken over the ratings of its sessions.
    The sessions of all the months are read once, as one range of scheduled_start, and a CASE
    gives each row its month to group on: one aggregate per month and column, each with its
    own CASE, costs SQLite twice as much. Ratings and the sessions' dates raise the report
    data version: the trend is kept under it (app.core.kept)."""
    from app.reports import snapshots

    return snapshots.kept_under_version(
        "satisfaction_trend", 24, (month, months), lambda: _trend(month, months)
    )


def _trend(month: date, months: int) -> list[tuple[date, Averages]]:
    R, SR = ConsultationRequest, SatisfactionRating
    firsts = [shift_month(month, -i) for i in reversed(range(months))]
    starts = [month_bounds(first)[0] for first in firsts]
    end = month_bounds(month)[1]
    bounds = [*starts[1:], end]
    index = case(*((R.scheduled_start < bound, i) for i, bound in enumerate(bounds))).label("month_index")
    rows = db.session.execute(
        select(index, *_AGGREGATES)
        .join(R, R.id == SR.request_id)
        .where(R.scheduled_start >= starts[0], R.scheduled_start < end)
        .group_by(index)
    ).all()
    found = {row[0]: _averages(row[1:]) for row in rows}
    return [(first, found.get(i, _NONE)) for i, first in enumerate(firsts)]


_NONE = Averages(count=0, raters=0, service=None, substance=None)
_COUNTED = (AssignmentStatus.ASSIGNED, AssignmentStatus.ACCEPTED)


def per_narasumber(month: date) -> list[PersonAverages]:
    """Every narasumber with a held session in the month, with the ratings of those sessions,
    those below DJPK's expectation first. The figures are kept under the report data version
    (app.core.kept), which sessions, their assignments and ratings raise; the names are read
    each time (a name is not report data)."""
    from app.reports import snapshots

    figures = snapshots.kept_under_version(
        "satisfaction_people", 24, (month,), lambda: _person_figures(month)
    )
    names = {}
    if figures:
        P = NarasumberProfile
        names = dict(
            db.session.execute(
                select(P.id, User.name)
                .join(User, User.id == P.user_id)
                .where(P.id.in_([f[0] for f in figures]))
            ).all()
        )
    people = [PersonAverages(pid, names[pid], n, averages) for pid, n, averages in figures if pid in names]
    return sorted(people, key=lambda p: (not p.below_expectation, p.name.lower()))


def _person_figures(month: date) -> tuple[tuple[int, int, Averages], ...]:
    """(narasumber profile id, held sessions, averages) of each narasumber with a held session
    in the month: one statement, grouped over the month's held sessions, their counted
    assignments and ratings (a session without a rating counts as a session, and nothing in
    the averages).

    The assignments are looked up by the month's session ids (their request_id index): on
    PostgreSQL as `= ANY(ARRAY(...))`, since the planner otherwise hash-joins every assignment
    and every rating of five years for a month's thousand sessions."""
    start, end = month_bounds(month)
    A, R, SR = NarasumberAssignment, ConsultationRequest, SatisfactionRating
    sessions = select(R.id).where(
        R.scheduled_start >= start, R.scheduled_start < end, R.state == RequestState.HELD
    )
    if db.session.get_bind().dialect.name == "postgresql":
        of_month = A.request_id == any_(func.array(sessions.scalar_subquery()))
    else:
        of_month = A.request_id.in_(sessions)
    rows = db.session.execute(
        select(A.narasumber_id, func.count(distinct(A.request_id)), *_AGGREGATES)
        .outerjoin(SR, SR.request_id == A.request_id)
        .where(of_month, A.status.in_(_COUNTED))
        .group_by(A.narasumber_id)
    ).all()
    return tuple((row[0], row[1], _averages(row[2:6])) for row in rows)


def recent_comments(month: date, limit: int = 20) -> list[SatisfactionRating]:
    start, end = month_bounds(month)
    return list(
        db.session.scalars(
            select(SatisfactionRating)
            .join(ConsultationRequest, ConsultationRequest.id == SatisfactionRating.request_id)
            .where(
                ConsultationRequest.scheduled_start >= start,
                ConsultationRequest.scheduled_start < end,
                SatisfactionRating.comment.is_not(None),
            )
            .options(joinedload(SatisfactionRating.request).joinedload(ConsultationRequest.region))
            .order_by(SatisfactionRating.rated_at.desc())
            .limit(limit)
        )
    )
