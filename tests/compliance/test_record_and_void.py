"""The coordinator's ledger: recording by hand (with and without a file), the session check,
voiding with a reason, the filters and the counts per type."""

import hashlib

from sqlalchemy import select

from app.compliance import queries
from app.core.audit import AuditLog
from app.extensions import db
from app.outbox.models import OutboxMessage
from tests import factories, files
from tests.compliance.helpers import (
    JPEG,
    NOW,
    PDF,
    PNG,
    all_breaches,
    breach,
    login_as,
    scheduled,
    text_of,
    upload,
)

URL = "/koordinator/pelanggaran/catat"


def _form(pemda, **overrides) -> dict:
    data = {
        "type_code": "other",
        "region_id": str(pemda.region_id),
        "unit_type": "pemda",
        "session": "",
        "note": "Delegasi membawa spanduk promosi ke ruang tunggu.",
    }
    data.update(overrides)
    return data


def test_record_without_a_file(client, coordinator, pemda):
    login_as(client, coordinator)
    response = client.post(URL, data=_form(pemda))
    assert response.status_code == 302
    (b,) = all_breaches()
    assert b.type_code == "other" and b.region_id == pemda.region_id and b.unit_type == "pemda"
    assert b.recorded_by_kind == "coordinator" and b.recorded_by_id == coordinator.id
    assert b.note == "Sri Koordinator: Delegasi membawa spanduk promosi ke ruang tunggu."
    assert b.request_id is None and b.evidence_file_id is None and b.dedupe_key is None
    mail = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "compliance/breach_recorded"))
    assert [m.recipients for m in mail] == [[pemda.email]]
    page = text_of(client.get(response.headers["Location"]))
    assert "Pelanggaran lainnya" in page and "Kab. Brebes" in page and "Koordinator: Sri Koordinator" in page


