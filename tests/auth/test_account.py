"""The profile page: change password (current one required) and preferred language."""

from sqlalchemy import select

from app.auth.models import Role, User
from app.core.audit import AuditLog
from app.extensions import db
from tests import factories

NEW = "gedung radius prawiro lantai sembilan"


def _change(client, current, new, confirm=None):
    return client.post(
        "/akun",
        data={
            "pw-current_password": current,
            "pw-password": new,
            "pw-confirm": confirm if confirm is not None else new,
            "pw-submit": "Ganti kata sandi",
        },
    )


def _login(auth, role=Role.RECEPTIONIST, **kwargs) -> User:
    user = factories.user(role, **kwargs)
    db.session.commit()
    auth.login(user)
    return user


def test_account_page_needs_login(client):
    response = client.get("/akun")
    assert response.status_code == 302
    assert response.headers["Location"] == "/masuk?next=%2Fakun"


def test_account_page_shows_the_user(client, auth):
    user = _login(auth, name="Rina Resepsionis")
    html = client.get("/akun").get_data(as_text=True)
    assert "Rina Resepsionis" in html and user.email in html
    assert "Ganti kata sandi" in html and "Bahasa tampilan" in html


def test_wrong_current_password_changes_nothing(client, auth):
    user = _login(auth)
    html = _change(client, "bukan kata sandinya", NEW).get_data(as_text=True)
    assert "Kata sandi saat ini salah." in html
    assert db.session.get(User, user.id).session_version == 1


def test_new_password_follows_the_rules(client, auth):
    _login(auth)
    assert "terlalu umum" in _change(client, factories.PASSWORD, "password123").get_data(as_text=True)
    assert "minimal 8 karakter" in _change(client, factories.PASSWORD, "pendek").get_data(as_text=True)
    assert "tidak sama" in _change(client, factories.PASSWORD, NEW, NEW + "x").get_data(as_text=True)


def test_change_password_keeps_this_session_and_ends_the_others(app, client, auth):
    user = _login(auth)
    elsewhere = app.test_client()
    factories.pass_code_step(
        elsewhere,
        elsewhere.post("/masuk", data={"email": user.email, "password": factories.PASSWORD}),
        user.email,
    )
    assert elsewhere.get("/akun").status_code == 200

    response = _change(client, factories.PASSWORD, NEW)
    assert response.status_code == 302 and response.headers["Location"] == "/akun"
    assert "Kata sandi berhasil diganti." in client.get("/akun").get_data(as_text=True)
    assert elsewhere.get("/akun").status_code == 302
    assert db.session.get(User, user.id).session_version == 2
    assert db.session.scalars(select(AuditLog).where(AuditLog.action == "auth.password_change")).one()
    client.post("/keluar")
    assert client.post("/masuk", data={"email": user.email, "password": NEW}).status_code == 302


def test_language_choice_is_stored_and_applied(client, auth):
    user = _login(auth)
    response = client.post("/akun", data={"lang-locale": "en", "lang-submit": "Simpan bahasa"})
    assert response.status_code == 302
    assert db.session.get(User, user.id).locale == "en"
    with client.session_transaction() as sess:
        assert sess["lang"] == "en"
    entry = db.session.scalars(select(AuditLog).where(AuditLog.action == "auth.locale_change")).one()
    assert entry.after == {"locale": "en"}


def test_stored_language_applies_at_next_login(client, auth):
    user = _login(auth, locale="en")
    with client.session_transaction() as sess:
        assert "lang" not in sess
    assert '<html lang="en">' in client.get("/akun").get_data(as_text=True)
    assert user.locale == "en"


def test_unknown_language_is_refused(client, auth):
    user = _login(auth)
    html = client.post("/akun", data={"lang-locale": "fr", "lang-submit": "x"}).get_data(as_text=True)
    assert "Pilih bahasa." in html
    assert db.session.get(User, user.id).locale is None
