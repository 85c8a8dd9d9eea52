"""Walk-ins, check-out, notes on breaches and the day's visitor log."""

import csv
import io

from sqlalchemy import select

from app.auth.models import UnitType
from app.checkin.models import Visit
from app.compliance.models import Breach
from app.extensions import db
from tests import factories
from tests.checkin import helpers
from tests.checkin.helpers import checkin_data


def _walk_in(client, region_code=factories.BREBES, names=("Tamu Satu", "Tamu Dua"), unit="dprd"):
    data = {
        "region_id": str(factories.region(region_code).id),
        "unit_type": unit,
        "arrival_time": "09:05",
        "regional_head_present": "0",
        "extra_name": list(names),
        "extra_title": ["Staf"] * len(names),
        "note": "Datang untuk menanyakan DAU.",
    }
    return client.post("/resepsionis/tanpa-jadwal", data=data, follow_redirects=True)


def test_walk_in_creates_a_visit_and_a_walk_in_breach(client, auth, receptionist, coordinator):
    operator = factories.pemda_user(factories.BREBES, unit_type=UnitType.DPRD, email="dprd@brebeskab.go.id")
    db.session.commit()
    auth.login(receptionist)
    page = _walk_in(client).get_data(as_text=True)
    visit = db.session.scalars(select(Visit)).one()
    assert visit.walk_in and visit.request_id is None and visit.unit_type == UnitType.DPRD
    assert visit.note == "Datang untuk menanyakan DAU."
    (breach,) = helpers.breaches()
    assert breach.type_code == "walk_in" and breach.evidence == {"booking": 0, "came": 2}
    assert breach.visit_id == visit.id and breach.request_id is None
    assert "Kab. Brebes (DPRD)" in page and "Datang tanpa jadwal atau tanpa surat" in page
    (pemda_mail,) = helpers.outbox("compliance/breach_recorded")
    assert pemda_mail.recipients == [operator.email]
    (arrived,) = helpers.outbox("checkin/arrived")
    assert arrived.recipients == [coordinator.email]


def test_walk_in_over_the_limit_records_both(client, auth, receptionist):
    auth.login(receptionist)
    _walk_in(client, names=[f"Tamu {i}" for i in range(6)])
    assert sorted(b.type_code for b in helpers.breaches()) == ["guests_over_limit", "walk_in"]


def test_walk_in_needs_a_region_and_a_guest(client, auth, receptionist):
    auth.login(receptionist)
    page = client.post(
        "/resepsionis/tanpa-jadwal",
        data={"region_id": "", "unit_type": "pemda", "arrival_time": "09:00", "regional_head_present": "0"},
    ).get_data(as_text=True)
    assert "Pilih daerah asal delegasi." in page
    assert "Isi nama paling sedikit satu tamu." in _walk_in(client, names=[]).get_data(as_text=True)
    assert db.session.scalars(select(Visit)).first() is None


def test_check_out_once(client, auth, receptionist, pemda):
    req = helpers.session(pemda)
    db.session.commit()
    auth.login(receptionist)
    client.post(f"/resepsionis/kunjungan/{req.id}", data=checkin_data(range(5)))
    visit = db.session.scalars(select(Visit)).one()
    page = client.post(f"/resepsionis/tamu/{visit.id}/pulang", follow_redirects=True).get_data(as_text=True)
    assert "Waktu pulang delegasi telah dicatat." in page and "Pulang pukul 09.10 WIB" in page
    page = client.post(f"/resepsionis/tamu/{visit.id}/pulang", follow_redirects=True).get_data(as_text=True)
    assert "sudah dicatat pulang" in page
    db.session.expire_all()
    assert visit.checked_out_by_id == receptionist.id