def test_record_with_a_session_and_a_png(client, coordinator, pemda):
    req = scheduled(pemda, NOW)
    db.session.commit()
    login_as(client, coordinator)
    data = _form(pemda, type_code="late_arrival", session=req.booking_code_display.lower())
    data["evidence_file"] = upload(PNG, "foto pintu.png")
    response = client.post(URL, data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    (b,) = all_breaches()
    assert b.request_id == req.id
    assert b.evidence_content_type == "image/png" and b.evidence_size == len(PNG)
    assert b.evidence_filename == "foto_pintu.png"
    assert b.evidence_file.content == PNG and b.evidence_file.sha256 == hashlib.sha256(PNG).hexdigest()
    assert db.session.scalars(select(AuditLog).where(AuditLog.action == "breach.file")).one()
    download = client.get(f"/pelanggaran/{b.id}/bukti")
    assert download.status_code == 200 and download.data == PNG
    assert download.mimetype == "image/png" and download.headers["X-Content-Type-Options"] == "nosniff"
    download.close()


def test_session_by_reference_and_types_sniffed_from_content(client, coordinator, pemda):
    req = scheduled(pemda, NOW)
    db.session.commit()
    login_as(client, coordinator)
    for content, name, kind in ((JPEG, "a.png", "image/jpeg"), (PDF, "scan", "application/pdf")):
        data = _form(pemda, session=req.reference, evidence_file=upload(content, name))
        assert client.post(URL, data=data, content_type="multipart/form-data").status_code == 302
        assert all_breaches()[-1].evidence_content_type == kind
    assert [b.evidence_filename for b in all_breaches()] == ["a.png.jpg", "scan.pdf"]


def _stored() -> list[bytes]:
    return files.stored("evidence")


def test_a_file_of_another_type_is_refused(client, coordinator, pemda):
    before = _stored()
    login_as(client, coordinator)
    data = _form(pemda, evidence_file=upload(b"MZ\x90\x00 not an image", "foto.png"))
    response = client.post(URL, data=data, content_type="multipart/form-data")
    assert response.status_code == 200
    assert "harus berupa PDF, JPEG, atau PNG" in text_of(response)
    assert all_breaches() == []
    assert _stored() == before


def test_a_file_over_the_limit_is_refused(client, app, coordinator, pemda):
    app.config["MAX_EVIDENCE_BYTES"] = 1000
    try:
        login_as(client, coordinator)
        data = _form(pemda, evidence_file=upload(PNG + b"\x00" * 1000, "besar.png"))
        response = client.post(URL, data=data, content_type="multipart/form-data")
    finally:
        del app.config["MAX_EVIDENCE_BYTES"]
    assert response.status_code == 200
    assert "Berkas bukti terlalu besar" in text_of(response)
    assert all_breaches() == []


def test_the_session_must_belong_to_the_pemda(client, coordinator, pemda, dprd, other):
    theirs = scheduled(other, NOW)
    dprd_session = scheduled(dprd, NOW)
    db.session.commit()
    login_as(client, coordinator)
    for req in (theirs, dprd_session):
        response = client.post(URL, data=_form(pemda, session=req.booking_code))
        assert response.status_code == 200
        assert f"Sesi {req.reference} bukan milik Pemda yang dipilih." in text_of(response)
    response = client.post(URL, data=_form(pemda, session="KNS-2026-99999"))
    assert "tidak ditemukan" in text_of(response)
    assert all_breaches() == []


def test_note_and_type_are_required(client, coordinator, pemda):
    login_as(client, coordinator)
    response = client.post(URL, data=_form(pemda, note="  ", type_code=""))
    page = text_of(response)
    assert (
        response.status_code == 200
        and "Isi catatan pelanggaran." in page
        and "Pilih jenis pelanggaran." in page
    )
    assert all_breaches() == []


def test_void_needs_a_reason_and_keeps_the_row(client, coordinator, pemda):
    b = breach(pemda)
    db.session.commit()
    login_as(client, coordinator)
    response = client.post(f"/koordinator/pelanggaran/{b.id}/batalkan", data={"reason": "  "})
    assert response.status_code == 200  # the ledger again, the message above the open form
    assert "Tuliskan alasan pembatalan pelanggaran." in response.get_data(as_text=True)
    assert all_breaches()[0].voided_at is None
    response = client.post(f"/koordinator/pelanggaran/{b.id}/batalkan", data={"reason": "Salah Pemda"})
    (row,) = all_breaches()
    assert row.voided_at == NOW and row.void_reason == "Salah Pemda" and row.voided_by_id == coordinator.id
    entry = db.session.scalars(select(AuditLog).where(AuditLog.action == "breach.void")).one()
    assert entry.actor_id == coordinator.id and entry.after["reason"] == "Salah Pemda"
    page = text_of(client.get(response.headers["Location"]))
    assert "<s>Jumlah tamu melebihi batas</s>" in page and "Dibatalkan: Salah Pemda" in page
    assert "<s>" not in text_of(client.get("/koordinator/pelanggaran"))  # hidden unless asked for


def test_a_void_is_undone_with_a_reason_and_the_breach_counts_again(client, coordinator, pemda):
    b = breach(pemda, voided=True)
    db.session.commit()
    login_as(client, coordinator)
    assert "Cabut pembatalan" in text_of(client.get("/koordinator/pelanggaran?voided=y"))
    client.post(f"/koordinator/pelanggaran/{b.id}/pulihkan", data={"reason": ""})
    assert all_breaches()[0].voided_at is not None  # no reason, no restore
    response = client.post(f"/koordinator/pelanggaran/{b.id}/pulihkan", data={"reason": "Dibatalkan keliru"})
    assert response.status_code == 302
    (row,) = all_breaches()
    assert row.voided_at is None and row.void_reason is None
    entry = db.session.scalars(select(AuditLog).where(AuditLog.action == "breach.restore")).one()
    assert entry.actor_id == coordinator.id and entry.after["reason"] == "Dibatalkan keliru"
    assert sum(queries.profile(pemda.region_id, pemda.unit_type, NOW).values()) == 1
    again = client.post(f"/koordinator/pelanggaran/{b.id}/pulihkan", data={"reason": "Lagi"})
    assert "tidak dibatalkan" in text_of(client.get(again.headers["Location"]))
    assert client.post("/koordinator/pelanggaran/999999/pulihkan", data={"reason": "x"}).status_code == 404


def test_filters_and_counts_per_type(client, coordinator, pemda, dprd, other):
    breach(pemda, "no_show")
    breach(pemda, "no_show", at=NOW.replace(month=10))
    breach(dprd, "late_arrival")
    breach(other, "no_show", voided=True)
    db.session.commit()
    login_as(client, coordinator)
    page = text_of(client.get("/koordinator/pelanggaran"))
    assert 'data-type="no_show">\n      Tidak hadir <span class="badge text-bg-light">2</span>' in page
    page = text_of(client.get("/koordinator/pelanggaran?pemda=brebes&voided=y"))
    assert page.count('class="card mb-2 breach') == 3
    page = text_of(client.get("/koordinator/pelanggaran?pemda=Brebes+(DPRD)"))
    assert page.count('class="card mb-2 breach') == 1 and "Datang terlambat" in page
    page = text_of(client.get("/koordinator/pelanggaran?month=2026-10"))
    assert page.count('class="card mb-2 breach') == 1
    page = text_of(client.get("/koordinator/pelanggaran?type=no_show&voided=y"))
    assert page.count('class="card mb-2 breach') == 3


def test_only_coordinators_use_the_ledger(client, pemda):
    b = breach(pemda)
    receptionist = factories.user("receptionist")
    db.session.commit()
    for user in (pemda, receptionist):
        login_as(client, user)
        assert client.get("/koordinator/pelanggaran").status_code == 403
        assert client.post(URL, data=_form(pemda)).status_code == 403
        assert (
            client.post(f"/koordinator/pelanggaran/{b.id}/batalkan", data={"reason": "x"}).status_code == 403
        )
    assert all_breaches()[0].voided_at is None


def test_only_coordinators_restore(client, pemda):
    b = breach(pemda, voided=True)
    receptionist = factories.user("receptionist")
    db.session.commit()
    for user in (pemda, receptionist):
        login_as(client, user)
        assert (
            client.post(f"/koordinator/pelanggaran/{b.id}/pulihkan", data={"reason": "x"}).status_code == 403
        )
    assert all_breaches()[0].voided_at is not None


def test_the_same_form_sent_twice_records_one_breach(client, coordinator, pemda):
    login_as(client, coordinator)
    token = "0123456789abcdef0123456789abcdef"
    assert client.post(URL, data=_form(pemda, token=token)).status_code == 302
    second = client.post(URL, data=_form(pemda, token=token), follow_redirects=True)
    assert "sudah dicatat" in text_of(second)
    assert len(all_breaches()) == 1
    mail = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "compliance/breach_recorded"))
    assert len(list(mail)) == 1
    # A fresh form (another token) is another breach.
    client.post(URL, data=_form(pemda, token="f" * 32))
    assert len(all_breaches()) == 2


