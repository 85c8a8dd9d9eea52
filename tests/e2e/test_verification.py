"""Anyone checks an invitation at /verifikasi in Debian's chromium (phone-sized), without an
account: first with nothing typed, then a genuine session's code typed loosely, a cancelled
session's code, and a code DJPK never issued. Each look-up is read back from the log."""

import re
from datetime import datetime

import pytest
import time_machine
from sqlalchemy import select

from app.core.clock import WIB
from app.domain.policy import Mode
from app.domain.states import RequestState
from app.extensions import db
from app.verification.models import VerificationLookup
from tests import factories
from tests.attendance.helpers import scheduled
from tests.e2e.helpers import shot, submit

pytestmark = pytest.mark.e2e

NOW = datetime(2026, 12, 2, 14, 0, tzinfo=WIB)  # a week before the sessions
DESKTOP = {"width": 1366, "height": 900}


def _look_up(page, typed: str) -> str:
    page.fill("input[name=kode]", typed)
    submit(page, "main form button[type=submit]", url=r".*/verifikasi$")
    result = page.locator("[data-result]")
    result.wait_for()
    return result.get_attribute("data-result")


def _lookups() -> list[VerificationLookup]:
    db.session.expire_all()
    return list(db.session.scalars(select(VerificationLookup).order_by(VerificationLookup.id)))


def test_anyone_checks_genuine_cancelled_and_unknown_codes(app, live_server, browser_page):
    with time_machine.travel(NOW, tick=True):
        owner = factories.pemda_user(factories.BREBES, name="Siti Aminah", email="siti@brebeskab.go.id")
        genuine = scheduled(owner, mode=Mode.VC, state=RequestState.CONFIRMED)
        cancelled = scheduled(owner, state=RequestState.CANCELLED)
        db.session.commit()
        page = browser_page

        page.goto(f"{live_server}/masuk")
        page.click("nav button.navbar-toggler")
        page.click("nav a:has-text('Verifikasi Jadwal')")
        page.wait_for_url(re.compile(r".*/verifikasi$"))
        submit(page, "main form button[type=submit]")  # nothing typed
        summary = page.locator("#ringkasan-kesalahan")
        assert "Masukkan kode pemesanan." in summary.inner_text()
        assert page.evaluate("document.activeElement.id") == "ringkasan-kesalahan"
        assert _lookups() == []

        # Typed as people do: lower case, a space instead of the dash.
        assert _look_up(page, genuine.booking_code_display.lower().replace("-", " ")) == "genuine"
        text = page.inner_text("main")
        assert "Asli: jadwal ini terdaftar di DJPK" in text and "Video conference" in text
        assert "Kab. Brebes" in text and "Selasa, 8 Desember 2026" in text
        shot(page, "verification-genuine-phone")

        assert _look_up(page, cancelled.booking_code_display) == "cancelled"
        text = page.inner_text("main")
        assert "Dibatalkan" in text and "Kab. Brebes" in text and "Tatap muka" in text
        assert "DJPK tidak pernah memungut biaya" in text
        assert "Siti Aminah" not in text and "siti@brebeskab.go.id" not in text

        assert _look_up(page, "ABCDE-FGHJK") == "not_found"
        assert "Kode tidak ditemukan" in page.inner_text("main")
        assert "Kab. Brebes" not in page.inner_text("main [data-result]")
        page.set_viewport_size(DESKTOP)
        shot(page, "verification-not-found-desktop")

        assert [(row.result, row.request_id) for row in _lookups()] == [
            ("genuine", genuine.id),
            ("cancelled", cancelled.id),
            ("not_found", None),
        ]