def test_notes_are_appended_and_audited(client, auth, receptionist, pemda):
    req = helpers.session(pemda)
    db.session.commit()
    auth.login(receptionist)
    client.post(f"/resepsionis/kunjungan/{req.id}", data=checkin_data(range(5), extra=[("A", "")]))
    (breach,) = helpers.breaches()
    url = f"/resepsionis/pelanggaran/{breach.id}/catatan"
    client.post(url, data={"note": "Sopir ikut masuk."})
    page = client.post(url, data={"note": "Sudah diingatkan."}, follow_redirects=True).get_data(as_text=True)
    db.session.expire_all()
    assert breach.note == "Rina Resepsionis: Sopir ikut masuk.\nRina Resepsionis: Sudah diingatkan."
    assert "Sudah diingatkan." in page
    assert "Isi catatan." in client.post(url, data={"note": " "}, follow_redirects=True).get_data(
        as_text=True
    )
    assert client.post("/resepsionis/pelanggaran/999/catatan", data={"note": "x"}).status_code == 404


def test_a_note_on_a_breach_without_visit_is_404(client, auth, receptionist, pemda):
    req = helpers.session(pemda)
    breach = Breach(
        type_code="other",
        region_id=req.region_id,
        unit_type=req.unit_type,
        request_id=req.id,
        recorded_by_kind="coordinator",
        recorded_at=helpers.NOW,
        evidence={},
    )
    db.session.add(breach)
    db.session.commit()
    auth.login(receptionist)
    assert client.post(f"/resepsionis/pelanggaran/{breach.id}/catatan", data={"note": "x"}).status_code == 404


def test_visitor_log_csv_lists_present_guests_of_the_day(client, auth, receptionist, coordinator, pemda):
    req = helpers.session(pemda)
    db.session.commit()
    auth.login(receptionist)
    client.post(f"/resepsionis/kunjungan/{req.id}", data=checkin_data([0, 1], extra=[("Tamu Baru", "Staf")]))
    _walk_in(client, region_code=factories.JAYAPURA, names=["Tamu Jayapura"], unit="pemda")
    response = client.get("/resepsionis/buku-tamu.csv", query_string={"date": "2026-12-08"})
    assert response.mimetype == "text/csv"
    assert 'filename="buku-tamu-2026-12-08.csv"' in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:4] == ["Tanggal", "Datang (WIB)", "Pulang (WIB)", "Pengguna Layanan"]
    names = [r[7] for r in rows[1:]]
    assert names == ["Tamu Jayapura", "Tamu Terkonfirmasi 1", "Tamu Terkonfirmasi 2", "Tamu Baru"]
    assert rows[2][4] == req.booking_code_display and rows[2][1] == "09:10"
    assert rows[1][6] == "Ya" and rows[4][9] == "Tidak"  # walk-in; Tamu Baru not on the list
    assert client.get("/resepsionis/buku-tamu.csv", query_string={"date": "kemarin"}).status_code == 400
    # The front desk keeps the log of its own day only; a coordinator reads any day's.
    assert client.get("/resepsionis/buku-tamu.csv", query_string={"date": "2026-12-09"}).status_code == 404
    auth.logout()
    auth.login(coordinator)
    other_day = client.get("/resepsionis/buku-tamu.csv", query_string={"date": "2026-12-09"})
    assert len(list(csv.reader(io.StringIO(other_day.get_data(as_text=True))))) == 1


def test_the_same_walk_in_form_sent_twice_records_one_visit(client, auth, receptionist):
    auth.login(receptionist)
    data = {
        "region_id": str(factories.region(factories.BREBES).id),
        "unit_type": "pemda",
        "arrival_time": "09:05",
        "regional_head_present": "0",
        "extra_name": ["Tamu Satu"],
        "extra_title": ["Staf"],
        "token": "a" * 32,
    }
    client.post("/resepsionis/tanpa-jadwal", data=data)
    page = client.post("/resepsionis/tanpa-jadwal", data=data, follow_redirects=True).get_data(as_text=True)
    assert "Kunjungan ini sudah dicatat" in page
    assert len(db.session.scalars(select(Visit)).all()) == 1
    assert [b.type_code for b in helpers.breaches()] == ["walk_in"]
    assert len(helpers.outbox("checkin/arrived")) <= 1
