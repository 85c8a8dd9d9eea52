"""Satisfaction figures, aggregated in SQL.

A rating counts in the month (WIB) of its session. Per narasumber, a rating counts for each
person who was assigned to the session and did not decline or get released. DJPK expects at
least MIN_RATINGS ratings from MIN_RATERS different users per person per month.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, case, distinct, func, select
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


def month_averages(month: date) -> Averages:
    start, end = month_bounds(month)
    row = db.session.execute(
        select(*_AGGREGATES)
        .join(ConsultationRequest, ConsultationRequest.id == SatisfactionRating.request_id)
        .where(ConsultationRequest.scheduled_start >= start, ConsultationRequest.scheduled_start < end)
    ).one()
    return _averages(row)


def trend(month: date, months: int = 6) -> list[tuple[date, Averages]]:
    """The averages of `months` months ending with `month`, oldest first, in one statement:
    each month's aggregates (as month_averages()) are taken over the ratings of its sessions."""
    R, SR = ConsultationRequest, SatisfactionRating
    firsts = [shift_month(month, -i) for i in reversed(range(months))]
    columns = []
    for first in firsts:
        start, end = month_bounds(first)
        inside = and_(R.scheduled_start >= start, R.scheduled_start < end)
        columns += [
            func.count(case((inside, SR.id))),
            func.count(distinct(case((inside, SR.rated_by_id)))),
            func.avg(case((inside, SR.service_score))),
            func.avg(case((inside, SR.substance_score))),
        ]
    lo, hi = month_bounds(firsts[0])[0], month_bounds(month)[1]
    row = db.session.execute(
        select(*columns).join(R, R.id == SR.request_id).where(R.scheduled_start >= lo, R.scheduled_start < hi)
    ).one()
    return [(first, _averages(row[4 * i : 4 * i + 4])) for i, first in enumerate(firsts)]


_COUNTED = (AssignmentStatus.ASSIGNED, AssignmentStatus.ACCEPTED)


def per_narasumber(month: date) -> list[PersonAverages]:
    """Every narasumber with a held session in the month, with the ratings of those sessions."""
    start, end = month_bounds(month)
    in_month = (
        ConsultationRequest.scheduled_start >= start,
        ConsultationRequest.scheduled_start < end,
        ConsultationRequest.state == RequestState.HELD,
        NarasumberAssignment.status.in_(_COUNTED),
    )
    sessions = dict(
        db.session.execute(
            select(NarasumberAssignment.narasumber_id, func.count(distinct(ConsultationRequest.id)))
            .join(ConsultationRequest, ConsultationRequest.id == NarasumberAssignment.request_id)
            .where(*in_month)
            .group_by(NarasumberAssignment.narasumber_id)
        ).all()
    )
    ratings = {
        row[0]: _averages(row[1:])
        for row in db.session.execute(
            select(NarasumberAssignment.narasumber_id, *_AGGREGATES)
            .join(ConsultationRequest, ConsultationRequest.id == NarasumberAssignment.request_id)
            .join(SatisfactionRating, SatisfactionRating.request_id == ConsultationRequest.id)
            .where(*in_month)
            .group_by(NarasumberAssignment.narasumber_id)
        ).all()
    }
    if not sessions:
        return []
    names = dict(
        db.session.execute(
            select(NarasumberProfile.id, User.name)
            .join(User, User.id == NarasumberProfile.user_id)
            .where(NarasumberProfile.id.in_(sessions))
        ).all()
    )
    empty = Averages(0, 0, None, None)
    people = [
        PersonAverages(pid, names.get(pid, "?"), count, ratings.get(pid, empty))
        for pid, count in sessions.items()
    ]
    return sorted(people, key=lambda p: (not p.below_expectation, p.name.lower()))


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