def test_the_counts_per_type_follow_every_change(client, coordinator, pemda, dprd):
    """The counts are kept between requests (app.core.kept): recording, voiding and restoring
    a breach, and renaming a region, each show in the next view."""
    first = breach(pemda, "no_show")
    db.session.commit()
    login_as(client, coordinator)

    def no_shows(query=""):
        page = text_of(client.get("/koordinator/pelanggaran" + query))
        return page.split('data-type="no_show">\n      Tidak hadir <span class="badge text-bg-light">')[
            1
        ].split("<")[0]

    assert no_shows() == "1"
    assert no_shows() == "1"
    response = client.post(
        URL, data=_form(dprd, type_code="no_show", unit_type="dprd", region_id=str(dprd.region_id))
    )
    assert response.status_code == 302
    assert no_shows() == "2"
    client.post(f"/koordinator/pelanggaran/{first.id}/batalkan", data={"reason": "Keliru dicatat"})
    assert no_shows() == "1"
    client.post(f"/koordinator/pelanggaran/{first.id}/pulihkan", data={"reason": "Ternyata benar"})
    assert no_shows() == "2"
    # Regions are kept between tests: the old name is put back.
    region = db.session.get(type(pemda.region), pemda.region_id)
    old = region.display_name
    assert no_shows("?pemda=Contohan") == "0"
    try:
        region.display_name = "Kab. Contohan"
        db.session.commit()
        assert no_shows("?pemda=Contohan") == "2"
    finally:
        region.display_name = old
        db.session.commit()
