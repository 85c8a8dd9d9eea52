"""A Pemda operator's account, from registration to a forgotten password, in Debian's chromium.

She registers (first with a mistake), tries to log in before verifying (first with a wrong
password), asks for a new verification link (first with a broken address), meets a broken
link, verifies with the newest link and is told DJPK has not activated her yet. DJPK's
administrator activates her; she logs in, changes her password (first with a wrong current
one), sets the language on her account page and with the navbar switch, logs out, and resets a
forgotten password through the emailed link (first with two passwords that differ). Each result
is read back from the database.
"""

import re

import pytest
from sqlalchemy import select

from app.auth.models import Role, User
from app.auth.passwords import verify_password
from app.extensions import db
from app.outbox.models import OutboxMessage
from tests import factories
from tests.e2e.helpers import fresh, login, logout, shot, submit, summary_has_focus

pytestmark = pytest.mark.e2e

EMAIL = "bpkad@brebeskab.go.id"
FIRST, SECOND, THIRD = "Brebes-Bersinar-2026", "Telur Asin Brebes 2027", "Bawang Merah Brebes 28"
DESKTOP = {"width": 1366, "height": 900}


def _link(kind: str, path: str) -> str:
    """The link in the newest email of `kind` sent to EMAIL."""
    db.session.expire_all()
    rows = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)
    )
    mails = [m for m in rows if EMAIL in m.recipients]
    assert mails, f"no {kind} email"
    match = re.search(rf"https?://\S*{path}\S*", mails[-1].text_body)
    assert match, mails[-1].text_body
    return match.group(0)


def _mails(kind: str) -> int:
    db.session.expire_all()
    return sum(
        1
        for m in db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind))
        if EMAIL in m.recipients
    )


def _user() -> User:
    db.session.expire_all()
    return db.session.scalars(select(User).where(User.email == EMAIL)).one()


def _navbar(page) -> None:
    """Opens the collapsed menu of a phone-sized page."""
    if page.is_visible("nav button.navbar-toggler"):
        page.click("nav button.navbar-toggler")
        page.wait_for_selector("#nav.show")


def _log_in(page, password: str) -> None:
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Kata sandi").fill(password)
    submit(page, "main form button[type=submit]")


def test_pemda_account_from_registration_to_password_reset(app, live_server, browser_page):
    page = browser_page
    _register(page, live_server)
    _verify(page, live_server)
    _activated_login(page, live_server)
    _account(page)
    _languages(page)
    _forgotten_password(page)


def _register(page, base: str) -> None:
    page.goto(f"{base}/masuk")
    _navbar(page)
    page.click("nav a:has-text('Daftar')")
    page.wait_for_url(re.compile(r".*/daftar$"))
    page.get_by_label("Nama lengkap").fill("Siti Rahmawati")
    page.get_by_label("Nomor telepon/WhatsApp").fill("0812 3456 7890")
    page.get_by_label("Email kantor").fill(EMAIL)
    page.get_by_label("Pemerintah Daerah (Pemda)").check()
    page.get_by_label("Kata sandi", exact=True).fill(FIRST)
    page.get_by_label("Ulangi kata sandi").fill(FIRST + "!")
    submit(page)  # no region, the passwords differ
    summary_has_focus(page, "Daerah", "Pilih daerah Anda.", "Kedua kata sandi tidak sama.")
    assert db.session.scalars(select(User).where(User.email == EMAIL)).first() is None
    assert page.input_value("#name") == "Siti Rahmawati"  # kept as typed
    shot(page, "pemda-register-errors-phone")

    page.select_option("#region_id", label="Kab. Brebes")
    page.get_by_label("Kata sandi", exact=True).fill(FIRST)
    page.get_by_label("Ulangi kata sandi").fill(FIRST)
    submit(page, url=r".*/daftar/terkirim$")
    assert "Periksa email Anda" in page.inner_text("main h1")
    user = _user()
    assert user.region.display_name == "Kab. Brebes" and user.phone == "081234567890"
    assert user.email_verified_at is None and user.activated_at is None
    assert _mails("auth/verify_email") == 1


def _verify(page, base: str) -> None:
    page.goto(f"{base}/masuk")
    _log_in(page, "kata sandi yang keliru")
    summary_has_focus(page, "Email atau kata sandi salah.")
    assert page.input_value("#email") == EMAIL
    _log_in(page, FIRST)  # the right password: told to verify first
    summary_has_focus(page, "Email Anda belum diverifikasi.")
    page.click("main a:has-text('Kirim ulang tautan verifikasi')")
    page.wait_for_url(re.compile(r".*/verifikasi-email/kirim-ulang$"))
    page.get_by_label("Email").fill("bpkad@brebeskab")
    submit(page)
    summary_has_focus(page, "Alamat email tidak valid.")
    assert _mails("auth/verify_email") == 1
    page.get_by_label("Email").fill(EMAIL)
    submit(page, url=r".*/masuk$")
    assert "kami telah mengirim tautan verifikasi yang baru" in page.inner_text("main")
    assert _mails("auth/verify_email") == 2

    page.goto(f"{base}/verifikasi-email/tautan-yang-terpotong")  # a link cut by the mail program
    assert "Tautan verifikasi tidak berlaku" in page.inner_text("main h1")
    assert _user().email_verified_at is None
    page.goto(_link("auth/verify_email", "/verifikasi-email/"))
    assert "Email terverifikasi" in page.inner_text("main h1")
    assert "DJPK memeriksa pendaftaran Anda" in page.inner_text("main")
    assert _user().email_verified_at is not None

    page.goto(f"{base}/masuk")
    _log_in(page, FIRST)
    summary_has_focus(page, "Akun Anda sedang menunggu aktivasi oleh DJPK.")


