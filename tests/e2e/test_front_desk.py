"""The front desk in Debian's chromium (tablet-sized): a receptionist finds today's visit by
typing its code, ticks 7 guests for a delegation confirmed with 5 under a limit of 5, marks
the regional head absent although confirmed present, and sees the two breaches recorded."""

import re
from datetime import datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from app.auth.models import Role
from app.compliance.models import Breach
from app.core.clock import WIB, now_utc
from app.extensions import db
from tests import factories
from tests.checkin import helpers
from tests.e2e.conftest import ARTIFACTS

pytestmark = pytest.mark.e2e


def test_receptionist_checks_in_a_delegation_and_sees_two_breaches(
    app, live_server, browser_page, monkeypatch
):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    # The session started a few minutes ago, today (WIB); the clock keeps running for the
    # browser, so the arrival time the page proposes is "now".
    today = now_utc().astimezone(WIB).date()
    start = datetime.combine(today, datetime.min.time(), WIB) + timedelta(hours=9)
    with time_machine.travel(start + timedelta(minutes=5), tick=True):
        receptionist = factories.user(
            Role.RECEPTIONIST, name="Rina Resepsionis", email="resepsionis@djpk.go.id"
        )
        operator = factories.pemda_user(factories.BREBES, name="Operator Brebes")
        req = helpers.session(operator, start=start, confirmed_guests=5, head_attends=True)
        db.session.commit()
        page = browser_page
        page.set_viewport_size({"width": 800, "height": 1280})

        page.goto(f"{live_server}/masuk")
        page.fill("#email", receptionist.email)
        page.fill("#password", factories.PASSWORD)
        page.click("main button[type=submit]")
        page.goto(f"{live_server}/resepsionis/")
        assert "Kab. Brebes" in page.inner_text("#today-sessions")
        page.screenshot(path=str(ARTIFACTS / "front-desk-today.png"), full_page=True)

        page.fill("#q", req.booking_code_display.lower())
        page.click("#desk-search button[type=submit]")
        page.wait_for_url(re.compile(rf".*/resepsionis/kunjungan/{req.id}$"))
        assert req.booking_code_display in page.inner_text("#booking-code")
        assert "Dikonfirmasi: Kepala Daerah hadir." in page.inner_text("main")

        boxes = page.locator("#guest-list input[name=present]")
        assert boxes.count() == 5
        for i in range(5):
            boxes.nth(i).check()
        names = page.locator("#extra-guests input[name=extra_name]")
        names.nth(0).fill("Ajudan Bupati")
        names.nth(1).fill("Sopir Dinas")
        assert page.inner_text("#present-count") == "7"
        page.click("label[for=regional_head_present-1]")  # "Tidak"
        page.screenshot(path=str(ARTIFACTS / "front-desk-checkin-form.png"), full_page=True)
        page.click("#checkin-form button[type=submit]")
        page.wait_for_url(re.compile(rf".*/resepsionis/kunjungan/{req.id}$"))

        breaches = page.locator("#pelanggaran .card")
        assert breaches.count() == 2
        text = page.inner_text("#pelanggaran")
        assert "Jumlah tamu melebihi batas" in text and "lebih 2 orang" in text
        assert "Informasi kehadiran Kepala Daerah tidak sesuai" in text
        assert "Kedatangan sudah dicatat" in page.inner_text("#already-checked-in")
        page.screenshot(path=str(ARTIFACTS / "front-desk-breaches.png"), full_page=True)

    db.session.expire_all()
    rows = db.session.scalars(select(Breach).order_by(Breach.type_code)).all()
    assert [(b.type_code, b.evidence.get("over")) for b in rows] == [
        ("guests_over_limit", 2),
        ("regional_head_invalid", None),
    ]
