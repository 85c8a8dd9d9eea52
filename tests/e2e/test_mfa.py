"""The second factor in Debian's chromium: a new coordinator enrols at the first login
(reads the key off the page and computes the code like an authenticator app), keeps the
recovery codes (and replaces them), logs in again with a code after a wrong one, and with a
recovery code that then works no more; a Pemda operator turns the factor on and off from the account page; an
administrator resets a lost factor (the email is queued) and, after 16 idle minutes,
confirms with the password and a code before changing a role. Each result is read back
from the database."""

import re
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
import time_machine
from sqlalchemy import select

from app.auth.models import Role, User
from app.core.audit import AuditLog
from app.extensions import db
from app.outbox.models import OutboxMessage
from tests import factories
from tests.e2e.helpers import fresh, login, logout, shot, submit, summary_has_focus

pytestmark = pytest.mark.e2e

NOW = datetime(2026, 6, 2, 3, 0, 5, tzinfo=UTC)  # Tuesday 2 June 2026, 10:00 WIB
STEP = timedelta(seconds=30)
WRONG = "Kode verifikasi salah, kedaluwarsa, atau sudah dipakai."


def _password(page, base: str, email: str) -> None:
    page.goto(f"{base}/masuk")
    page.fill("#email", email)
    page.fill("#password", factories.PASSWORD)
    submit(page)


def _actions(action: str) -> list[AuditLog]:
    db.session.expire_all()
    return db.session.scalars(select(AuditLog).where(AuditLog.action == action)).all()


def test_coordinator_enrols_then_uses_codes_and_a_recovery_code(live_server, browser_page):
    with time_machine.travel(NOW, tick=True) as traveller:
        user = factories.user(Role.COORDINATOR, name="Sri Wahyuni", email="sri@djpk.go.id", mfa=False)
        db.session.commit()
        page = browser_page
        _password(page, live_server, user.email)
        page.wait_for_url(re.compile(r".*/masuk/daftarkan-kode$"))
        assert page.locator("main svg.qr-code").count() == 1
        secret = page.inner_text("#kunci-rahasia").replace(" ", "")
        app_code = pyotp.TOTP(secret)
        shot(page, "mfa-enrol-phone")
        page.fill("#code", "12345")  # five digits
        submit(page)
        summary_has_focus(page, "Kode terdiri atas 6 angka.")
        assert not fresh(User, user.id).mfa_enabled
        page.fill("#code", app_code.now())
        submit(page)
        codes = [c.strip() for c in page.locator("#kode-pemulihan li").all_inner_texts()]
        assert len(codes) == 10
        shot(page, "mfa-recovery-codes-phone")
        assert fresh(User, user.id).mfa_enabled and len(_actions("security.mfa_enrolled")) == 1
        with page.expect_navigation():
            page.click("main a:has-text('lanjutkan')")
        assert "/masuk" not in page.url
        # The printout is lost: new recovery codes, the old ones stop working.
        traveller.shift(STEP)
        page.goto(f"{live_server}/akun")
        with page.expect_navigation():
            page.click("main a:has-text('Buat kode pemulihan baru')")
        page.fill("#code", app_code.now())
        submit(page)
        lost, codes = codes, [c.strip() for c in page.locator("#kode-pemulihan li").all_inner_texts()]
        assert len(codes) == 10 and not set(lost) & set(codes)
        assert len(_actions("security.recovery_codes_replaced")) == 1
        with page.expect_navigation():
            page.click("main a:has-text('lanjutkan')")
        logout(page)

        traveller.shift(STEP)
        _password(page, live_server, user.email)
        page.wait_for_url(re.compile(r".*/masuk/kode$"))
        page.fill("#code", "000000" if app_code.now() != "000000" else "111111")
        submit(page)
        summary_has_focus(page, WRONG)
        shot(page, "mfa-wrong-code-phone")
        page.fill("#code", app_code.now())
        submit(page)
        assert "/masuk" not in page.url
        logout(page)

        _password(page, live_server, user.email)
        page.fill("#code", codes[0])
        submit(page)
        assert "Sisa kode pemulihan: 9." in page.inner_text("main")
        assert len(_actions("security.recovery_code_used")) == 1
        logout(page)
        _password(page, live_server, user.email)
        page.fill("#code", codes[0])
        submit(page)
        summary_has_focus(page, WRONG)
        assert "/masuk/kode" in page.url