def _activated_login(page, base: str) -> None:
    admin = factories.user(Role.ADMIN, name="Admin DJPK", email="admin@djpk.go.id")
    db.session.commit()
    login(page, base, admin.email)
    _navbar(page)
    page.click("nav a:has-text('Pendaftaran')")
    page.wait_for_url(re.compile(r".*/admin/pendaftaran$"))
    card = page.locator("main .card", has_text="Siti Rahmawati")
    submit(page, "main .card:has-text('Siti Rahmawati') button:has-text('Aktifkan')")
    assert "telah diaktifkan" in page.inner_text("main")
    assert _user().activated_at is not None
    assert card.count() == 0  # no longer waiting
    logout(page)

    _log_in(page, FIRST)
    page.wait_for_url(re.compile(r".*/permohonan/$"))
    assert "Permohonan Saya" in page.inner_text("main h1")
    assert _user().last_login_at is not None


def _account(page) -> None:
    _navbar(page)
    page.click("nav a.nav-user")
    page.wait_for_url(re.compile(r".*/akun$"))
    assert "Siti Rahmawati" in page.inner_text("main")
    page.get_by_label("Kata sandi saat ini").fill("bukan kata sandi saya")
    page.get_by_label("Kata sandi baru", exact=True).fill(SECOND)
    page.get_by_label("Ulangi kata sandi baru").fill(SECOND)
    submit(page, "main form:has(#pw-current_password) [type=submit]")
    summary_has_focus(page, "Kata sandi saat ini salah.")
    assert verify_password(_user().password_hash, FIRST)
    shot(page, "pemda-account-error-phone")

    page.get_by_label("Kata sandi saat ini").fill(FIRST)
    page.get_by_label("Kata sandi baru", exact=True).fill(SECOND)
    page.get_by_label("Ulangi kata sandi baru").fill(SECOND)
    submit(page, "main form:has(#pw-current_password) [type=submit]", url=r".*/akun$")
    assert "Kata sandi berhasil diganti." in page.inner_text("main")
    assert verify_password(_user().password_hash, SECOND)


def _languages(page) -> None:
    page.get_by_label("English").check()
    submit(page, "main form:has(#lang-locale-0) [type=submit]", url=r".*/akun$")
    assert page.get_attribute("html", "lang") == "en"
    assert _user().locale == "en"
    page.set_viewport_size(DESKTOP)
    shot(page, "pemda-account-english-desktop")
    page.set_viewport_size({"width": 390, "height": 844})

    # The navbar switch, back to Indonesian and to English again, on the page shown.
    for language, label in (("id", "Bahasa Indonesia"), ("en", "English"), ("id", "Bahasa Indonesia")):
        _navbar(page)
        submit(page, f"nav form[action$='/bahasa/{language}'] button:has-text('{label}')", url=r".*/akun$")
        assert page.get_attribute("html", "lang") == language
    assert "Akun saya" in page.inner_text("main h1")

    page.get_by_label("Bahasa Indonesia").check()
    submit(page, "main form:has(#lang-locale-0) [type=submit]", url=r".*/akun$")
    assert "Pilihan bahasa tersimpan." in page.inner_text("main")
    assert _user().locale == "id"


def _forgotten_password(page) -> None:
    logout(page)
    assert "Anda telah keluar." in page.inner_text("main")
    page.click("main a:has-text('Lupa kata sandi?')")
    page.wait_for_url(re.compile(r".*/lupa-kata-sandi$"))
    submit(page)  # nothing typed
    summary_has_focus(page, "Isi alamat email.")
    page.get_by_label("Email").fill(EMAIL)
    submit(page, url=r".*/masuk$")
    assert "kami telah mengirim tautan untuk mengatur ulang kata sandi" in page.inner_text("main")

    page.goto(_link("auth/reset_password", "/atur-ulang-kata-sandi/"))
    page.get_by_label("Kata sandi baru", exact=True).fill(THIRD)
    page.get_by_label("Ulangi kata sandi baru").fill(THIRD.lower())
    submit(page)
    summary_has_focus(page, "Kedua kata sandi tidak sama.")
    assert verify_password(_user().password_hash, SECOND)
    page.get_by_label("Kata sandi baru", exact=True).fill(THIRD)
    page.get_by_label("Ulangi kata sandi baru").fill(THIRD)
    submit(page, url=r".*/masuk$")
    assert "Kata sandi baru tersimpan." in page.inner_text("main")
    assert verify_password(fresh(User, _user().id).password_hash, THIRD)

    _log_in(page, THIRD)
    page.wait_for_url(re.compile(r".*/permohonan/$"))
    logout(page)
