"""Email verification by signed link, and sending a new link."""

from datetime import UTC, datetime, timedelta

import time_machine
from sqlalchemy import select

from app.auth import tokens
from app.auth.models import User
from app.core.audit import AuditLog
from app.extensions import db
from tests import factories
from tests.auth.conftest import link_in, registration

START = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)


def _register(client, outbox, **changes) -> str:
    assert client.post("/daftar", data=registration(**changes)).status_code == 302
    return link_in(outbox[-1], "/verifikasi-email/")


def _user() -> User:
    return db.session.scalars(select(User)).one()


def test_good_link_verifies_email_but_account_still_awaits_activation(client, outbox):
    link = _register(client, outbox)
    response = client.get(link)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Email terverifikasi" in html
    assert "mengaktifkan akun" in html
    user = _user()
    assert user.email_verified_at is not None
    assert user.activated_at is None
    assert db.session.scalars(select(AuditLog).where(AuditLog.action == "auth.verify_email")).one()
    # Opening the link again is harmless and writes nothing new.
    assert client.get(link).status_code == 200
    assert len(db.session.scalars(select(AuditLog).where(AuditLog.action == "auth.verify_email")).all()) == 1


def test_expired_link_explains_and_offers_a_new_one(app, client, outbox):
    with time_machine.travel(START, tick=False) as traveller:
        link = _register(client, outbox)
        traveller.shift(timedelta(seconds=app.config["EMAIL_TOKEN_MAX_AGE"] + 1))
        response = client.get(link)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "sudah kedaluwarsa" in html
    assert 'action="/verifikasi-email/kirim-ulang"' in html
    assert _user().email_verified_at is None


def test_link_just_inside_its_lifetime_works(app, client, outbox):
    with time_machine.travel(START, tick=False) as traveller:
        link = _register(client, outbox)
        traveller.shift(timedelta(seconds=app.config["EMAIL_TOKEN_MAX_AGE"] - 1))
        assert client.get(link).status_code == 200


def test_tampered_link_is_refused(client, outbox):
    link = _register(client, outbox)
    token = link.rsplit("/", 1)[1]
    forged = token[:-2] + ("AA" if token[-2:] != "AA" else "BB")
    response = client.get(f"/verifikasi-email/{forged}")
    assert response.status_code == 400
    assert "tidak valid" in response.get_data(as_text=True)
    assert _user().email_verified_at is None


def test_reset_token_does_not_pass_as_verification_token(app, client):
    user = factories.pemda_user(verified=False, active=False)
    db.session.commit()
    with app.test_request_context():
        token = tokens.reset_token(user)
    assert client.get(f"/verifikasi-email/{token}").status_code == 400
    assert db.session.get(User, user.id).email_verified_at is None


def test_resend_sends_a_working_link(client, outbox):
    _register(client, outbox)
    response = client.post("/verifikasi-email/kirim-ulang", data={"email": "SITI.rahmawati@brebeskab.go.id"})
    assert response.status_code == 302
    assert len(outbox) == 2
    assert client.get(link_in(outbox[-1], "/verifikasi-email/")).status_code == 200
    assert _user().email_verified_at is not None


def test_resend_answers_the_same_for_unknown_or_verified_addresses(client, outbox):
    verified = factories.pemda_user()
    db.session.commit()
    for email in ("tidak.ada@example.go.id", verified.email):
        response = client.post("/verifikasi-email/kirim-ulang", data={"email": email}, follow_redirects=True)
        assert "Jika alamat tersebut terdaftar dan belum diverifikasi" in response.get_data(as_text=True)
    assert outbox == []


def test_resend_is_rate_limited(client, outbox):
    _register(client, outbox)
    for _ in range(5):
        response = client.post(
            "/verifikasi-email/kirim-ulang", data={"email": "siti.rahmawati@brebeskab.go.id"}
        )
        assert response.status_code == 302
    response = client.post("/verifikasi-email/kirim-ulang", data={"email": "siti.rahmawati@brebeskab.go.id"})
    assert response.status_code == 429
    assert "tunggu beberapa menit" in response.get_data(as_text=True)
    assert len(outbox) == 6  # the registration email and five new links
