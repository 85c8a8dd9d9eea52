"""Login sessions in Debian's chromium: a Pemda operator logged in on two browsers sees both
on her account page, ends the other one from there, and the other browser is logged out."""

import pytest
from sqlalchemy import select

from app.auth.sessions import UserSession
from app.extensions import db
from tests import factories
from tests.e2e.conftest import PHONE
from tests.e2e.helpers import login, shot, submit

pytestmark = pytest.mark.e2e


def _open_rows(user_id: int) -> list[UserSession]:
    db.session.expire_all()
    query = select(UserSession).where(UserSession.user_id == user_id, UserSession.ended_at.is_(None))
    return list(db.session.scalars(query))


def test_ending_the_other_sessions_logs_the_other_browser_out(app, live_server, browser_page, chromium):
    user = factories.pemda_user()
    db.session.commit()
    page = browser_page
    login(page, live_server, user.email)

    other_context = chromium.new_context(viewport=PHONE, locale="id-ID")
    try:
        other = other_context.new_page()
        login(other, live_server, user.email)
        assert len(_open_rows(user.id)) == 2

        page.goto(f"{live_server}/akun")
        sessions = page.locator("#daftar-sesi li")
        assert sessions.count() == 2
        assert page.locator("#daftar-sesi li:has-text('Perangkat ini')").count() == 1
        assert "127.0.0.1" in page.inner_text("#daftar-sesi")
        shot(page, "account-sessions-phone")
        submit(page, "form[action$='/akun/sesi/akhiri-lainnya'] [type=submit]", url=r".*/akun$")
        assert "Sesi di perangkat lain telah diakhiri." in page.inner_text("main")
        assert page.locator("#daftar-sesi li").count() == 1
        (kept,) = _open_rows(user.id)

        other.goto(f"{live_server}/akun")
        assert "/masuk" in other.url
        assert "Sesi Anda telah berakhir. Silakan masuk lagi." in other.inner_text("main")
        page.goto(f"{live_server}/akun")
        assert "/akun" in page.url  # this browser goes on
        assert [row.id for row in _open_rows(user.id)] == [kept.id]
    finally:
        other_context.close()
