"""The Pemda's side of a session in Debian's chromium (phone-sized): it confirms the final
delegation with the regional head attending, prints the confirmation letter with its QR code,
and after the session was held gives its rating, once."""

import re
from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import select

from app.attendance.models import AttendanceConfirmation
from app.domain.states import RequestState
from app.extensions import db
from app.satisfaction.models import SatisfactionRating
from tests import factories
from tests.attendance import helpers
from tests.e2e.conftest import ARTIFACTS

pytestmark = pytest.mark.e2e


def _login(page, base, user):
    page.goto(f"{base}/masuk")
    page.fill("#email", user.email)
    page.fill("#password", factories.PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r".*/permohonan/$"))


def test_pemda_confirms_prints_and_rates(app, live_server, browser_page, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    page = browser_page
    with time_machine.travel(helpers.INSIDE, tick=True) as traveller:
        operator = factories.pemda_user(
            factories.BREBES, name="Operator Brebes", email="operator@brebeskab.go.id"
        )
        req = helpers.scheduled(operator, guests=2)
        db.session.commit()
        _login(page, live_server, operator)

        page.goto(f"{live_server}/permohonan/{req.id}")
        page.click("text=Konfirmasi kehadiran")
        page.wait_for_url(re.compile(rf".*/permohonan/{req.id}/konfirmasi-kehadiran$"))
        page.fill("#guests-0-name", "Drs. H. Idza Priyanti")
        page.fill("#guests-0-title", "Bupati Brebes")
        page.check("#guests-0-is_regional_head")
        page.fill("#guests-1-name", "Endang Susilowati")
        page.fill("#guests-1-title", "Kepala Bidang Anggaran BPKAD")
        page.fill("#guests-2-name", "")
        page.check("input[name=regional_head_attends][value=ya]")
        page.click("main form button[type=submit]")
        page.wait_for_url(re.compile(rf".*/permohonan/{req.id}$"))
        assert "Kehadiran dikonfirmasi" in page.inner_text("main")
        page.screenshot(path=str(ARTIFACTS / "pemda-attendance-confirmed.png"), full_page=True)

        page.click("text=Cetak konfirmasi jadwal")
        page.wait_for_url(re.compile(rf".*/permohonan/{req.id}/konfirmasi-jadwal$"))
        letter = page.inner_text("main")
        assert "konfirmasi jadwal konsultasi" in letter.lower() and "Bupati Brebes" in letter
        assert req.booking_code_display in letter
        assert page.locator("main svg").count() >= 1  # the QR code, inline
        page.screenshot(path=str(ARTIFACTS / "pemda-confirmation-letter.png"), full_page=True)

        db.session.expire_all()
        confirmation = db.session.scalars(select(AttendanceConfirmation)).one()
        assert confirmation.regional_head_attends and [g.name for g in confirmation.guests] == [
            "Drs. H. Idza Priyanti",
            "Endang Susilowati",
        ]

        req = db.session.get(type(req), req.id)
        req.state = RequestState.HELD
        traveller.move_to(helpers.START + timedelta(hours=3))
        db.session.commit()
        page.goto(f"{live_server}/permohonan/{req.id}")
        page.click("text=Beri penilaian")
        page.click("label[for=service_score-4]")  # 5
        page.click("label[for=substance_score-3]")  # 4
        page.fill("#comment", "Penjelasan jelas dan tuntas.")
        page.click("main form button[type=submit]")
        page.wait_for_url(re.compile(rf".*/permohonan/{req.id}$"))
        assert "Pelayanan: 5 dari 5" in page.inner_text("main")
        page.goto(f"{live_server}/permohonan/{req.id}/penilaian")
        assert "sudah dinilai" in page.inner_text("main")
        page.screenshot(path=str(ARTIFACTS / "pemda-rated.png"), full_page=True)
        rating = db.session.scalars(select(SatisfactionRating)).one()
        assert (rating.service_score, rating.substance_score) == (5, 4)
