"""Anyone types a cancelled session's booking code into /verifikasi and is told it is
cancelled, in Debian's chromium (phone-sized); kept as a screenshot."""

import re

import pytest

from app.domain.states import RequestState
from app.extensions import db
from tests import factories
from tests.attendance.helpers import scheduled
from tests.e2e.conftest import ARTIFACTS

pytestmark = pytest.mark.e2e


def test_a_cancelled_session_shows_as_cancelled(app, live_server, browser_page, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    owner = factories.pemda_user(factories.BREBES, name="Siti Aminah", email="siti@brebeskab.go.id")
    req = scheduled(owner, state=RequestState.CANCELLED)
    db.session.commit()
    page = browser_page

    page.goto(f"{live_server}/masuk")
    page.click("nav button.navbar-toggler")
    page.click("nav a:has-text('Verifikasi Jadwal')")
    page.wait_for_url(re.compile(r".*/verifikasi$"))
    # Typed as people do: lower case, a space instead of the dash.
    page.fill("input[name=kode]", req.booking_code_display.lower().replace("-", " "))
    page.click("main button[type=submit]")
    result = page.locator("[data-result]")
    result.wait_for()
    assert result.get_attribute("data-result") == "cancelled"
    text = page.inner_text("main")
    assert "Dibatalkan" in text and "Kab. Brebes" in text and "Tatap muka" in text
    assert "DJPK tidak pernah memungut biaya" in text
    assert "Siti Aminah" not in text and "siti@brebeskab.go.id" not in text
    page.screenshot(path=str(ARTIFACTS / "verification-cancelled.png"), full_page=True)
