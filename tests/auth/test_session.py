"""Sessions: renewed at login, ended by logout (POST only) and by a new password; CSRF."""

import re

import pytest

from app.auth.models import Role
from app.extensions import db
from tests import factories
from tests.auth.conftest import link_in

CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


def _cookie(client) -> str | None:
    cookie = client.get_cookie("session")
    return cookie.value if cookie else None


def test_login_starts_a_new_session(client, auth):
    user = factories.user(Role.RECEPTIONIST)
    db.session.commit()
    with client.session_transaction() as sess:
        sess["planted"] = "by someone else"  # session fixation: a session handed to the victim
    before = _cookie(client)
    auth.login(user)
    assert _cookie(client) != before
    with client.session_transaction() as sess:
        assert "planted" not in sess
        assert sess["_user_id"] == f"{user.id}:1"


def test_chosen_language_survives_login_when_the_account_has_none(client, auth):
    user = factories.user(Role.RECEPTIONIST)
    db.session.commit()
    client.post("/bahasa/en", data={"next": "/masuk"})
    auth.login(user)
    with client.session_transaction() as sess:
        assert sess["lang"] == "en"


def test_logout_needs_post(client, auth):
    user = factories.user(Role.RECEPTIONIST)
    db.session.commit()
    auth.login(user)
    assert client.get("/keluar").status_code == 405
    assert client.get("/akun").status_code == 200
    response = auth.logout()
    assert response.status_code == 302 and response.headers["Location"] == "/masuk"
    with client.session_transaction() as sess:
        assert "_user_id" not in sess
    assert client.get("/akun").status_code == 302


def test_password_reset_ends_every_other_session(app, client, auth, outbox):
    user = factories.user(Role.RECEPTIONIST)
    db.session.commit()
    auth.login(user)
    stolen = app.test_client()
    stolen.set_cookie("session", _cookie(client))  # a copy of the cookie, e.g. on another device
    assert stolen.get("/akun").status_code == 200

    other = app.test_client()
    other.post("/lupa-kata-sandi", data={"email": user.email})
    link = link_in(outbox[-1], "/atur-ulang-kata-sandi/")
    new = "gedung radius prawiro lantai sembilan"
    assert other.post(link, data={"password": new, "confirm": new}).status_code == 302

    for device in (client, stolen):
        response = device.get("/akun")
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/masuk")


@pytest.fixture
def csrf_on(app):
    app.config["WTF_CSRF_ENABLED"] = True
    yield
    app.config["WTF_CSRF_ENABLED"] = False


def _token(html: str) -> str:
    match = CSRF.search(html)
    assert match, html
    return match.group(1) or match.group(2)


def test_csrf_is_enforced_on_login_when_enabled(client, csrf_on):
    user = factories.user(Role.RECEPTIONIST)
    db.session.commit()
    data = {"email": user.email, "password": factories.PASSWORD}
    assert client.post("/masuk", data=data).status_code == 400
    with client.session_transaction() as sess:
        assert "_user_id" not in sess
    token = _token(client.get("/masuk").get_data(as_text=True))
    assert client.post("/masuk", data={**data, "csrf_token": token}).status_code == 302


def test_csrf_is_enforced_on_logout_and_registration_when_enabled(client, auth, csrf_on, outbox):
    user = factories.user(Role.RECEPTIONIST)
    db.session.commit()
    token = _token(client.get("/masuk").get_data(as_text=True))
    client.post("/masuk", data={"email": user.email, "password": factories.PASSWORD, "csrf_token": token})
    token = _token(client.get("/masuk/kode").get_data(as_text=True))
    assert client.post("/masuk/kode", data={"code": factories.totp_code()}).status_code == 400
    client.post("/masuk/kode", data={"code": factories.totp_code(), "csrf_token": token})
    assert client.post("/keluar").status_code == 400
    assert client.get("/akun").status_code == 200  # still logged in
    token = _token(client.get("/akun").get_data(as_text=True))
    assert client.post("/keluar", data={"csrf_token": token}).status_code == 302
    assert client.post("/daftar", data={"email": "x@example.go.id"}).status_code == 400
    assert outbox == []
