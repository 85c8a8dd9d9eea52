"""Under the Content-Security-Policy (app/core/headers.py) what used to be an inline handler
still works from static/js/app.js: the letter's print button. Chromium's console reports any
blocked inline script or style (tests/e2e/conftest.py turns each report into a finding)."""

import time_machine

from app.extensions import db
from tests import factories
from tests.attendance import helpers
from tests.e2e.helpers import login


def test_the_letter_prints_under_the_policy(app, live_server, browser_page):
    page = browser_page
    with time_machine.travel(helpers.INSIDE, tick=True):
        operator = factories.pemda_user(factories.BREBES, email="operator@brebeskab.go.id")
        req = helpers.scheduled(operator, guests=2)
        db.session.commit()
        login(page, live_server, operator.email)
        response = page.goto(f"{live_server}/permohonan/{req.id}/konfirmasi-jadwal")
        policy = response.headers["content-security-policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy
        assert response.headers["cache-control"] == "no-store"
        # The QR code's link and the address under it come from PUBLIC_URL (the live server).
        assert f"{live_server}/verifikasi" in page.inner_text("main figcaption")
        # A stand-in for the print dialog, which a headless browser does not show.
        page.evaluate("() => { window.print = () => { window.__printed = (window.__printed || 0) + 1; }; }")
        page.click("main button:has-text('Cetak')")
        assert page.evaluate("window.__printed") == 1
