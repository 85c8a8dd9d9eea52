"""Pending Pemda registrations: listing, activation (only with a verified email), rejection."""

import re

from sqlalchemy import select

from app.auth.models import UnitType, User
from app.core.audit import AuditLog
from app.extensions import db, mail
from tests import factories


def _audit(action):
    return db.session.scalars(select(AuditLog).where(AuditLog.action == action)).all()


def test_queue_lists_pending_pemda_only(client, logged_in):
    pending = factories.pemda_user(
        factories.BALIKPAPAN, UnitType.DPRD, active=False, name="Nur Aisyah", email="nur@balikpapan.go.id"
    )
    factories.pemda_user(active=True, name="Sudah Aktif")
    factories.pemda_user(active=False, verified=False, name="Belum Verifikasi")
    rejected = factories.pemda_user(active=False, name="Sudah Ditolak")
    rejected.deactivated_at = rejected.created_at
    logged_in("coordinator")
    text = client.get("/admin/pendaftaran").get_data(as_text=True)
    assert "Nur Aisyah" in text and pending.email in text
    assert "Kota Balikpapan (DPRD)" in text
    assert "081234567890" in text
    assert "Belum Verifikasi" in text and "Email belum diverifikasi" in text
    assert "Sudah Aktif" not in text
    assert "Sudah Ditolak" not in text


def test_activation_lets_the_operator_log_in(app, client, logged_in):
    pending = factories.pemda_user(active=False, email="operator@brebeskab.go.id")
    db.session.commit()
    operator = app.test_client()
    assert (
        operator.post("/masuk", data={"email": pending.email, "password": factories.PASSWORD}).status_code
        != 302
    )
    coordinator = logged_in("coordinator")
    with mail.record_messages() as outbox:
        response = client.post(f"/admin/pendaftaran/{pending.id}/aktifkan")
    assert response.status_code == 302
    user = db.session.get(User, pending.id)
    db.session.refresh(user)
    assert user.is_active and user.activated_by_id == coordinator.id
    (entry,) = _audit("user.activate")
    assert entry.actor_id == coordinator.id and entry.object_id == str(user.id)
    assert entry.before["activated_at"] is None and entry.after["activated_at"]
    (message,) = outbox
    assert message.recipients == [user.email]
    assert "aktif" in message.subject
    assert "http://localhost/masuk" in message.body and "http://localhost/masuk" in message.html
    response = operator.post("/masuk", data={"email": user.email, "password": factories.PASSWORD})
    assert response.status_code == 302
    with operator.session_transaction() as s:
        assert s["_user_id"] == user.get_id()


def test_unverified_registration_cannot_be_activated(client, logged_in):
    pending = factories.pemda_user(active=False, verified=False)
    logged_in("admin")
    with mail.record_messages() as outbox:
        response = client.post(f"/admin/pendaftaran/{pending.id}/aktifkan", follow_redirects=True)
    assert "belum diverifikasi" in response.get_data(as_text=True)
    db.session.refresh(pending)
    assert pending.activated_at is None and not pending.is_active
    assert outbox == [] and _audit("user.activate") == []


def test_active_or_staff_account_is_not_in_the_queue(client, logged_in):
    active = factories.pemda_user()
    staff = factories.user("receptionist", active=False)
    logged_in("coordinator")
    assert client.post(f"/admin/pendaftaran/{active.id}/aktifkan").status_code == 404
    assert client.post(f"/admin/pendaftaran/{staff.id}/aktifkan").status_code == 404
    assert (
        client.post("/admin/pendaftaran/99999/tolak", data={"reason": "Data tidak sesuai."}).status_code
        == 404
    )


def test_rejection_needs_a_reason(client, logged_in):
    pending = factories.pemda_user(active=False)
    logged_in("coordinator")
    response = client.post(
        f"/admin/pendaftaran/{pending.id}/tolak", data={"reason": ""}, follow_redirects=True
    )
    assert "Tuliskan alasan penolakan" in response.get_data(as_text=True)
    db.session.refresh(pending)
    assert pending.deactivated_at is None


def test_rejection_deactivates_audits_and_tells_the_registrant(client, logged_in):
    pending = factories.pemda_user(active=False, name="Ayu Puspitasari")
    coordinator = logged_in("coordinator")
    reason = "Email yang dipakai bukan email kedinasan Pemda."
    with mail.record_messages() as outbox:
        response = client.post(f"/admin/pendaftaran/{pending.id}/tolak", data={"reason": reason})
    assert response.status_code == 302
    db.session.refresh(pending)
    assert pending.deactivated_at is not None and not pending.is_active
    (entry,) = _audit("user.reject")
    assert entry.actor_id == coordinator.id and entry.after["reason"] == reason
    (message,) = outbox
    assert message.recipients == [pending.email]
    assert reason in message.body and reason in message.html
    assert pending.email not in client.get("/admin/pendaftaran").get_data(as_text=True)


def test_activation_needs_the_csrf_token_when_csrf_is_on(app, client, logged_in):
    pending = factories.pemda_user(active=False)
    logged_in("coordinator")
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        assert client.post(f"/admin/pendaftaran/{pending.id}/aktifkan").status_code == 400
        db.session.refresh(pending)
        assert pending.activated_at is None
        page = client.get("/admin/pendaftaran").get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        response = client.post(f"/admin/pendaftaran/{pending.id}/aktifkan", data={"csrf_token": token})
        assert response.status_code == 302
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    db.session.refresh(pending)
    assert pending.is_active
