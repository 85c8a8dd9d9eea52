"""Fixtures of the attendance tests: users of three Pemda and DJPK, time frozen per test."""

import pytest
import time_machine

from app.auth.models import Role, UnitType
from app.extensions import db
from tests import factories
from tests.attendance.helpers import BEFORE, INSIDE


@pytest.fixture
def clock():
    """Time frozen when the session is scheduled; tests move it with clock.move_to(...)."""
    with time_machine.travel(BEFORE, tick=False) as traveller:
        yield traveller


@pytest.fixture
def pemda(app, clock):
    user = factories.pemda_user(factories.BREBES, name="Operator Brebes", email="operator@brebeskab.go.id")
    db.session.commit()
    return user


@pytest.fixture
def other_pemda(app, clock):
    user = factories.pemda_user(factories.BALIKPAPAN, name="Operator Balikpapan")
    db.session.commit()
    return user


@pytest.fixture
def dprd_same_region(app, clock):
    user = factories.pemda_user(factories.BREBES, UnitType.DPRD, name="Operator DPRD Brebes")
    db.session.commit()
    return user


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
