"""Accepting and declining an assignment: the status, the audit row, the coordinator's alert,
and what cannot be answered (a past, inactive or someone else's assignment; no reason)."""

from datetime import timedelta

from sqlalchemy import select

from app.auth.models import Role
from app.core.audit import AuditLog
from app.extensions import db, mail
from app.scheduling.models import AssignmentStatus
from tests import factories
from tests.narasumber.conftest import UPCOMING
from tests.requests.helpers import login_as, text_of


def _audit(action: str) -> list[AuditLog]:
    return list(db.session.scalars(select(AuditLog).where(AuditLog.action == action)))


def _reload(row):
    db.session.expire_all()
    return db.session.get(type(row), row.id)


def test_accept(client, world):
    login_as(client, world["ani"].user)
    assignment = world["ani_upcoming"]
    response = client.post(f"/narasumber/{assignment.id}/terima")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/narasumber/{assignment.id}")
    assignment = _reload(assignment)
    assert assignment.status == AssignmentStatus.ACCEPTED and assignment.active
    assert assignment.responded_at is not None
    (entry,) = _audit("assignment.accept")
    assert entry.actor_id == world["ani"].user_id
    page = text_of(client.get(f"/narasumber/{assignment.id}"))
    assert "Anda menerima penugasan ini." in page
    assert "Terima penugasan" not in page and "Tolak penugasan" in page


def test_decline_with_reason_alerts_the_coordinator(client, world):
    coordinator = factories.user(Role.COORDINATOR, name="Koordinator DJPK")
    db.session.commit()
    login_as(client, world["ani"].user)
    assignment = world["ani_upcoming"]
    with mail.record_messages() as outbox:
        response = client.post(f"/narasumber/{assignment.id}/tolak", data={"reason": "Dinas luar ke Medan"})
    assert response.status_code == 302
    assignment = _reload(assignment)
    assert assignment.status == AssignmentStatus.DECLINED and not assignment.active
    assert assignment.decline_reason == "Dinas luar ke Medan"
    (entry,) = _audit("assignment.decline")
    assert entry.after["reason"] == "Dinas luar ke Medan"
    assert [m.recipients for m in outbox] == [[coordinator.email]]
    page = text_of(client.get(f"/narasumber/{assignment.id}"))
    assert "Koordinator telah diberi tahu" in page
    assert "Dinas luar ke Medan" in page and "Penugasan ini sudah tidak berlaku." in page


def test_accepted_assignment_may_still_be_declined(client, world):
    assignment = world["ani_upcoming"]
    assignment.status = AssignmentStatus.ACCEPTED
    db.session.commit()
    login_as(client, world["ani"].user)
    client.post(f"/narasumber/{assignment.id}/tolak", data={"reason": "Sakit, izin dokter"})
    assert _reload(assignment).status == AssignmentStatus.DECLINED


def test_decline_without_reason_is_refused(client, world):
    login_as(client, world["ani"].user)
    assignment = world["ani_upcoming"]
    for data in ({}, {"reason": "   "}):
        response = client.post(f"/narasumber/{assignment.id}/tolak", data=data, follow_redirects=True)
        assert "Tuliskan alasan menolak penugasan." in text_of(response)
    assignment = _reload(assignment)
    assert assignment.status == AssignmentStatus.ASSIGNED and assignment.active
    assert _audit("assignment.decline") == []


def test_past_assignment_cannot_be_answered(client, world):
    login_as(client, world["ani"].user)
    past = world["ani_past"]
    response = client.post(
        f"/narasumber/{past.id}/tolak", data={"reason": "Terlambat menjawab"}, follow_redirects=True
    )
    assert "sudah lewat" in text_of(response)
    assert _reload(past).status == AssignmentStatus.ACCEPTED


def test_session_under_way_cannot_be_answered(client, world, frozen):
    frozen.move_to(UPCOMING + timedelta(minutes=10))
    login_as(client, world["ani"].user)
    assignment = world["ani_upcoming"]
    response = client.post(f"/narasumber/{assignment.id}/terima", follow_redirects=True)
    assert "sudah dimulai atau sudah lewat" in text_of(response)
    assert _reload(assignment).status == AssignmentStatus.ASSIGNED


def test_released_assignment_cannot_be_answered(client, world):
    assignment = world["ani_upcoming"]
    assignment.active = False
    assignment.status = AssignmentStatus.RELEASED
    db.session.commit()
    login_as(client, world["ani"].user)
    for url, data in (("terima", {}), ("tolak", {"reason": "Tidak bisa hadir"})):
        response = client.post(f"/narasumber/{assignment.id}/{url}", data=data, follow_redirects=True)
        assert "sudah tidak berlaku" in text_of(response)
    assert _reload(assignment).status == AssignmentStatus.RELEASED
    assert _audit("assignment.accept") == [] and _audit("assignment.decline") == []


def test_accepting_twice_is_refused(client, world):
    login_as(client, world["ani"].user)
    assignment = world["ani_upcoming"]
    client.post(f"/narasumber/{assignment.id}/terima")
    response = client.post(f"/narasumber/{assignment.id}/terima", follow_redirects=True)
    assert "Anda sudah menerima penugasan ini." in text_of(response)
    assert len(_audit("assignment.accept")) == 1


def test_answering_someone_elses_assignment_changes_nothing(client, world):
    login_as(client, world["ani"].user)
    other = world["budi_upcoming"]
    assert client.post(f"/narasumber/{other.id}/terima").status_code == 404
    assert (
        client.post(f"/narasumber/{other.id}/tolak", data={"reason": "Bukan milik saya"}).status_code == 404
    )
    other = _reload(other)
    assert other.status == AssignmentStatus.ASSIGNED and other.active


def test_csrf_is_required(app, world):
    from flask import current_app

    from tests.requests.helpers import login_as as login

    csrf_app = current_app._get_current_object()
    csrf_app.config["WTF_CSRF_ENABLED"] = True
    try:
        client = csrf_app.test_client()
        login(client, world["ani"].user)
        client.post(f"/narasumber/{world['ani_upcoming'].id}/terima")
    finally:
        csrf_app.config["WTF_CSRF_ENABLED"] = False
    assert _reload(world["ani_upcoming"]).status == AssignmentStatus.ASSIGNED
