"""The check-in and walk-in forms, sent back with an error, list every error in the summary
above the form (id "ringkasan-kesalahan", which static/js/app.js focuses): the unanswered
regional head with a link to its choices, and "nobody ticked" / "no guest named", which used
to be flash messages that nothing focused."""

import re

from tests import factories
from tests.checkin import helpers
from tests.checkin.helpers import checkin_data

NO_ANSWER = "Pilih apakah Kepala Daerah hadir."


def _summary(response) -> str:
    page = response.get_data(as_text=True)
    found = re.search(
        r'<div class="alert alert-danger" role="alert" id="ringkasan-kesalahan".*?</ul>', page, re.S
    )
    assert found, "no error summary on the page"
    return found.group(0)


def _ids(response) -> set[str]:
    return set(re.findall(r'\bid="([^"]+)"', response.get_data(as_text=True)))


def test_check_in_without_the_regional_head_answer(client, auth, receptionist, pemda):
    req = helpers.session(pemda)
    auth.login(receptionist)
    response = client.post(f"/resepsionis/kunjungan/{req.id}", data=checkin_data([0, 1], head=None))
    summary = _summary(response)
    assert NO_ANSWER in summary and 'href="#regional_head_present-0"' in summary
    assert "regional_head_present" in _ids(response)  # the link leads to the Ya/Tidak choices


def test_check_in_with_nobody_ticked(client, auth, receptionist, pemda):
    req = helpers.session(pemda)
    auth.login(receptionist)
    response = client.post(f"/resepsionis/kunjungan/{req.id}", data=checkin_data([], head=False))
    assert "Centang paling sedikit satu tamu yang hadir." in _summary(response)


def test_walk_in_without_a_named_guest(client, auth, receptionist):
    auth.login(receptionist)
    data = {
        "region_id": str(factories.region(factories.BREBES).id),
        "unit_type": "pemda",
        "arrival_time": "09:05",
        "regional_head_present": "0",
        "extra_name": ["", ""],
        "extra_title": ["", ""],
    }
    response = client.post("/resepsionis/tanpa-jadwal", data=data)
    assert "Isi nama paling sedikit satu tamu." in _summary(response)


def test_walk_in_without_the_regional_head_answer(client, auth, receptionist):
    auth.login(receptionist)
    data = {
        "region_id": str(factories.region(factories.BREBES).id),
        "unit_type": "pemda",
        "arrival_time": "09:05",
    }
    data |= {"extra_name": ["Tamu Satu"], "extra_title": [""]}
    assert NO_ANSWER in _summary(client.post("/resepsionis/tanpa-jadwal", data=data))
