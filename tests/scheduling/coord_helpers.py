"""Fixtures and row builders of the coordinator-page tests (queue, decisions, calendar).

The people (coordinator, pemda) come from tests/people.py; they use the `frozen` fixture here.

Time is frozen on Tuesday 1 December 2026, 09:00 WIB (tests.requests.helpers.NOW): an FTF
request may then ask for Tuesday 8 December on, a VC request for Thursday 3 December on.
"""

from datetime import datetime, timedelta

import pytest

from app.auth.models import Role
from app.catalog.models import NarasumberProfile
from app.core.clock import WIB, now_utc
from app.domain.policy import Mode
from app.domain.states import RequestState
from app.extensions import db
from app.scheduling.models import NarasumberAssignment, RoomBooking
from tests import factories
from tests.people import frozen_at
from tests.requests.helpers import NOW, login_as, text_of  # noqa: F401  (re-exported)

WEEKDAYS = {str(d): [["08:00", "16:00"]] for d in range(5)}


def wib(day: str, clock: str) -> datetime:
    """An aware datetime from a WIB day and clock time: wib("2026-12-08", "09:00")."""
    return datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=WIB)


def narasumber(
    name: str, topics, *, unit: str = "Direktorat Dana Transfer Umum", **kwargs
) -> NarasumberProfile:
    user = factories.user(Role.NARASUMBER, name=name)
    profile = NarasumberProfile(
        user_id=user.id,
        unit=unit,
        working_hours=kwargs.pop("working_hours", WEEKDAYS),
        max_per_day=kwargs.pop("max_per_day", 3),
        max_per_week=kwargs.pop("max_per_week", 10),
    )
    profile.topics = list(topics)
    db.session.add(profile)
    db.session.flush()
    return profile


def request_at(owner, day: str, start: str = "09:00", end: str = "11:00", **kwargs):
    """A request whose one preferred window is `day` start-end WIB."""
    req = factories.consultation(owner, start=wib(day, start), **kwargs)
    req.windows[0].end = wib(day, end)
    db.session.flush()
    return req


def booked(
    owner,
    start: datetime,
    *,
    people=(),
    room=None,
    mode: Mode = Mode.FTF,
    state: RequestState = RequestState.SCHEDULED,
    minutes: int = 60,
    **kwargs,
):
    """A request already scheduled at `start` with its rows, written directly (no service)."""
    end = start + timedelta(minutes=minutes)
    req = factories.consultation(owner, mode=mode, state=state, start=start, **kwargs)
    req.scheduled_start, req.scheduled_end = start, end
    req.room_id = room.id if room is not None else None
    if mode == Mode.VC:
        req.meeting_url = "https://meet.jit.si/DJPK-test"
    for person in people:
        req.assignments.append(
            NarasumberAssignment(
                narasumber_id=person.id,
                start=start,
                end=end,
                active=True,
                topic_codes=[t.code for t in req.topics],
                assigned_at=now_utc(),
            )
        )
    if room is not None:
        req.room_bookings.append(
            RoomBooking(room_id=room.id, start=start, end=end, active=True, created_at=now_utc())
        )
    db.session.flush()
    return req


frozen = frozen_at(NOW)


@pytest.fixture
def dau(app):
    return factories.topic("DAU", "Dana Alokasi Umum")


@pytest.fixture
def dbh(app):
    return factories.topic("DBH", "Dana Bagi Hasil")


@pytest.fixture(params=["pemda", "narasumber", "receptionist"])
def outsider(request, app, frozen):
    """A logged-in user who is neither coordinator nor admin."""
    if request.param == "pemda":
        user = factories.pemda_user(factories.JAYAPURA)
    else:
        user = factories.user(Role(request.param))
    db.session.commit()
    return user
