"""Submitting a request: the happy paths, and the form shown again with every value kept."""

from datetime import UTC, datetime

from flask import url_for
from sqlalchemy import select

from app.core.audit import AuditLog
from app.domain.policy import Mode
from app.domain.states import RequestState
from app.extensions import db, mail
from app.requests.models import ConsultationRequest
from tests import factories
from tests.requests.helpers import PDF, form_data, ftf_data, login_as, text_of


def only_request() -> ConsultationRequest:
    return db.session.scalars(select(ConsultationRequest)).one()


def test_new_form_shows_zone_and_prefilled_contact(client, pemda, topics):
    login_as(client, pemda)
    page = text_of(client.get("/permohonan/baru"))
    assert "zona waktu daerah Anda (WIB)" in page
    assert 'value="Operator Brebes"' in page
    assert 'value="operator@brebeskab.go.id"' in page
    assert "DAU – Dana Alokasi Umum" in page
    assert 'value="Direktur Jenderal Perimbangan Keuangan"' in page
    # Fifteen delegation rows exist without JavaScript.
    assert 'name="delegation-14-name"' in page


def test_submit_vc_request(client, pemda, topics):
    login_as(client, pemda)
    with mail.record_messages() as outbox:
        response = client.post("/permohonan/baru", data=form_data(topics, members=2))
    req = only_request()
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/permohonan/{req.id}")
    assert req.state == RequestState.SUBMITTED
    assert req.mode == Mode.VC
    assert [t.code for t in req.topics] == ["DAU", "DBH"]
    assert req.region_id == pemda.region_id and req.unit_type == pemda.unit_type
    assert req.created_by_id == pemda.id
    # 09:00-10:30 WIB is 02:00-03:30 UTC.
    assert req.windows[0].start == datetime(2026, 12, 3, 2, 0, tzinfo=UTC)
    assert req.windows[0].end == datetime(2026, 12, 3, 3, 30, tzinfo=UTC)
    assert [m.name for m in req.delegation] == ["Peserta 1", "Peserta 2"]
    assert req.letter is None
    entry = db.session.scalars(select(AuditLog).where(AuditLog.action == "request.submit")).one()
    assert entry.object_id == str(req.id) and entry.actor_id == pemda.id
    assert entry.after["state"] == "submitted"
    assert len(outbox) == 1
    assert sorted(outbox[0].recipients) == ["operator@brebeskab.go.id", "siti@brebeskab.go.id"]
    assert req.reference in outbox[0].subject
    assert "Kamis, 3 Desember 2026 09.00–10.30 WIB" in outbox[0].body
    assert f"/permohonan/{req.id}" in outbox[0].body
    assert req.reference in outbox[0].html

    page = text_of(client.get(f"/permohonan/{req.id}"))
    assert "telah diajukan" in page
    assert req.reference in page
    assert "Menunggu peninjauan DJPK" in page
    assert "Permohonan diajukan" in page  # history


def test_submit_ftf_request_with_letter(client, app, pemda, topics):
    login_as(client, pemda)
    response = client.post("/permohonan/baru", data=ftf_data(topics, upload=(PDF, "Surat Bupati.pdf")))
    assert response.status_code == 302
    req = only_request()
    assert req.mode == Mode.FTF
    letter = req.letter
    assert letter.number == "900/123/BPKAD/2026"
    assert letter.addressee == "Direktur Jenderal Perimbangan Keuangan"
    assert letter.original_filename == "Surat_Bupati.pdf"
    assert letter.size == len(PDF)
    assert len(letter.sha256) == 64
    assert letter.file.content == PDF and letter.file.sha256 == letter.sha256
    with client.get(f"/permohonan/{req.id}/surat") as download:
        assert download.status_code == 200
        assert download.data == PDF


