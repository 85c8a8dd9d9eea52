"""A DJPK coordinator keeps the breach ledger and the registrations in Debian's chromium
(phone-sized; every page checked by the outside validators): records a breach with a photo
as evidence (an incomplete form refused first), opens the evidence, filters the ledger, voids
the breach and restores it; then activates one Pemda registration and rejects another. Each
result is checked in the database, with the email it queues."""

from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from sqlalchemy import select

from app.auth.models import Role, User
from app.compliance.models import Breach
from app.extensions import db
from app.outbox.models import OutboxMessage
from tests import factories
from tests.compliance.helpers import NOW, PNG, breach, scheduled
from tests.e2e.helpers import error_focused, fresh, login, shot, submit

pytestmark = pytest.mark.e2e


def kinds_to(email: str) -> list[str]:
    db.session.expire_all()
    rows = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
    return [m.kind for m in rows if email in m.recipients]


def test_coordinator_records_voids_and_restores_a_breach(
    app, live_server, browser_page, page_audit, tmp_path
):
    with time_machine.travel(NOW, tick=True):
        coordinator = factories.user(Role.COORDINATOR, name="Sri Wahyuni", email="koordinator@djpk.go.id")
        brebes = factories.pemda_user(
            factories.BREBES, name="Operator Brebes", email="operator@brebeskab.go.id"
        )
        balikpapan = factories.pemda_user(factories.BALIKPAPAN, name="Operator Balikpapan")
        visit = scheduled(brebes, NOW - timedelta(days=1))
        breach(brebes, "no_show", at=NOW - timedelta(days=20))  # November: left out by the month filter
        breach(balikpapan, "late_arrival", at=NOW - timedelta(hours=2))
        db.session.commit()
        photo = tmp_path / "foto-kedatangan.png"
        photo.write_bytes(PNG)
        page = browser_page

        login(page, live_server, coordinator.email)
        page.goto(f"{live_server}/koordinator/pelanggaran")
        with page.expect_navigation():
            page.click("main a:has-text('Catat pelanggaran')")
        # Only the type chosen: refused, the summary says what is missing and takes the focus.
        page.select_option("#type_code", label="Datang terlambat")
        submit(page, "main form button[type=submit]", url=r"/pelanggaran/catat$")
        assert error_focused(page)
        summary = page.inner_text("#ringkasan-kesalahan")
        assert "Pilih daerah dari daftar." in summary and "Isi catatan pelanggaran." in summary
        assert page.input_value("#type_code") == "late_arrival"  # kept
        shot(page, "coordinator-breach-refused")
        page.select_option("#region_id", label="Kab. Brebes")
        page.fill("#session", visit.booking_code)
        page.fill("#note", "Delegasi tiba pukul 10.40, sesi dimulai 09.00.")
        page.set_input_files("#evidence_file", str(photo))
        submit(page, "main form button[type=submit]", url=r"/koordinator/pelanggaran")
        assert "telah dicatat" in page.inner_text("main")
        recorded = db.session.scalars(select(Breach).where(Breach.note.contains("10.40"))).one()
        assert (recorded.type_code, recorded.request_id, recorded.region_id) == (
            "late_arrival",
            visit.id,
            brebes.region_id,
        )
        assert recorded.evidence_filename and recorded.evidence_content_type == "image/png"
        assert "compliance/breach_recorded" in kinds_to(brebes.email)

        # The evidence opens as the file that was sent.
        card = page.locator(f"#pelanggaran-{recorded.id}")
        with page.expect_download() as download:
            card.locator("a:has-text('Unduh bukti')").click()
        assert Path(download.value.path()).read_bytes() == PNG

        # The filter form: this month's late arrivals of a Pemda typed in part.
        page.select_option("#type", label="Datang terlambat")
        page.fill("#pemda", "brebes")
        page.fill("#month", "2026-12")
        submit(page, "main form[method=get] button[type=submit]", url=r"month=2026-12")
        assert page.locator("main .breach").count() == 1
        assert page.input_value("#pemda") == "brebes"

        # Voided (a blank reason refused first), then restored.
        page_audit["audit"].check()
        card = page.locator(f"#pelanggaran-{recorded.id}")
        card.locator("summary").click()
        card.get_by_label("Alasan pembatalan").fill("   ")
        submit(page, f"#pelanggaran-{recorded.id} form button[type=submit]", url=r"/batalkan$")
        assert error_focused(page)
        assert "Tuliskan alasan pembatalan pelanggaran." in page.inner_text("#ringkasan-kesalahan")
        assert fresh(Breach, recorded.id).voided_at is None
        card = page.locator(f"#pelanggaran-{recorded.id}")
        card.get_by_label("Alasan pembatalan").fill("Jam kedatangan salah dicatat")
        submit(page, f"#pelanggaran-{recorded.id} form button[type=submit]", url=r"voided=y")
        row = fresh(Breach, recorded.id)
        assert row.voided_at is not None and row.void_reason == "Jam kedatangan salah dicatat"
        shot(page, "coordinator-breach-voided")
        page_audit["audit"].check()
        card = page.locator(f"#pelanggaran-{recorded.id}")
        card.locator("summary:has-text('Cabut pembatalan')").click()
        card.get_by_label("Alasan pemulihan").fill("Rekaman CCTV menunjukkan jam yang dicatat benar")
        submit(page, f"#pelanggaran-{recorded.id} form button[type=submit]", url=r"voided=y")
        assert "kembali dihitung" in page.inner_text("main")
        assert fresh(Breach, recorded.id).voided_at is None
        assert kinds_to(brebes.email) == ["compliance/breach_recorded"]  # voiding tells nobody
        shot(page, "coordinator-breach-restored")


