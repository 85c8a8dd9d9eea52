"""The people of the journey tests, as fixtures (a pytest plugin, see tests/conftest.py).

A Pemda operator of Brebes, the DPRD of the same region, another Pemda (Balikpapan), a DJPK
coordinator and a receptionist. Each is made at the time of the `frozen` fixture that the test
package (or module) defines, usually as `frozen = frozen_at(NOW)`, and committed.
"""

from datetime import datetime

import pytest
import time_machine

from app.auth.models import Role, UnitType, User
from app.extensions import db
from tests import factories


def frozen_at(moment: datetime):
    """A `frozen` fixture: time stands still at `moment` (tests may move it with move_to)."""

    @pytest.fixture
    def frozen():
        with time_machine.travel(moment, tick=False) as traveller:
            yield traveller

    return frozen


def _committed(user: User) -> User:
    db.session.commit()
    return user


@pytest.fixture
def pemda(app, frozen):
    """The operator of Kab. Brebes (Pemda)."""
    return _committed(
        factories.pemda_user(factories.BREBES, name="Operator Brebes", email="operator@brebeskab.go.id")
    )


@pytest.fixture
def dprd_same_region(app, frozen):
    """The DPRD of the same region: another Pemda."""
    return _committed(factories.pemda_user(factories.BREBES, UnitType.DPRD, name="Operator DPRD Brebes"))


@pytest.fixture
def other_pemda(app, frozen):
    return _committed(factories.pemda_user(factories.BALIKPAPAN, name="Operator Balikpapan"))


@pytest.fixture
def coordinator(app, frozen):
    return _committed(factories.user(Role.COORDINATOR, name="Sri Koordinator"))


@pytest.fixture
def receptionist(app, frozen):
    return _committed(
        factories.user(Role.RECEPTIONIST, name="Rina Resepsionis", email="resepsionis@djpk.go.id")
    )
