"""The 503 page a person sees while the database is away (app/core/unavailable.py), in
Chromium at phone and desktop width, checked by axe-core and the Nu HTML Checker like every
page: a page they were reading, then a form they sent. The real outage is
tests/production/test_database_outage.py; here the server thread's user lookup fails as it
does when PostgreSQL is down."""

from sqlalchemy import exc as sa_exc

from app.auth import sessions
from app.auth.models import User
from app.extensions import db
from tests import factories
from tests.e2e.conftest import DESKTOP, PHONE
from tests.e2e.helpers import fresh, login, shot


def _database_gone(*_args, **_kwargs):
    raise sa_exc.OperationalError("SELECT", {}, Exception("connection refused"))


def test_a_person_sees_the_unavailable_page_and_is_told_the_form_was_not_saved(
    app, live_server, browser_page, monkeypatch
):
    page = browser_page
    operator = factories.pemda_user(factories.BREBES, email="operator@brebeskab.go.id")
    db.session.commit()
    login(page, live_server, operator.email)
    page.goto(f"{live_server}/akun")
    page.check("input[name='lang-locale'][value='en']")

    # The database goes away while the form is open; it is sent all the same.
    monkeypatch.setattr(sessions, "load", _database_gone)
    with page.expect_navigation():
        page.click("input[name='lang-submit']")
    assert page.inner_text("h1") == "Layanan sedang tidak tersedia"
    assert "Formulir Anda belum tersimpan" in page.inner_text("main")
    assert fresh(User, operator.id).locale != "en"
    shot(page, "unavailable-form-phone")

    response = page.goto(f"{live_server}/permohonan/")
    assert response.status == 503
    assert page.get_attribute("main a.btn-primary", "href") == "/permohonan/"  # "Coba lagi"
    assert "belum tersimpan" not in page.inner_text("main")  # a page that only reads
    page.set_viewport_size(DESKTOP)
    shot(page, "unavailable-page-desktop")
    page.set_viewport_size(PHONE)

    monkeypatch.undo()  # the database is back: the same session works again
    with page.expect_navigation():
        page.click("main a.btn-primary")
    assert page.url == f"{live_server}/permohonan/" and "Permohonan" in page.inner_text("h1")
