"""An administrator reads the audit log in Debian's chromium: the menu leads to it, the chain
is reported intact, the filter form (who, action, WIB dates) shows only the matching rows,
the security view lists the refused access of a coordinator, and the older page follows."""

import re
from datetime import UTC, datetime

import pytest
import time_machine

from app.auth.models import Role
from app.core import audit
from app.extensions import db
from tests import factories
from tests.e2e.helpers import shot, submit

pytestmark = pytest.mark.e2e

NOW = datetime(2026, 12, 7, 3, 0, tzinfo=UTC)  # Monday 7 December 2026, 10:00 WIB


def _login(page, base: str, user) -> None:
    """The password, then the authenticator code when the app asks for it."""
    page.goto(f"{base}/masuk")
    page.fill("#email", user.email)
    page.fill("#password", factories.PASSWORD)
    submit(page)
    if "/masuk/kode" in page.url:
        factories.forget_last_code(user.email)
        page.fill("#code", factories.totp_code())
        submit(page)
    assert "/masuk" not in page.url, page.inner_text("main")


def test_admin_filters_the_audit_log(live_server, browser_page):
    with time_machine.travel(NOW, tick=True):
        admin = factories.user(Role.ADMIN, name="Admin DJPK", email="admin@djpk.go.id")
        budi = factories.user(Role.COORDINATOR, name="Budi Koordinator", email="budi@djpk.go.id")
        for n in range(55):
            audit.record(
                "topic.update", ("Topic", n), actor=admin, before={"name": f"T{n}"}, after={"name": f"U{n}"}
            )
        audit.record(
            "security.role_change",
            budi,
            actor=admin,
            before={"role": "receptionist"},
            after={"role": "coordinator"},
            at=datetime(2026, 12, 4, 2, 0, tzinfo=UTC),
        )
        audit.record(
            "security.forbidden",
            budi,
            actor=budi,
            after={"path": "/admin/pengguna"},
            at=datetime(2026, 12, 5, 2, 0, tzinfo=UTC),
        )
        db.session.commit()

        page = browser_page
        _login(page, live_server, admin)
        page.goto(f"{live_server}/admin/pengguna")
        if page.is_visible("nav button.navbar-toggler"):
            page.click("nav button.navbar-toggler")
        page.click("nav a.dropdown-toggle:has-text('Administrasi')")
        with page.expect_navigation():
            page.click("nav a.dropdown-item:has-text('Log audit')")
        assert re.search(
            r"Rantai audit utuh: \d+ baris terbaru diperiksa\.", page.inner_text("#status-rantai")
        )
        assert page.locator("#baris-audit > li").count() == 50
        with page.expect_navigation():
            page.click("main a:has-text('Lebih lama')")
        assert page.locator("#baris-audit > li").count() >= 7
        shot(page, "admin-audit-phone")

        page.goto(f"{live_server}/admin/audit")
        page.fill("#who", "budi")
        page.select_option("#action", label="Peran diubah")
        page.fill("#date_from", "2026-12-04")
        page.fill("#date_to", "2026-12-04")
        submit(
            page, "#saringan-audit button[type=submit]", url=r".*/admin/audit\?.*action=security\.role_change"
        )
        rows = page.locator("#baris-audit > li")
        assert rows.count() == 0  # the admin changed the role: Budi is the object, not the actor
        page.fill("#who", "Admin DJPK")
        submit(page, "#saringan-audit button[type=submit]")
        rows = page.locator("#baris-audit > li")
        assert rows.count() == 1
        text = rows.inner_text()
        assert "Peran diubah" in text and "Budi Koordinator" in text and "receptionist" in text
        assert "Jumat, 4 Desember 2026 09.00 WIB" in text

        page.click("main a:has-text('Peristiwa keamanan')")
        page.wait_for_url(re.compile(r".*view=keamanan"))
        page.select_option("#action", label="Akses ditolak")
        page.fill("#who", "")
        page.fill("#date_from", "")
        page.fill("#date_to", "")
        submit(
            page, "#saringan-audit button[type=submit]", url=r".*view=keamanan.*action=security\.forbidden"
        )
        rows = page.locator("#baris-audit > li")
        assert (
            rows.count() == 1
            and "Akses ditolak" in rows.inner_text()
            and "/admin/pengguna" in rows.inner_text()
        )
        page.set_viewport_size({"width": 1366, "height": 900})
        shot(page, "admin-audit-security-desktop")
