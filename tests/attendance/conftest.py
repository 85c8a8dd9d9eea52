"""Fixtures of the attendance tests: time frozen per test, DJPK staff.

The Pemda users (pemda, other_pemda, dprd_same_region) come from tests/people.py.
"""

import pytest

from app.auth.models import Role
from app.extensions import db
from tests import factories
from tests.attendance.helpers import BEFORE, INSIDE
from tests.people import frozen_at

frozen = frozen_at(BEFORE)


@pytest.fixture
def clock(frozen):
    """Time frozen when the session is scheduled; tests move it with clock.move_to(...)."""
    return frozen


@pytest.fixture
def staff(app, clock):
    users = {
        role: factories.user(role)
        for role in (Role.COORDINATOR, Role.RECEPTIONIST, Role.NARASUMBER, Role.ADMIN)
    }
    db.session.commit()
    return users


@pytest.fixture
def inside(clock):
    """Move the clock into the confirmation window."""
    clock.move_to(INSIDE)
    return clock
