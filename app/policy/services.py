"""The policy in force at a given time, and the work calendar."""

from datetime import UTC, datetime
from functools import lru_cache

from sqlalchemy import select

from app.core import audit
from app.core.clock import now_utc
from app.domain.policy import PolicyValues
from app.domain.workdays import WorkCalendar
from app.extensions import db
from app.policy.models import PolicyVersion

# The first policy version applies from S-38/PK/2023: 17 March 2023, 00:00 WIB (`flask setup`
# and `flask seed-demo`), so imported history sessions since then fall under it.
FIRST_VERSION_FROM = datetime(2023, 3, 16, 17, 0, tzinfo=UTC)


@lru_cache(maxsize=1)
def work_calendar() -> WorkCalendar:
    return WorkCalendar()


def version_in_force(at: datetime | None = None) -> PolicyVersion | None:
    at = at or now_utc()
    return db.session.scalars(
        select(PolicyVersion)
        .where(PolicyVersion.effective_from <= at)
        .order_by(PolicyVersion.effective_from.desc(), PolicyVersion.id.desc())
        .limit(1)
    ).first()


def values_of(version: PolicyVersion | None) -> PolicyValues:
    return PolicyValues.from_dict(version.values) if version else PolicyValues()


def policy_in_force(at: datetime | None = None) -> tuple[PolicyVersion | None, PolicyValues]:
    version = version_in_force(at)
    return version, values_of(version)


def create_version(
    values: PolicyValues, effective_from: datetime, *, actor=None, note: str | None = None
) -> PolicyVersion:
    """Add a policy version; it applies to requests submitted from `effective_from` on."""
    version = PolicyVersion(
        effective_from=effective_from,
        values=values.to_dict(),
        note=note,
        created_at=now_utc(),
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(version)
    db.session.flush()
    audit.record(
        "policy.create", version, actor=actor, after={"effective_from": effective_from, **values.to_dict()}
    )
    return version


def ensure_default_policy(effective_from: datetime) -> PolicyVersion:
    """The first version, with the shipped defaults, when none exists yet."""
    existing = db.session.scalars(select(PolicyVersion).limit(1)).first()
    if existing:
        return existing
    return create_version(PolicyValues(), effective_from, note="Nilai bawaan sistem")
