"""The administrator's outbox page: every email with its state and last error, and
"Kirim ulang" (audited), for administrators only. The list's filters, the detail page and the
attachments: test_admin_detail.py."""

import html

import pytest
from sqlalchemy import select, update

from app.auth.models import Role
from app.core.audit import AuditLog
from app.extensions import db
from app.outbox.models import OutboxMessage, OutboxState
from app.outbox.sender import deliver_pending
from tests import factories
from tests.outbox.helpers import queue, row
from tests.requests.helpers import login_as


def _failed(to="siti@brebeskab.go.id") -> int:
    message = queue(to=to)
    db.session.commit()
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message.id)
        .values(state=OutboxState.FAILED, attempts=6, last_error="SMTPRecipientsRefused: 550 mailbox full")
    )
    db.session.commit()
    return message.id


@pytest.fixture
def admin(app):
    user = factories.user(Role.ADMIN, name="Admin DJPK")
    db.session.commit()
    return user


def test_admin_sees_failed_and_waiting_email(app, client, admin, production_delivery):
    with app.test_request_context():
        _failed()
        queue(to="menunggu@balikpapan.go.id")
        db.session.commit()
    login_as(client, admin)
    page = html.unescape(client.get("/admin/email/").get_data(as_text=True))
    assert "Kotak keluar email" in page
    assert "siti@brebeskab.go.id" in page and "menunggu@balikpapan.go.id" in page
    assert "Atur ulang kata sandi Konsultasi DJPK" in page and "auth/reset_password" in page
    assert "SMTPRecipientsRefused: 550 mailbox full" in page
    assert "Gagal: 1" in page and "Menunggu: 1" in page
    assert page.count("Kirim ulang") == 1  # only the failed one
    # Newest first (the failed one was queued earlier); failed mail is one click away (?state=failed).
    assert page.index("menunggu@balikpapan.go.id") < page.index("siti@brebeskab.go.id")
    assert 'href="/admin/email/"' in page  # the admin's menu links to it


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.PEMDA, Role.NARASUMBER, Role.RECEPTIONIST])
def test_other_roles_may_neither_see_nor_resend(app, client, role):
    with app.test_request_context():
        message_id = _failed()
    other = factories.pemda_user() if role == Role.PEMDA else factories.user(role)
    db.session.commit()
    login_as(client, other)
    assert client.get("/admin/email/").status_code == 403
    assert client.post(f"/admin/email/{message_id}/kirim-ulang").status_code == 403
    assert row(message_id).state == OutboxState.FAILED
    assert "/admin/email/" not in client.get("/").get_data(as_text=True)


def test_anonymous_is_sent_to_the_login_page(app, client):
    response = client.get("/admin/email/")
    assert response.status_code == 302 and "/masuk" in response.headers["Location"]


def test_resend_gives_a_failed_email_new_attempts_and_is_audited(
    app, client, admin, smtp, production_delivery
):
    with app.test_request_context():
        message_id = _failed()
    login_as(client, admin)
    response = client.post(f"/admin/email/{message_id}/kirim-ulang", follow_redirects=True)
    assert "Email dijadwalkan untuk dikirim ulang." in html.unescape(response.get_data(as_text=True))
    resent = row(message_id)
    assert resent.state == OutboxState.PENDING and resent.attempts == 0
    assert resent.last_error == "SMTPRecipientsRefused: 550 mailbox full"  # kept until the next try
    (entry,) = db.session.scalars(select(AuditLog).where(AuditLog.action == "outbox.resend"))
    assert entry.actor_id == admin.id and entry.object_id == str(message_id)
    assert entry.before["state"] == "failed" and entry.after["state"] == "pending"
    assert deliver_pending() == 1
    assert len(smtp.messages) == 1 and row(message_id).state == OutboxState.SENT


def test_resend_in_development_delivers_at_once(app, client, admin, smtp):
    with app.test_request_context():
        message_id = _failed()
    login_as(client, admin)
    client.post(f"/admin/email/{message_id}/kirim-ulang")
    assert row(message_id).state == OutboxState.SENT
    assert len(smtp.messages) == 1


def test_only_a_failed_email_is_resent(app, client, admin, production_delivery):
    with app.test_request_context():
        message = queue()
        db.session.commit()
    login_as(client, admin)
    response = client.post(f"/admin/email/{message.id}/kirim-ulang", follow_redirects=True)
    assert "tidak berstatus gagal" in html.unescape(response.get_data(as_text=True))
    assert db.session.scalars(select(AuditLog).where(AuditLog.action == "outbox.resend")).all() == []
    assert client.post("/admin/email/99999/kirim-ulang").status_code == 404
