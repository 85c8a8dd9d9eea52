"""Fixtures of the scheduler tests: a session booked for Tuesday 8 December 2026, 09:00 WIB,
for Kota Balikpapan (WITA), with two narasumber; time frozen, moved with clock.move_to().

Its steps (WIB): confirmation request Friday 4 December 08:00, reminder Monday 7 December
08:00, confirmation deadline Monday 7 December 15:00.
"""

import pytest
import time_machine

from tests.scheduler.helpers import BOOKED_AT, book
from tests.scheduling.factories import coordinator


@pytest.fixture
def clock(app):
    with time_machine.travel(BOOKED_AT, tick=False) as traveller:
        yield traveller


@pytest.fixture
def boss(app, clock):
    from app.extensions import db

    user = coordinator(name="Koordinator Satu", email="koordinator@djpk.go.id")
    db.session.commit()
    return user


@pytest.fixture
def session_ftf(app, clock, boss):
    return book(boss)


@pytest.fixture
def session_vc(app, clock, boss):
    from app.domain.policy import Mode

    return book(boss, mode=Mode.VC, region_code="91.71", prefix="jayapura")
