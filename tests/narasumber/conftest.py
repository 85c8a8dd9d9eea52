"""Fixtures of the narasumber tests: time frozen on a known Tuesday, a narasumber with an
upcoming and a past session, another narasumber with their own session."""

from datetime import datetime, timedelta

import pytest
import time_machine

from app.domain.policy import Mode
from app.extensions import db
from app.scheduling.models import AssignmentStatus
from tests import factories
from tests.narasumber import factories as people
from tests.requests.helpers import NOW, WIB

# Thursday 3 December 2026 10:00 WIB, two days after NOW; and a week before NOW.
UPCOMING = datetime(2026, 12, 3, 10, 0, tzinfo=WIB)
PAST = NOW - timedelta(days=7)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def world(app, frozen):
    """Two narasumber, each with assignments; a Pemda from Balikpapan (WITA) and one from Brebes."""
    dau = factories.topic("DAU", "Dana Alokasi Umum")
    dbh = factories.topic("DBH", "Dana Bagi Hasil")
    brebes = factories.pemda_user(factories.BREBES, name="Operator Brebes")
    balikpapan = factories.pemda_user(factories.BALIKPAPAN, name="Operator Balikpapan")
    ani = people.narasumber("Ani Narasumber", topics=[dau])
    budi = people.narasumber("Budi Narasumber", topics=[dbh])
    room = factories.room("Ruang Rapat Dahlia", capacity=8)

    upcoming_req = people.session(
        balikpapan, UPCOMING, agenda="Penyaluran DAU triwulan IV", topics=[dau, dbh], guests=2
    )
    past_req = people.session(brebes, PAST, agenda="Evaluasi DAU tahun lalu", topics=[dau])
    ftf_req = people.session(
        brebes, UPCOMING + timedelta(days=1), mode=Mode.FTF, room=room, topics=[dbh], agenda="DBH sawit"
    )
    ani_upcoming = people.assignment(upcoming_req, ani, topic_codes=["DAU"])
    ani_past = people.assignment(past_req, ani, status=AssignmentStatus.ACCEPTED)
    budi_upcoming = people.assignment(upcoming_req, budi, topic_codes=["DBH"])
    budi_ftf = people.assignment(ftf_req, budi)
    db.session.commit()
    return {
        "ani": ani,
        "budi": budi,
        "brebes": brebes,
        "balikpapan": balikpapan,
        "ani_upcoming": ani_upcoming,
        "ani_past": ani_past,
        "budi_upcoming": budi_upcoming,
        "budi_ftf": budi_ftf,
        "upcoming_req": upcoming_req,
        "past_req": past_req,
        "ftf_req": ftf_req,
        "room": room,
    }
