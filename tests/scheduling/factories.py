"""Rows for the booking tests: narasumber, leave, a coordinator, times in WIB.

Each adds to the session and flushes; the caller commits (the concurrency tests must commit
before starting their threads).
"""

from datetime import datetime

from app.auth.models import Role, User
from app.catalog.models import NarasumberProfile, Topic
from app.core.clock import WIB
from app.extensions import db
from app.scheduling.models import Unavailability
from tests import factories

WEEKDAYS_8_TO_16 = {str(day): [["08:00", "16:00"]] for day in range(5)}


def wib(day: str, clock: str) -> datetime:
    """An aware datetime from a WIB day and clock: wib("2026-12-08", "09:00")."""
    return datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=WIB)


def coordinator(**kwargs) -> User:
    return factories.user(Role.COORDINATOR, **kwargs)


def narasumber(
    name: str | None = None,
    *,
    topics: list[Topic] | None = None,
    working_hours: dict | None = None,
    max_per_day: int = 3,
    max_per_week: int = 10,
    unit: str = "Direktorat Dana Transfer Umum",
) -> NarasumberProfile:
    user = factories.user(Role.NARASUMBER, **({"name": name} if name else {}))
    profile = NarasumberProfile(
        user_id=user.id,
        unit=unit,
        working_hours=dict(WEEKDAYS_8_TO_16 if working_hours is None else working_hours),
        max_per_day=max_per_day,
        max_per_week=max_per_week,
    )
    profile.topics = list(topics) if topics is not None else [factories.topic()]
    db.session.add(profile)
    db.session.flush()
    return profile


def unavailable(
    person: NarasumberProfile, start: datetime, end: datetime, kind: str = "leave"
) -> Unavailability:
    row = Unavailability(narasumber_id=person.id, start=start, end=end, kind=kind, reason="Cuti tahunan")
    db.session.add(row)
    db.session.flush()
    return row
