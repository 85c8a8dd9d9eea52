"""Fixtures of the request-journey tests: time frozen on a known Tuesday, users and topics."""

import pytest
import time_machine

from app.auth.models import Role, UnitType
from app.extensions import db
from tests import factories
from tests.requests.helpers import NOW


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def topics(app):
    rows = [factories.topic("DAU", "Dana Alokasi Umum"), factories.topic("DBH", "Dana Bagi Hasil")]
    db.session.commit()
    return rows


@pytest.fixture
def pemda(app, frozen):
    user = factories.pemda_user(factories.BREBES, name="Operator Brebes", email="operator@brebeskab.go.id")
    db.session.commit()
    return user


@pytest.fixture
def coordinator(app, frozen):
    user = factories.user(Role.COORDINATOR, name="Koordinator DJPK")
    db.session.commit()
    return user


@pytest.fixture
def other_pemda(app, frozen):
    user = factories.pemda_user(factories.BALIKPAPAN, name="Operator Balikpapan")
    db.session.commit()
    return user


@pytest.fixture
def dprd_same_region(app, frozen):
    user = factories.pemda_user(factories.BREBES, UnitType.DPRD, name="Operator DPRD Brebes")
    db.session.commit()
    return user
