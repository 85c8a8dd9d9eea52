"""The reasons beside a suggested narasumber agree with one another: "Pernah mendampingi
Pemda ini" (advised it before) never comes with "belum pernah bertugas sebelumnya" (never
served before). A session of the Pemda still to come is not advising it "before"."""

from datetime import datetime, timedelta

import pytest

from app.domain.policy import WIB, Mode
from app.scheduling.suggestions import reason_text, suggest_people
from tests import factories
from tests.scheduling.factories import narasumber
from tests.scheduling.factories_slots import asking, held

NOW = datetime(2026, 11, 30, 9, tzinfo=WIB)  # Monday


@pytest.fixture
def dau(app):
    return factories.topic("DAU", "Dana Alokasi Umum")


@pytest.fixture
def owner(app):
    return factories.pemda_user(factories.BREBES)


def _texts(app, req, person):
    start = datetime(2026, 12, 8, 9, tzinfo=WIB)
    ranked = suggest_people(req, start, start + timedelta(hours=1), now=NOW)
    [rp] = [rp for rp in ranked if rp.person.id == person.id]
    with app.test_request_context():
        return [reason_text(r) for r in rp.reasons]


def _request(owner, dau):
    day = datetime(2026, 12, 8, 9, tzinfo=WIB)
    window = [(day, day + timedelta(hours=2))]
    return asking(owner, window, topics=[dau], mode=Mode.VC, submitted_at=NOW - timedelta(hours=1))


def test_a_session_of_the_pemda_still_to_come_is_not_having_advised_it(app, dau, owner):
    ani = narasumber("Ani", topics=[dau])
    held(owner, datetime(2026, 12, 3, 9, tzinfo=WIB), [(ani, ["DAU"])])  # after NOW
    texts = _texts(app, _request(owner, dau), ani)
    assert not any(t.startswith("Pernah mendampingi") for t in texts)
    assert texts[-1] == "0 sesi bulan ini; belum pernah bertugas sebelumnya"


def test_a_past_session_gives_continuity_and_a_latest_date(app, dau, owner):
    ani = narasumber("Ani", topics=[dau])
    held(owner, datetime(2026, 11, 23, 9, tzinfo=WIB), [(ani, ["DAU"])])  # before NOW
    texts = _texts(app, _request(owner, dau), ani)
    assert "Pernah mendampingi Pemda ini untuk DAU" in texts
    assert texts[-1] == "1 sesi bulan ini; terakhir 23 November 2026"