def test_coordinator_activates_and_rejects_registrations(app, live_server, browser_page, page_audit):
    with time_machine.travel(NOW, tick=True):
        coordinator = factories.user(Role.COORDINATOR, name="Sri Wahyuni", email="koordinator@djpk.go.id")
        ready = factories.pemda_user(
            factories.BREBES, name="Siti Aminah", email="siti@brebeskab.go.id", active=False
        )
        doubtful = factories.pemda_user(
            factories.JAYAPURA, name="Akun Tidak Dikenal", email="akun@contoh-bebas.id", active=False
        )
        db.session.commit()
        page = browser_page

        login(page, live_server, coordinator.email)
        page.goto(f"{live_server}/admin/pendaftaran")
        page_audit["audit"].check()
        cards = page.locator("main .card")
        assert cards.count() == 2
        submit(page, f"form[action$='/pendaftaran/{ready.id}/aktifkan'] button", url=r"/admin/pendaftaran$")
        assert "telah diaktifkan" in page.inner_text("main")
        assert fresh(User, ready.id).activated_at is not None
        assert kinds_to(ready.email) == ["admin/account_activated"]

        card = page.locator("main .card").filter(has_text="Akun Tidak Dikenal")
        card.get_by_role("button", name="Tolak…").click()
        box = card.get_by_label("Alasan penolakan")
        box.fill(" " * 12)  # passes the browser's minlength, is no reason
        submit(page, f"form[action$='/pendaftaran/{doubtful.id}/tolak'] button", url=r"/tolak$")
        assert error_focused(page)
        assert "10 sampai 1.000 karakter" in page.inner_text("#ringkasan-kesalahan")
        assert fresh(User, doubtful.id).deactivated_at is None
        shot(page, "coordinator-registration-refused")
        page.get_by_label("Alasan penolakan").fill("Email bukan domain resmi pemerintah daerah.")
        submit(page, f"form[action$='/pendaftaran/{doubtful.id}/tolak'] button", url=r"/admin/pendaftaran$")
        assert "ditolak" in page.inner_text("main")
        assert fresh(User, doubtful.id).deactivated_at is not None
        assert kinds_to(doubtful.email) == ["admin/registration_rejected"]
        assert "Tidak ada pendaftaran yang menunggu aktivasi." in page.inner_text("main")