def test_windows_in_the_pemda_zone_are_shown_with_wib(client, topics, frozen):
    user = factories.pemda_user(factories.JAYAPURA)
    db.session.commit()
    login_as(client, user)
    page = text_of(client.get("/permohonan/baru"))
    assert "(WIT)" in page
    assert "Dalam WIT: pukul 10.00–18.00." in page
    # 11:00-12:00 WIT is 09:00-10:00 WIB.
    response = client.post(
        "/permohonan/baru", data=form_data(topics, windows=[("2026-12-03", "11:00", "12:00")])
    )
    assert response.status_code == 302
    req = only_request()
    assert req.windows[0].start == datetime(2026, 12, 3, 2, 0, tzinfo=UTC)
    page = text_of(client.get(f"/permohonan/{req.id}"))
    assert "Kamis, 3 Desember 2026 11.00–12.00 WIT (09.00–10.00 WIB)" in page


def test_three_windows_and_regional_head(client, pemda, topics):
    login_as(client, pemda)
    data = form_data(
        topics,
        windows=[
            ("2026-12-03", "09:00", "10:00"),
            ("2026-12-04", "13:00", "15:00"),
            ("2026-12-07", "08:00", "09:00"),
        ],
    )
    data["delegation-0-is_regional_head"] = "y"
    data["delegation-5-name"] = "Bupati Brebes"  # a row further down, with blank rows between
    data["delegation-5-title"] = "Bupati"
    assert client.post("/permohonan/baru", data=data).status_code == 302
    req = only_request()
    assert len(req.windows) == 3
    assert len(req.delegation) == 4
    assert req.regional_head_attends is True
    assert req.delegation[0].is_regional_head


def test_values_are_kept_when_the_form_is_refused(client, pemda, topics):
    login_as(client, pemda)
    data = ftf_data(topics, windows=[("2026-12-07", "09:00", "10:00")], upload=None)
    data["agenda"] = "Agenda tentang DBH sawit dan kurang bayar DBH tahun 2025."
    data["delegation-0-is_regional_head"] = "y"
    response = client.post("/permohonan/baru", data=data)
    assert response.status_code == 200
    page = text_of(response)
    assert "Permohonan belum dapat dikirim" in page
    assert "Agenda tentang DBH sawit dan kurang bayar DBH tahun 2025." in page
    assert 'value="2026-12-07"' in page
    assert 'value="09:00"' in page
    assert 'value="Peserta 3"' in page
    assert 'value="900/123/BPKAD/2026"' in page
    assert 'value="Sekretaris Daerah"' in page
    assert '<input checked class="form-check-input" id="mode-1" name="mode" type="radio" value="ftf">' in page
    assert '<input checked class="form-check-input" id="delegation-0-is_regional_head"' in page
    assert db.session.scalars(select(ConsultationRequest)).first() is None


def test_form_errors_are_in_indonesian_on_their_fields(client, pemda, topics):
    login_as(client, pemda)
    data = form_data([], agenda="terlalu pendek")
    data["windows-0-end"] = "08:00"  # before the start
    data["delegation-1-name"] = ""  # a row with a title but no name
    data["contact_email"] = "bukan-email"
    page = text_of(client.post("/permohonan/baru", data=data))
    assert "Pilih paling sedikit satu topik." in page
    assert "Agenda terlalu singkat" in page
    assert "Jam selesai harus sesudah jam mulai." in page
    assert "Delegasi baris 2: Nama: Wajib diisi." in page
    assert "Alamat email tidak valid." in page
    assert "Not a valid" not in page


def test_no_window_at_all(client, pemda, topics):
    login_as(client, pemda)
    page = text_of(client.post("/permohonan/baru", data=form_data(topics, windows=[])))
    assert "Isi paling sedikit satu waktu pilihan." in page


def test_staff_cannot_use_the_new_request_page(client, coordinator):
    login_as(client, coordinator)
    assert client.get("/permohonan/baru").status_code == 403
    assert client.post("/permohonan/baru", data={}).status_code == 403
    assert client.get("/permohonan/").status_code == 403


def test_anonymous_is_sent_to_login(client, app):
    response = client.get("/permohonan/baru")
    assert response.status_code == 302
    with app.test_request_context():
        assert response.headers["Location"].startswith(url_for("auth.login"))