def test_pemda_turns_the_factor_on_and_off(live_server, browser_page):
    with time_machine.travel(NOW, tick=True) as traveller:
        operator = factories.pemda_user(
            factories.BREBES, name="Operator Brebes", email="operator@brebeskab.go.id"
        )
        db.session.commit()
        page = browser_page
        login(page, live_server, operator.email)
        page.goto(f"{live_server}/akun")
        with page.expect_navigation():
            page.click("main a:has-text('Aktifkan verifikasi dua langkah')")
        secret = page.inner_text("#kunci-rahasia").replace(" ", "")
        page.fill("#code", pyotp.TOTP(secret).now())
        submit(page)
        assert page.locator("#kode-pemulihan li").count() == 10
        with page.expect_navigation():
            page.click("main a:has-text('lanjutkan')")
        assert "Sisa kode pemulihan: 10." in page.inner_text("main")
        assert fresh(User, operator.id).mfa_enabled

        traveller.shift(STEP)
        with page.expect_navigation():
            page.click("main a:has-text('Matikan verifikasi dua langkah')")
        page.fill("#password", "bukan kata sandinya")
        page.fill("#code", pyotp.TOTP(secret).now())
        submit(page)
        summary_has_focus(page, "Kata sandi saat ini salah.")
        assert fresh(User, operator.id).mfa_enabled
        page.fill("#password", factories.PASSWORD)
        page.fill("#code", pyotp.TOTP(secret).now())
        submit(page, url=r".*/akun$")
        assert "Verifikasi dua langkah dimatikan." in page.inner_text("main")
        assert not fresh(User, operator.id).mfa_enabled


def test_admin_resets_a_factor_and_confirms_when_stale(live_server, browser_page):
    with time_machine.travel(NOW, tick=True) as traveller:
        admin = factories.user(Role.ADMIN, name="Admin DJPK", email="admin@djpk.go.id")
        staff = factories.user(Role.NARASUMBER, name="Budi Narasumber", email="budi@djpk.go.id")
        db.session.commit()
        page = browser_page
        login(page, live_server, admin.email)
        page.goto(f"{live_server}/admin/pengguna/{staff.id}")
        submit(
            page, "main button:has-text('Atur ulang verifikasi dua langkah')", url=rf".*/pengguna/{staff.id}$"
        )
        assert "diatur ulang" in page.inner_text("main")
        assert not fresh(User, staff.id).mfa_enabled
        (entry,) = _actions("security.mfa_reset")
        assert entry.actor_id == admin.id
        mail = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "auth/mfa_reset")).one()
        assert mail.recipients == ["budi@djpk.go.id"]

        # Sixteen minutes later the role change needs the password and a code again.
        traveller.shift(timedelta(minutes=16))
        page.goto(f"{live_server}/admin/pengguna/{staff.id}")
        page.wait_for_url(re.compile(r".*/masuk/konfirmasi\?next=.*"))
        shot(page, "mfa-reauth-phone")
        page.fill("#password", factories.PASSWORD)
        page.fill("#code", "000000" if factories.totp_code() != "000000" else "111111")
        submit(page)
        summary_has_focus(page, WRONG)
        page.fill("#password", factories.PASSWORD)
        page.fill("#code", factories.totp_code())
        submit(page, url=rf".*/admin/pengguna/{staff.id}$")
        assert len(_actions("security.reauth")) == 1
        page.select_option("#role", label="Koordinator")
        submit(page, "main form:has(input[name=name]) button[type=submit]", url=rf".*/pengguna/{staff.id}$")
        assert "Perubahan disimpan." in page.inner_text("main")
        assert fresh(User, staff.id).role == Role.COORDINATOR
