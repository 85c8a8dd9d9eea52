"""What the ledger pages read: the filtered ledger, counts per type, a Pemda's compliance
profile and whether it is over the policy's breach threshold.

Counts are SQL GROUP BY queries; the queue asks once for all the Pemda of its page
(standings_for) instead of once per row. A voided breach never counts.
"""

import re
from dataclasses import astuple, dataclass, field
from datetime import datetime

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from app.auth.models import UnitType
from app.compliance.models import Breach
from app.core.search import ESCAPE, contains
from app.domain.breaches import CATALOGUE, BreachType
from app.domain.months import month_bounds as wib_month_bounds
from app.domain.months import parse_month
from app.domain.policy import Mode, PolicyValues
from app.domain.states import Action, allowed
from app.extensions import db
from app.regions.models import Region
from app.reports import snapshots
from app.requests.models import ConsultationRequest

PER_PAGE = 50
# Filter combinations whose counts per type each process keeps.
KEPT_COUNTS = 64
PROFILE_MONTHS = 12


def months_before(now: datetime, months: int) -> datetime:
    """The same moment `months` calendar months earlier (the day clamped to the month's end)."""
    year, month = divmod(now.year * 12 + (now.month - 1) - months, 12)
    month += 1
    days = [31, 29 if _leap(year) else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
    return now.replace(year=year, month=month, day=min(now.day, days))


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def month_bounds(text: str | None) -> tuple[datetime, datetime] | None:
    """ "2026-12" -> the WIB month as [start, end) in aware datetimes; None when not a month
    (app.domain.months: years 2000 to 9998)."""
    try:
        return wib_month_bounds(parse_month(text))
    except ValueError:
        return None


# The ledger --------------------------------------------------------------------------------


@dataclass
class LedgerFilters:
    type_code: str = ""
    pemda: str = ""  # part of the service user's name; "DPRD" in it means the DPRD
    month: str = ""  # "YYYY-MM" (WIB)
    include_voided: bool = False


def _conditions(f: LedgerFilters, *, with_type: bool = True) -> list:
    conds = []
    if with_type and f.type_code in {str(c) for c in BreachType}:
        conds.append(Breach.type_code == f.type_code)
    text = (f.pemda or "").strip()
    if text:
        if re.search(r"\bdprd\b", text, re.IGNORECASE):
            conds.append(Breach.unit_type == UnitType.DPRD)
            text = re.sub(r"\(?\bdprd\b\)?", "", text, flags=re.IGNORECASE).strip()
        if text:
            pattern = contains(text)
            matching = select(Region.id).where(
                or_(
                    Region.display_name.ilike(pattern, escape=ESCAPE),
                    Region.name.ilike(pattern, escape=ESCAPE),
                )
            )
            conds.append(Breach.region_id.in_(matching))
    bounds = month_bounds(f.month)
    if bounds:
        conds.extend([Breach.recorded_at >= bounds[0], Breach.recorded_at < bounds[1]])
    if not f.include_voided:
        conds.append(Breach.voided_at.is_(None))
    return conds


def ledger_page(f: LedgerFilters, page: int = 1, total: int | None = None):
    """One page of the ledger; `total`: how many records match, when the caller knows it
    (from type_counts()), which spares counting them again."""
    query = (
        select(Breach)
        .where(*_conditions(f))
        .options(  # many-to-one: joined into the page's statement rather than one statement each
            joinedload(Breach.region),
            joinedload(Breach.request),
            joinedload(Breach.recorded_by),
            joinedload(Breach.voided_by),
        )
        .order_by(Breach.recorded_at.desc(), Breach.id.desc())
    )
    pagination = db.paginate(query, page=page, per_page=PER_PAGE, error_out=False, count=total is None)
    if total is not None:
        pagination.total = total
    return pagination


def matching_total(f: LedgerFilters, counts: dict[str, int]) -> int:
    """How many records the ledger shows, from type_counts(f): the filtered type's count, or
    all of them when no (known) type is chosen."""
    return counts[f.type_code] if f.type_code in counts else sum(counts.values())


def type_counts(f: LedgerFilters) -> dict[str, int]:
    """How many records match the filters (but the type) of each type, in catalogue order.
    Counting 50,000 breaches takes milliseconds; the counts are kept under the report data
    version (which every change to a breach or region raises, app.core.kept)."""
    return snapshots.kept_under_version(
        "breach_type_counts", KEPT_COUNTS, (astuple(f),), lambda: _count_types(f)
    )


def _count_types(f: LedgerFilters) -> dict[str, int]:
    rows = db.session.execute(  # count(*): read from an index alone (ix_breaches_live_type)
        select(Breach.type_code, func.count())
        .where(*_conditions(f, with_type=False))
        .group_by(Breach.type_code)
    )
    found = dict(rows.all())
    return {str(code): found.get(str(code), 0) for code in CATALOGUE}


# Breaches per page of the Pemda's own list.
PEMDA_PER_PAGE = 20


def breaches_of_pemda(region_id: int, unit_type: UnitType, page: int = 1):
    """One page (Pagination) of the Pemda's breaches, newest first."""
    query = (
        select(Breach)
        .where(Breach.region_id == region_id, Breach.unit_type == unit_type)
        .options(selectinload(Breach.request), joinedload(Breach.region))
        .order_by(Breach.recorded_at.desc(), Breach.id.desc())
    )
    return db.paginate(query, page=page, per_page=PEMDA_PER_PAGE, error_out=False)


def breaches_of_request(request_id: int) -> list[Breach]:
    """Oldest first. Sorted here, not in SQL: a request has a handful, and with ORDER BY
    recorded_at SQLite's planner (which sees most breaches without a request) walks the
    whole ledger in recorded_at order instead of using the request_id index."""
    rows = db.session.scalars(select(Breach).where(Breach.request_id == request_id))
    return sorted(rows, key=lambda b: (b.recorded_at, b.id))


# Profile and threshold ---------------------------------------------------------------------


def profile(region_id: int, unit_type: UnitType, now: datetime) -> dict[str, int]:
    """Live breaches of the Pemda by type over the last 12 months (catalogue order, zeros kept)."""
    rows = db.session.execute(
        select(Breach.type_code, func.count(Breach.id))
        .where(
            Breach.region_id == region_id,
            Breach.unit_type == unit_type,
            Breach.voided_at.is_(None),
            Breach.recorded_at >= months_before(now, PROFILE_MONTHS),
            Breach.recorded_at <= now,
        )
        .group_by(Breach.type_code)
    )
    found = dict(rows.all())
    return {str(code): found.get(str(code), 0) for code in CATALOGUE}


def count_in_window(region_id: int, unit_type: UnitType, months: int, now: datetime) -> int:
    return db.session.scalar(
        select(func.count(Breach.id)).where(
            Breach.region_id == region_id,
            Breach.unit_type == unit_type,
            Breach.voided_at.is_(None),
            Breach.recorded_at >= months_before(now, months),
            Breach.recorded_at <= now,
        )
    )


@dataclass(frozen=True)
class Standing:
    """A Pemda against the policy's threshold: `count` live breaches in `months` months."""

    count: int
    limit: int
    months: int
    counts: dict = field(default_factory=dict)  # by type, last 12 months (when asked for)

    @property
    def over(self) -> bool:
        return self.limit > 0 and self.count >= self.limit


def over_threshold(region_id: int, unit_type: UnitType, policy: PolicyValues, now: datetime) -> bool:
    return standing(region_id, unit_type, policy, now).over


def standing(region_id: int, unit_type: UnitType, policy: PolicyValues, now: datetime) -> Standing:
    months = policy.breach_threshold_months
    return Standing(count_in_window(region_id, unit_type, months, now), policy.breach_threshold_count, months)


def standing_with_profile(
    region_id: int, unit_type: UnitType, policy: PolicyValues, now: datetime
) -> Standing:
    """standing() with the 12-month profile (profile()) in its `counts`, in one statement:
    live breaches per type, counted over both windows."""
    months = policy.breach_threshold_months
    threshold_from, profile_from = months_before(now, months), months_before(now, PROFILE_MONTHS)
    in_threshold = func.count(case((Breach.recorded_at >= threshold_from, Breach.id)))
    in_profile = func.count(case((Breach.recorded_at >= profile_from, Breach.id)))
    rows = db.session.execute(
        select(Breach.type_code, in_threshold, in_profile)
        .where(
            Breach.region_id == region_id,
            Breach.unit_type == unit_type,
            Breach.voided_at.is_(None),
            Breach.recorded_at >= min(threshold_from, profile_from),
            Breach.recorded_at <= now,
        )
        .group_by(Breach.type_code)
    ).all()
    found = {code: n for code, _n, n in rows}
    return Standing(
        sum(n for _code, n, _p in rows),
        policy.breach_threshold_count,
        months,
        {str(code): found.get(str(code), 0) for code in CATALOGUE},
    )


def needs_override(req: ConsultationRequest) -> bool:
    """Only a face-to-face request still to be approved waits on the threshold."""
    return req.mode == Mode.FTF and allowed(req.state, Action.APPROVE)


def standings_for(requests, policy_of, now: datetime) -> dict[int, Standing]:
    """{request id: Standing} of the FTF requests awaiting approval whose Pemda is over the
    threshold; one grouped query per distinct window length (one, unless policies differ)."""
    waiting = [r for r in requests if needs_override(r)]
    if not waiting:
        return {}
    policies = {}
    for r in waiting:  # requests of one policy version share its values
        key = r.policy_version_id
        if key not in policies:
            policies[key] = policy_of(r, now)
    by_months: dict[int, dict] = {}
    for months in {p.breach_threshold_months for p in policies.values()}:
        rows = db.session.execute(
            select(Breach.region_id, Breach.unit_type, func.count(Breach.id))
            .where(
                Breach.region_id.in_({r.region_id for r in waiting}),
                Breach.voided_at.is_(None),
                Breach.recorded_at >= months_before(now, months),
                Breach.recorded_at <= now,
            )
            .group_by(Breach.region_id, Breach.unit_type)
        )
        by_months[months] = {(region, UnitType(unit)): n for region, unit, n in rows}
    out = {}
    for r in waiting:
        policy = policies[r.policy_version_id]
        months = policy.breach_threshold_months
        found = Standing(
            by_months[months].get((r.region_id, r.unit_type), 0), policy.breach_threshold_count, months
        )
        if found.over:
            out[r.id] = found
    return out
