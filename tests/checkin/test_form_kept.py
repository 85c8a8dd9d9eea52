"""A check-in or walk-in form sent back with an error keeps what the receptionist entered: the
ticked guests, the guests typed in, the arrival time and the note. The QR panel's hint that
there is no camera is shown once."""

from pathlib import Path

import pytest
from sqlalchemy import select

from app.checkin.models import Visit
from app.extensions import db
from tests import factories
from tests.checkin import helpers
from tests.checkin.helpers import checkin_data
from tests.html_forms import form_posting_to

EXTRA = [
    ("Tamu Enam", "Staf Ahli"),
    ("Tamu Tujuh", "Analis"),
    ("Tamu Delapan", "Ajudan"),
    ("Tamu Sembilan", ""),
]


def _entered(response, action: str) -> dict[str, list[str]]:
    return form_posting_to(response, action).submission()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"regional_head_present": None}, "Pilih apakah Kepala Daerah hadir."),
        ({"time": "11:30"}, "Waktu kedatangan tidak boleh di masa depan."),
    ],
)
def test_a_check_in_error_keeps_ticks_extra_guests_and_time(
    client, auth, receptionist, pemda, change, message
):
    req = helpers.session(pemda)
    db.session.commit()
    auth.login(receptionist)
    head = change.get("regional_head_present", False)
    time = change.get("time", "09:07")
    data = checkin_data([0, 2, 4], extra=EXTRA, head=head, time=time)
    response = client.post(f"/resepsionis/kunjungan/{req.id}", data=data)
    assert response.status_code == 200 and message in response.get_data(as_text=True)
    sent = _entered(response, f"/resepsionis/kunjungan/{req.id}")
    assert sent["present"] == ["0", "2", "4"]
    assert sent["extra_name"][:4] == [name for name, _ in EXTRA]
    assert sent["extra_title"][:4] == [title for _, title in EXTRA]
    assert sent["extra_name"][4:] == [""]  # and a blank row to type one more
    assert sent["arrival_time"] == [time]
    if head is False:
        assert sent["regional_head_present"] == ["0"]
    assert db.session.scalars(select(Visit)).first() is None
    # The page sent again as shown, with the answer added, records exactly what was entered.
    sent["regional_head_present"], sent["arrival_time"] = ["0"], ["09:07"]
    client.post(f"/resepsionis/kunjungan/{req.id}", data=sent)
    visit = db.session.scalars(select(Visit)).one()
    on_list = [g for g in visit.guests if g.on_list]
    assert [g.present for g in on_list] == [True, False, True, False, True]
    assert [(g.name, g.title or "") for g in visit.guests if not g.on_list] == EXTRA


def test_nobody_present_keeps_time_and_answer(client, auth, receptionist, pemda):
    req = helpers.session(pemda, confirmed_guests=None)
    db.session.commit()
    auth.login(receptionist)
    response = client.post(f"/resepsionis/kunjungan/{req.id}", data=checkin_data([], head=True, time="09:01"))
    assert "Centang paling sedikit satu tamu yang hadir." in response.get_data(as_text=True)
    sent = _entered(response, f"/resepsionis/kunjungan/{req.id}")
    assert "present" not in sent and sent["extra_name"] == ["", "", ""]
    assert sent["arrival_time"] == ["09:01"] and sent["regional_head_present"] == ["1"]


def test_a_walk_in_error_keeps_region_guests_time_and_note(client, auth, receptionist):
    auth.login(receptionist)
    region = factories.region(factories.BREBES)
    data = {
        "region_id": str(region.id),
        "unit_type": "dprd",
        "arrival_time": "09:04",
        "extra_name": [name for name, _ in EXTRA],
        "extra_title": [title for _, title in EXTRA],
        "note": "Datang untuk menanyakan DAU.",
    }
    response = client.post("/resepsionis/tanpa-jadwal", data=data)
    assert "Pilih apakah Kepala Daerah hadir." in response.get_data(as_text=True)
    sent = _entered(response, "/resepsionis/tanpa-jadwal")
    assert sent["region_id"] == [str(region.id)] and sent["unit_type"] == ["dprd"]
    assert sent["extra_name"][:4] == [name for name, _ in EXTRA] and sent["extra_name"][4:] == [""]
    assert sent["extra_title"][:4] == [title for _, title in EXTRA]
    assert sent["arrival_time"] == ["09:04"] and sent["note"] == ["Datang untuk menanyakan DAU."]
    sent["regional_head_present"] = ["0"]
    client.post("/resepsionis/tanpa-jadwal", data=sent)
    visit = db.session.scalars(select(Visit)).one()
    assert [(g.name, g.title or "") for g in visit.guests] == EXTRA
    assert visit.note == "Datang untuk menanyakan DAU."


def test_a_fresh_form_has_three_blank_extra_rows(client, auth, receptionist):
    auth.login(receptionist)
    sent = _entered(client.get("/resepsionis/tanpa-jadwal"), "/resepsionis/tanpa-jadwal")
    assert sent["extra_name"] == ["", "", ""] and sent["extra_title"] == ["", "", ""]


def test_the_no_camera_hint_is_shown_once(client, auth, receptionist):
    auth.login(receptionist)
    hint = "Bila kamera tidak tersedia, ketik kode booking yang tertera pada surat konfirmasi."
    assert client.get("/resepsionis/").get_data(as_text=True).count(hint) == 1
    # The script must not write the hint a second time into the scanner's status line.
    script = (Path(__file__).resolve().parents[2] / "static/js/desk-scan.js").read_text()
    assert 'getElementById("scan-fallback").textContent' not in script
