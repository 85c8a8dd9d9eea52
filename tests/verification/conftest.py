"""Fixtures of the verification tests: one Pemda's sessions in each state, time frozen."""

import pytest
import time_machine

from app.domain.states import RequestState
from app.extensions import db
from tests import factories
from tests.attendance.helpers import BEFORE, scheduled


@pytest.fixture
def clock():
    with time_machine.travel(BEFORE, tick=False) as traveller:
        yield traveller


@pytest.fixture
def sessions(app, clock):
    owner = factories.pemda_user(factories.BREBES, name="Siti Aminah", email="siti@brebeskab.go.id")
    rows = {
        state: scheduled(owner, state=state, agenda=f"Agenda khusus {state.value} tentang DAU")
        for state in (
            RequestState.SCHEDULED,
            RequestState.CONFIRMED,
            RequestState.HELD,
            RequestState.NO_SHOW,
            RequestState.CANCELLED,
        )
    }
    db.session.commit()
    return rows
