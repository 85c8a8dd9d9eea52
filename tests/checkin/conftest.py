"""Front-desk fixtures: time frozen on a Tuesday morning, the desk's people and a Pemda."""

import pytest
import time_machine

from app.auth.models import Role
from app.extensions import db
from tests import factories
from tests.checkin.helpers import NOW


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def receptionist(app, frozen):
    user = factories.user(Role.RECEPTIONIST, name="Rina Resepsionis", email="resepsionis@djpk.go.id")
    db.session.commit()
    return user


@pytest.fixture
def coordinator(app, frozen):
    user = factories.user(Role.COORDINATOR, name="Sri Koordinator", email="koordinator@djpk.go.id")
    db.session.commit()
    return user


@pytest.fixture
def pemda(app, frozen):
    user = factories.pemda_user(factories.BREBES, name="Operator Brebes", email="operator@brebeskab.go.id")
    db.session.commit()
    return user
