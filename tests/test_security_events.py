"""Security events in the audit log: refused access (bounded, never for anonymous visitors,
never committing what the refused request changed), downloads of personal data, role changes."""

from datetime import UTC, datetime

import pytest
from flask_login import login_user
from sqlalchemy import select

from app.auth.models import Role
from app.catalog.models import Topic
from app.core.audit import AuditLog
from app.core.security_events import FORBIDDEN_PER_HOUR, record_forbidden
from app.domain.policy import Mode
from app.extensions import db
from tests import factories

START = datetime(2026, 12, 15, 2, 0, tzinfo=UTC)


def _events(action: str) -> list[AuditLog]:
    return list(db.session.scalars(select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.seq)))


def _login(client, auth, user):
    db.session.commit()
    assert auth.login(user).status_code == 302
    return user


def test_a_refused_page_is_recorded_with_the_user_and_path(client, auth):
    coordinator = _login(client, auth, factories.user(Role.COORDINATOR))
    assert client.get("/admin/audit?view=keamanan").status_code == 403
    (event,) = _events("security.forbidden")
    assert event.actor_id == coordinator.id and (event.object_type, event.object_id) == (
        "User",
        str(coordinator.id),
    )
    assert event.after == {"method": "GET", "path": "/admin/audit", "endpoint": "admin.audit_log"}


def test_refusals_are_recorded_at_most_so_many_an_hour(client, auth):
    _login(client, auth, factories.user(Role.RECEPTIONIST))
    for _ in range(FORBIDDEN_PER_HOUR.amount + 5):
        assert client.get("/admin/pengguna").status_code == 403
    assert len(_events("security.forbidden")) == FORBIDDEN_PER_HOUR.amount


def test_anonymous_refusals_are_not_recorded(app):
    with app.test_request_context("/admin/pengguna"):
        record_forbidden()
    assert _events("security.forbidden") == []


def test_what_the_refused_request_changed_is_not_committed(app):
    user = factories.user(Role.PEMDA, mfa=False)
    db.session.commit()
    with app.test_request_context("/admin/topik/baru", method="POST"):
        login_user(user)
        db.session.add(Topic(code="XX", name="Disisipkan sebelum abort(403)"))
        record_forbidden()
    db.session.remove()
    assert db.session.scalars(select(Topic).where(Topic.code == "XX")).first() is None
    assert len(_events("security.forbidden")) == 1


def test_the_visitor_log_download_is_recorded(client, auth):
    desk = _login(client, auth, factories.user(Role.COORDINATOR))
    assert client.get("/resepsionis/buku-tamu.csv", query_string={"date": "2026-12-08"}).status_code == 200
    (event,) = _events("security.export")
    assert event.actor_id == desk.id and (event.object_type, event.object_id) == ("VisitorLog", "2026-12-08")
    assert event.after == {"export": "visitor_log_csv", "date": "2026-12-08"}


@pytest.mark.parametrize("ext", ["csv", "xlsx"])
def test_the_monthly_report_download_is_recorded(client, auth, ext):
    coordinator = _login(client, auth, factories.user(Role.COORDINATOR))
    assert client.get(f"/koordinator/laporan/2026-11.{ext}").status_code == 200
    (event,) = _events("security.export")
    assert event.actor_id == coordinator.id and (event.object_type, event.object_id) == ("Report", "2026-11")
    assert event.after == {"export": f"monthly_report_{ext}"}


def test_a_letter_download_is_recorded(client, auth):
    pemda = factories.pemda_user()
    factories.topic()
    req = factories.consultation(pemda, mode=Mode.FTF, start=START, with_letter=True)
    coordinator = _login(client, auth, factories.user(Role.COORDINATOR))
    with client.get(f"/permohonan/{req.id}/surat") as response:
        assert response.status_code == 200
    (event,) = _events("security.export")
    assert event.actor_id == coordinator.id and event.object_type == "RequestLetter"
    assert event.after == {"export": "request_letter", "request_id": req.id}


def test_a_refused_download_records_no_export(client, auth):
    _login(client, auth, factories.user(Role.NARASUMBER))
    assert client.get("/koordinator/laporan/2026-11.csv").status_code == 403
    assert _events("security.export") == [] and len(_events("security.forbidden")) == 1


def test_a_role_change_is_a_security_event(client, auth):
    staff = factories.user(Role.RECEPTIONIST)
    admin = _login(client, auth, factories.user(Role.ADMIN))
    form = {"name": staff.name, "phone": staff.phone, "role": "coordinator"}
    assert client.post(f"/admin/pengguna/{staff.id}", data=form).status_code == 302
    (event,) = _events("security.role_change")
    assert event.actor_id == admin.id and event.object_id == str(staff.id)
    assert (event.before, event.after) == ({"role": "receptionist"}, {"role": "coordinator"})
    form["name"] = "Nama Baru"
    client.post(f"/admin/pengguna/{staff.id}", data=form)
    assert len(_events("security.role_change")) == 1  # a change of name is no role change


def test_an_email_attachment_download_is_recorded(app, client, auth):
    from tests.outbox.helpers import ICS, queue

    with app.test_request_context():
        message = queue(attachments=[("undangan.ics", "text/calendar", ICS)])
        db.session.commit()
    admin = _login(client, auth, factories.user(Role.ADMIN))
    assert client.get(f"/admin/email/{message.id}/lampiran/0").status_code == 200
    (event,) = _events("security.export")
    assert event.actor_id == admin.id and (event.object_type, event.object_id) == (
        "OutboxMessage",
        str(message.id),
    )
    assert event.after == {"export": "email_attachment", "index": 0, "filename": "undangan.ics"}


def test_a_breach_evidence_download_is_recorded(client, auth):
    from app.compliance import evidence
    from app.compliance.evidence import CheckedEvidence
    from tests.compliance.helpers import PNG, breach

    pemda = factories.pemda_user()
    row = breach(pemda)
    row.evidence_file = evidence.store(CheckedEvidence(PNG, "image/png", "foto.png"))
    row.evidence_filename, row.evidence_content_type, row.evidence_size = "foto.png", "image/png", len(PNG)
    db.session.commit()
    coordinator = _login(client, auth, factories.user(Role.COORDINATOR))
    with client.get(f"/pelanggaran/{row.id}/bukti") as response:
        assert response.status_code == 200
    (event,) = _events("security.export")
    assert event.actor_id == coordinator.id and (event.object_type, event.object_id) == (
        "Breach",
        str(row.id),
    )
    assert event.after == {"export": "breach_evidence"}
