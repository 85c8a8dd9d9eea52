"""The Pemda's side of a scheduled session in Debian's chromium (phone-sized), Monday 7 December
2026, the day before a face-to-face visit at 09:00 WIB.

The operator downloads the calendar invite, opens the attendance confirmation (the requested
delegation is there, with a blank row), adds a row with "Tambah baris", sends it once with the
regional head said to attend but nobody ticked (refused, nothing typed is lost), then correctly;
prints the confirmation letter with its QR code; and after the session was held rates it, first
without choosing the scores. Each result is read back from the database.
"""

import re
from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import select

from app.attendance.models import AttendanceConfirmation
from app.domain.states import RequestState
from app.extensions import db
from app.requests.models import ConsultationRequest
from app.satisfaction.models import SatisfactionRating
from tests import factories
from tests.attendance import helpers
from tests.e2e.helpers import fresh, login, shot, submit, summary_has_focus

pytestmark = pytest.mark.e2e

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


def _names(page) -> list[str]:
    return [page.input_value(f"#guests-{i}-name") for i in range(page.locator("[data-guest-row]").count())]


def test_pemda_confirms_prints_and_rates(app, live_server, browser_page):
    page = browser_page
    with time_machine.travel(helpers.INSIDE, tick=True) as traveller:
        operator = factories.pemda_user(
            factories.BREBES, name="Operator Brebes", email="operator@brebeskab.go.id"
        )
        req = helpers.scheduled(operator, guests=2)
        db.session.commit()
        login(page, live_server, operator.email)

        page.click(f"main .d-md-none a:has-text('{req.reference}')")
        page.wait_for_url(re.compile(rf".*/permohonan/{req.id}$"))
        _invite(page, req)
        _confirm(page, req)
        _letter(page, req)

        row = fresh(ConsultationRequest, req.id)
        row.state = RequestState.HELD  # the front desk checked them in (their own journey)
        db.session.commit()
        traveller.move_to(helpers.START + timedelta(hours=3))
        _rate(page, live_server, req)


def _invite(page, req: ConsultationRequest) -> None:
    with page.expect_download() as caught:
        page.click("main a:has-text('Unduh undangan kalender (.ics)')")
    download = caught.value
    assert download.suggested_filename.endswith(".ics")
    with open(download.path(), encoding="utf-8") as fh:
        calendar = fh.read()
    assert "BEGIN:VCALENDAR" in calendar and "DTSTART" in calendar
    assert req.booking_code_display in calendar


def _confirm(page, req: ConsultationRequest) -> None:
    page.click("main a:has-text('Konfirmasi kehadiran')")
    page.wait_for_url(re.compile(rf".*/permohonan/{req.id}/konfirmasi-kehadiran$"))
    assert _names(page) == ["Tamu 1", "Tamu 2", ""]  # the requested delegation, and a blank row
    page.fill("#guests-0-name", "Drs. H. Idza Priyanti")
    page.fill("#guests-0-title", "Bupati Brebes")
    page.click("main button:has-text('Tambah baris')")
    page.wait_for_selector("#guests-3-name")
    assert _names(page) == ["Drs. H. Idza Priyanti", "Tamu 2", "", ""]  # as typed, one row more
    assert page.evaluate("document.activeElement.id") == "guests-3-name"
    assert db.session.scalars(select(AttendanceConfirmation)).first() is None

    page.fill("#guests-1-name", "Endang Susilowati")  # instead of Tamu 2; row 3 stays blank
    page.fill("#guests-1-title", "Kepala Bidang Anggaran BPKAD")
    page.fill("#guests-3-name", "Ahmad Rifai")
    page.fill("#guests-3-title", "Kepala Subbidang DAU")
    page.get_by_label("Ya, kepala daerah hadir").check()  # but nobody is ticked
    submit(page, "main form button.btn-primary:has-text('Simpan konfirmasi')")
    summary_has_focus(page, "Kepala daerah dinyatakan hadir: tandai kepala daerah pada daftar delegasi.")
    assert db.session.scalars(select(AttendanceConfirmation)).first() is None
    assert page.input_value("#guests-3-name") == "Ahmad Rifai"
    shot(page, "pemda-attendance-error-phone")

    page.check("#guests-0-is_regional_head")
    submit(
        page, "main form button.btn-primary:has-text('Simpan konfirmasi')", url=rf".*/permohonan/{req.id}$"
    )
    assert "Kehadiran dikonfirmasi" in page.inner_text("main")
    db.session.expire_all()
    confirmation = db.session.scalars(select(AttendanceConfirmation)).one()
    assert confirmation.regional_head_attends
    assert [(g.name, g.is_regional_head) for g in confirmation.guests] == [
        ("Drs. H. Idza Priyanti", True),
        ("Endang Susilowati", False),
        ("Ahmad Rifai", False),
    ]
    assert fresh(ConsultationRequest, req.id).state == RequestState.CONFIRMED
    shot(page, "pemda-attendance-confirmed-phone")


def _letter(page, req: ConsultationRequest) -> None:
    page.click("main a:has-text('Cetak konfirmasi jadwal')")
    page.wait_for_url(re.compile(rf".*/permohonan/{req.id}/konfirmasi-jadwal$"))
    letter = page.inner_text("main")
    assert "konfirmasi jadwal konsultasi" in letter.lower() and "Bupati Brebes" in letter
    assert req.booking_code_display in letter and "Ahmad Rifai" in letter
    assert page.locator("main svg").count() >= 1  # the QR code, inline
    shot(page, "pemda-confirmation-letter-phone")
    page.set_viewport_size(DESKTOP)
    shot(page, "pemda-confirmation-letter-desktop")
    page.set_viewport_size(PHONE)


def _rate(page, base: str, req: ConsultationRequest) -> None:
    page.goto(f"{base}/permohonan/{req.id}")
    page.click("main a:has-text('Beri penilaian')")
    page.wait_for_url(re.compile(rf".*/permohonan/{req.id}/penilaian$"))
    page.fill("#comment", "Penjelasan jelas dan tuntas.")
    submit(page, "main form button[type=submit]")  # no scores chosen
    summary_has_focus(
        page, "Pilih nilai pelayanan, 1 sampai 5.", "Pilih nilai substansi jawaban, 1 sampai 5."
    )
    assert db.session.scalars(select(SatisfactionRating)).first() is None
    assert page.input_value("#comment") == "Penjelasan jelas dan tuntas."

    page.click("label[for=service_score-4]")  # 5
    page.click("label[for=substance_score-3]")  # 4
    submit(page, "main form button[type=submit]", url=rf".*/permohonan/{req.id}$")
    assert "Pelayanan: 5 dari 5" in page.inner_text("main")
    rating = db.session.scalars(select(SatisfactionRating)).one()
    assert (rating.service_score, rating.substance_score) == (5, 4)
    assert rating.comment == "Penjelasan jelas dan tuntas."
    page.goto(f"{base}/permohonan/{req.id}/penilaian")
    assert "sudah dinilai" in page.inner_text("main")
    shot(page, "pemda-rated-phone")
