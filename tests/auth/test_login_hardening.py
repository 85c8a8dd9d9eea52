"""Login hardening: an attacker's failures do not lock the owner out but warn them once,
failures are audited, the account page's password check is limited, registration does the
same work for a taken email, and an expired form token gets a clear page."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from app.auth import services
from app.core.audit import AuditLog
from app.extensions import db
from app.outbox.models import OutboxMessage
from tests import factories
from tests.auth.conftest import registration

START = datetime(2026, 3, 2, 2, 0, 10, tzinfo=UTC)
WAIT = "Terlalu banyak percobaan. Silakan tunggu beberapa menit lalu coba lagi."
EXPIRED = "Formulir ini sudah kedaluwarsa. Muat ulang halaman lalu kirim lagi."
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


def _attempt(client, email, password="bukan kata sandinya", ip="127.0.0.1"):
    return client.post(
        "/masuk", data={"email": email, "password": password}, environ_overrides={"REMOTE_ADDR": ip}
    )


def _actions(action: str) -> list[AuditLog]:
    return list(db.session.scalars(select(AuditLog).where(AuditLog.action == action)))


def _lockout_mails(email: str) -> list[OutboxMessage]:
    rows = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "auth/lockout"))
    return [row for row in rows if email in row.recipients]


def test_owner_logs_in_from_another_address_after_an_attackers_failures_and_is_told_once(app, client):
    owner = factories.pemda_user()
    db.session.commit()
    attacker = app.test_client()
    with time_machine.travel(START, tick=False):
        for _ in range(10):
            assert _attempt(attacker, owner.email, ip="198.51.100.9").status_code == 200
        assert _lockout_mails(owner.email) == []  # nothing is locked yet
        for _ in range(3):
            assert _attempt(attacker, owner.email, ip="198.51.100.9").status_code == 429
        # The attacker's address is locked, for this account and for any other.
        assert _attempt(attacker, "lain@example.go.id", ip="198.51.100.9").status_code == 429
        response = _attempt(client, owner.email, factories.PASSWORD, ip="203.0.113.7")
        assert response.status_code == 302 and response.headers["Location"] == "/"
    (mail,) = _lockout_mails(owner.email)
    assert "percobaan masuk" in mail.subject.lower()
    assert "/lupa-kata-sandi" in mail.text_body
    (lockout,) = _actions("security.lockout")
    assert lockout.object_id == str(owner.id) and lockout.after["ip"] == "198.51.100.9"
    assert lockout.after["scope"] == "login-account-ip"
    failed = _actions("auth.login_failed")
    assert len(failed) == 10 and {row.ip for row in failed} == {"198.51.100.9"}


def test_a_new_lockout_window_warns_again(app):
    owner = factories.pemda_user()
    db.session.commit()
    attacker = app.test_client()
    with time_machine.travel(START, tick=False) as traveller:
        for _ in range(11):
            _attempt(attacker, owner.email, ip="198.51.100.9")
        traveller.shift(timedelta(minutes=5, seconds=1))
        for _ in range(11):
            _attempt(attacker, owner.email, ip="198.51.100.9")
    assert len(_lockout_mails(owner.email)) == 2


def test_an_address_trying_many_accounts_warns_nobody(app):
    users = [factories.pemda_user() for _ in range(11)]
    db.session.commit()
    attacker = app.test_client()
    for user in users:
        _attempt(attacker, user.email, ip="198.51.100.9")
    assert _attempt(attacker, users[0].email, ip="198.51.100.9").status_code == 429
    assert db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "auth/lockout")).all() == []


def test_failures_of_unknown_emails_keep_a_digest_never_the_typed_text(client):
    _attempt(client, "tidak.ada@example.go.id")
    _attempt(client, "Tidak.Ada@example.go.id ")
    _attempt(client, "Rahasia#Sandi2026")  # a password typed into the email field
    rows = db.session.scalars(
        select(AuditLog).where(AuditLog.action == "auth.login_failed").order_by(AuditLog.id)
    ).all()
    assert [(r.object_type, r.object_id, r.after["reason"]) for r in rows] == [
        ("User", "?", "unknown_email")
    ] * 3
    digests = [r.after["email_digest"] for r in rows]
    assert digests[0] == digests[1] != digests[2]  # the same name twice, then another
    stored = repr([(r.before, r.after, r.object_id) for r in rows])
    assert "tidak.ada" not in stored and "Rahasia" not in stored


def _change(client, current):
    new = "gedung radius prawiro lantai sembilan"
    return client.post(
        "/akun",
        data={"pw-current_password": current, "pw-password": new, "pw-confirm": new, "pw-submit": "x"},
    )


def test_wrong_current_passwords_on_the_account_page_are_limited(client, auth):
    user = factories.pemda_user()
    db.session.commit()
    auth.login(user)
    for _ in range(5):
        assert _change(client, "tebakan").status_code == 200
    response = _change(client, factories.PASSWORD)
    assert response.status_code == 429
    assert WAIT in response.get_data(as_text=True)
    assert client.get("/akun").status_code == 200  # the page itself is still shown


def test_a_right_current_password_is_not_counted(client, auth):
    user = factories.pemda_user()
    db.session.commit()
    auth.login(user)
    for _ in range(4):
        _change(client, "tebakan")
    assert _change(client, factories.PASSWORD).status_code == 302
    assert _change(client, "tebakan").status_code == 200  # the 5th failure


def test_registration_hashes_a_password_for_a_taken_email_too(client, monkeypatch):
    calls = []
    real = services.hash_password
    monkeypatch.setattr(services, "hash_password", lambda password: calls.append(password) or real(password))
    assert client.post("/daftar", data=registration()).status_code == 302
    assert len(calls) == 1
    assert client.post("/daftar", data=registration()).status_code == 302  # the same email again
    assert len(calls) == 2


@pytest.fixture
def csrf_on(app, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)


def _token(html: str) -> str:
    match = CSRF.search(html)
    assert match, html
    return match.group(1) or match.group(2)


def test_an_expired_form_token_gets_a_clear_page(client, csrf_on):
    user = factories.pemda_user()
    db.session.commit()
    data = {"email": user.email, "password": factories.PASSWORD}
    with time_machine.travel(START, tick=False) as traveller:
        token = _token(client.get("/masuk").get_data(as_text=True))
        traveller.shift(timedelta(hours=12, seconds=1))
        response = client.post("/masuk", data={**data, "csrf_token": token})
        assert response.status_code == 400
        assert EXPIRED in response.get_data(as_text=True)
        token = _token(client.get("/masuk").get_data(as_text=True))
        traveller.shift(timedelta(hours=11, minutes=59))
        assert client.post("/masuk", data={**data, "csrf_token": token}).status_code == 302


def test_a_missing_form_token_gets_the_same_page(client, csrf_on):
    response = client.post("/masuk", data={"email": "a@example.go.id", "password": "x"})
    assert response.status_code == 400
    assert EXPIRED in response.get_data(as_text=True)
