"""Password reset by emailed link: same answer for any address, single use, limited lifetime."""

from datetime import UTC, datetime, timedelta

import time_machine
from sqlalchemy import select

from app.auth.models import Role, User
from app.core.audit import AuditLog
from app.core.clock import now_utc
from app.extensions import db
from tests import factories
from tests.auth.conftest import link_in

NEW = "gedung radius prawiro lantai sembilan"
SENT = "Jika alamat tersebut terdaftar, kami telah mengirim tautan"


def _ask(client, email):
    return client.post("/lupa-kata-sandi", data={"email": email}, follow_redirects=True)


def test_reset_end_to_end(client, auth, outbox):
    user = factories.user(Role.RECEPTIONIST)
    db.session.commit()
    assert client.get("/lupa-kata-sandi").status_code == 200
    response = _ask(client, user.email.upper())
    assert SENT in response.get_data(as_text=True)
    (message,) = outbox
    assert message.recipients == [user.email]
    assert message.subject == "Atur ulang kata sandi Konsultasi DJPK"
    link = link_in(message, "/atur-ulang-kata-sandi/")

    assert client.get(link).status_code == 200
    mismatch = client.post(link, data={"password": NEW, "confirm": NEW + "x"})
    assert "Kedua kata sandi tidak sama." in mismatch.get_data(as_text=True)
    common = client.post(link, data={"password": "password123", "confirm": "password123"})
    assert "terlalu umum" in common.get_data(as_text=True)

    response = client.post(link, data={"password": NEW, "confirm": NEW})
    assert response.status_code == 302 and response.headers["Location"] == "/masuk"
    fresh = db.session.get(User, user.id)
    assert fresh.session_version == 2
    entry = db.session.scalars(select(AuditLog).where(AuditLog.action == "auth.password_reset")).one()
    assert entry.object_id == str(user.id)

    assert "Email atau kata sandi salah." in auth.login(user).get_data(as_text=True)
    assert auth.login(user, password=NEW).status_code == 302


def test_link_works_once(client, outbox):
    user = factories.user(Role.RECEPTIONIST)
    db.session.commit()
    _ask(client, user.email)
    link = link_in(outbox[-1], "/atur-ulang-kata-sandi/")
    assert client.post(link, data={"password": NEW, "confirm": NEW}).status_code == 302
    again = client.post(link, data={"password": NEW + "!", "confirm": NEW + "!"})
    assert again.status_code == 400
    assert "tidak valid atau sudah dipakai" in again.get_data(as_text=True)
    assert client.get(link).status_code == 400


def test_expired_link_is_refused(app, client, outbox):
    user = factories.user(Role.RECEPTIONIST)
    db.session.commit()
    with time_machine.travel(datetime(2026, 3, 2, 2, 0, tzinfo=UTC), tick=False) as traveller:
        _ask(client, user.email)
        link = link_in(outbox[-1], "/atur-ulang-kata-sandi/")
        traveller.shift(timedelta(seconds=app.config["RESET_TOKEN_MAX_AGE"] + 1))
        response = client.post(link, data={"password": NEW, "confirm": NEW})
    assert response.status_code == 400
    assert "sudah kedaluwarsa" in response.get_data(as_text=True)
    assert db.session.get(User, user.id).session_version == 1


def test_tampered_link_is_refused(client, outbox):
    user = factories.user(Role.RECEPTIONIST)
    db.session.commit()
    _ask(client, user.email)
    link = link_in(outbox[-1], "/atur-ulang-kata-sandi/")
    assert client.get(link[:-3] + "xyz").status_code == 400


def test_same_answer_and_no_mail_for_unknown_or_deactivated_addresses(client, outbox):
    gone = factories.user(Role.RECEPTIONIST, deactivated_at=now_utc())
    db.session.commit()
    for email in ("tidak.ada@example.go.id", gone.email):
        assert SENT in _ask(client, email).get_data(as_text=True)
    assert outbox == []


def test_reset_by_an_unverified_user_verifies_the_email(client, outbox):
    user = factories.pemda_user(verified=False, active=False)
    db.session.commit()
    _ask(client, user.email)
    link = link_in(outbox[-1], "/atur-ulang-kata-sandi/")
    client.post(link, data={"password": NEW, "confirm": NEW})
    assert db.session.get(User, user.id).email_verified_at is not None


def test_reset_requests_are_rate_limited(client, outbox):
    user = factories.user(Role.RECEPTIONIST)
    db.session.commit()
    for _ in range(5):
        _ask(client, user.email)
    response = client.post("/lupa-kata-sandi", data={"email": user.email})
    assert response.status_code == 429
    assert len(outbox) == 5
