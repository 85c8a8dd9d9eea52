"""Logging in: the refusals, the redirect after login, the audit record."""

import pytest
from sqlalchemy import select

from app.auth.models import Role, User
from app.core.audit import AuditLog
from app.core.clock import now_utc
from app.extensions import db
from tests import factories


def test_login_succeeds_and_records_it(client, auth):
    user = factories.pemda_user()
    db.session.commit()
    response = auth.login(user)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    fresh = db.session.get(User, user.id)
    assert fresh.last_login_at is not None
    entry = db.session.scalars(select(AuditLog).where(AuditLog.action == "auth.login")).one()
    assert entry.actor_id == user.id
    with client.session_transaction() as sess:
        assert sess["_user_id"] == f"{user.id}:{user.session_version}"


def test_email_is_matched_whatever_its_case(client):
    factories.user(Role.RECEPTIONIST, email="resepsionis@kemenkeu.go.id")
    db.session.commit()
    response = client.post(
        "/masuk", data={"email": " Resepsionis@KEMENKEU.go.id", "password": factories.PASSWORD}
    )
    assert response.status_code == 302


@pytest.mark.parametrize("email", ["known", "unknown"])
def test_wrong_credentials_get_one_generic_answer(client, email):
    user = factories.pemda_user()
    db.session.commit()
    address = user.email if email == "known" else "tidak.ada@example.go.id"
    response = client.post("/masuk", data={"email": address, "password": "bukan kata sandinya"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Email atau kata sandi salah." in html
    assert db.session.get(User, user.id).last_login_at is None
    with client.session_transaction() as sess:
        assert "_user_id" not in sess


@pytest.mark.parametrize(
    ("state", "message"),
    [
        ({"verified": False, "active": False}, "Email Anda belum diverifikasi."),
        ({"verified": True, "active": False}, "Akun Anda sedang menunggu aktivasi oleh DJPK."),
        ({"deactivated_at": "now"}, "Akun Anda telah dinonaktifkan."),
    ],
)
def test_account_state_is_told_to_whoever_knows_the_password(client, auth, state, message):
    if state.get("deactivated_at"):
        state = {"deactivated_at": now_utc()}
    user = factories.pemda_user(**state)
    db.session.commit()
    response = auth.login(user)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    with client.session_transaction() as sess:
        assert "_user_id" not in sess
    # With a wrong password nothing about the account is revealed.
    wrong = auth.login(user, password="bukan kata sandinya").get_data(as_text=True)
    assert message not in wrong
    assert "Email atau kata sandi salah." in wrong


def test_unverified_refusal_links_to_a_new_verification_email(client, auth):
    user = factories.pemda_user(verified=False, active=False)
    db.session.commit()
    assert 'href="/verifikasi-email/kirim-ulang"' in auth.login(user).get_data(as_text=True)


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/akun", "/akun"),
        ("/akun?tab=1", "/akun?tab=1"),
        ("//evil.example/akun", "/"),
        ("https://evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
        ("", "/"),
    ],
)
def test_next_goes_only_to_same_site_paths(client, target, expected):
    user = factories.user(Role.RECEPTIONIST)
    db.session.commit()
    response = client.post(
        "/masuk", query_string={"next": target}, data={"email": user.email, "password": factories.PASSWORD}
    )
    # The target is kept through the code step (a staff member has a second factor).
    assert response.headers["Location"] == "/masuk/kode"
    response = factories.pass_code_step(client, response, user.email)
    assert response.status_code == 302
    assert response.headers["Location"] == expected


def test_login_page_is_in_indonesian_with_links(client):
    html = client.get("/masuk").get_data(as_text=True)
    assert "Lupa kata sandi?" in html
    assert 'href="/daftar"' in html


def test_logged_in_user_skips_the_login_page(client, auth):
    user = factories.user(Role.RECEPTIONIST)
    db.session.commit()
    auth.login(user)
    response = client.get("/masuk")
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_login_redirect_reaches_the_role_home(client, auth):
    user = factories.user(Role.RECEPTIONIST)
    db.session.commit()
    response = client.post("/masuk", data={"email": user.email, "password": factories.PASSWORD})
    target = factories.pass_code_step(client, response, user.email).headers["Location"]
    response = client.get(target, follow_redirects=True)
    assert response.status_code == 200
    assert user.name in response.get_data(as_text=True)
