"""The confirmation deadline: a session still unconfirmed is flagged (audited, the Pemda and
the coordinators told), and cancelled by the system when the policy says so; once."""

from dataclasses import replace
from datetime import timedelta

from sqlalchemy import select

from app.core.audit import AuditLog
from app.domain.policy import PolicyValues
from app.domain.states import RequestState
from app.extensions import db
from app.invites.models import InviteState
from app.policy.services import create_version
from app.scheduler import tasks
from app.scheduling.models import AssignmentStatus, NarasumberAssignment, RoomBooking
from tests.scheduler.helpers import (
    BOOKED_AT,
    DEADLINE,
    REQUEST_DUE,
    SECOND,
    book,
    outbox,
    recipients,
    reload,
    set_state,
)
from tests.scheduling.factories import wib

KIND = "attendance/unconfirmed"
PEMDA = ["kontak@balikpapan.go.id", "operator@balikpapan.go.id"]


def _asked(clock) -> None:
    clock.move_to(REQUEST_DUE)
    assert tasks.send_confirmation_requests() == 1


def _audit(action: str) -> list[AuditLog]:
    return list(db.session.scalars(select(AuditLog).where(AuditLog.action == action)))


def _cancelling_policy(req) -> None:
    version = create_version(
        replace(PolicyValues(), cancel_unconfirmed=True), BOOKED_AT - timedelta(days=30), note="uji"
    )
    reload(req).policy_version_id = version.id
    db.session.commit()


def test_flagged_at_the_deadline_once(clock, session_ftf, boss):
    _asked(clock)
    clock.move_to(DEADLINE - SECOND)
    assert tasks.enforce_confirmation_deadlines() == 0
    assert reload(session_ftf).unconfirmed_flagged_at is None

    clock.move_to(DEADLINE)
    assert tasks.enforce_confirmation_deadlines() == 1
    req = reload(session_ftf)
    assert req.unconfirmed_flagged_at == DEADLINE
    assert req.state == RequestState.SCHEDULED  # the default policy does not cancel
    assert recipients(KIND) == sorted([*PEMDA, "koordinator@djpk.go.id"])
    (entry,) = _audit("request.unconfirmed")
    assert entry.actor_id is None and entry.object_id == str(req.id)

    clock.move_to(DEADLINE + timedelta(minutes=5))
    assert tasks.enforce_confirmation_deadlines() == 0
    assert len(outbox(KIND)) == 3


def test_the_email_says_not_confirmed(clock, session_ftf, boss):
    _asked(clock)
    clock.move_to(DEADLINE)
    tasks.enforce_confirmation_deadlines()
    to_pemda = next(r for r in outbox(KIND) if r.recipients == ["operator@balikpapan.go.id"])
    to_djpk = next(r for r in outbox(KIND) if r.recipients == ["koordinator@djpk.go.id"])
    assert "belum dikonfirmasi" in to_pemda.subject
    assert "16.00 WITA (15.00 WIB)" in to_pemda.text_body
    assert "15.00 WIB" in to_djpk.text_body and "WITA" not in to_djpk.text_body
    assert f"/koordinator/permohonan/{session_ftf.id}" in to_djpk.text_body
    assert f"/permohonan/{session_ftf.id}" in to_pemda.text_body


def test_a_confirmed_session_is_not_flagged(clock, session_ftf):
    _asked(clock)
    set_state(session_ftf, RequestState.CONFIRMED)
    clock.move_to(DEADLINE)
    assert tasks.enforce_confirmation_deadlines() == 0
    assert reload(session_ftf).unconfirmed_flagged_at is None
    assert outbox(KIND) == []


def test_cancelled_by_the_system_when_the_policy_says_so(clock, session_ftf, boss):
    _cancelling_policy(session_ftf)
    _asked(clock)
    assert "akan dibatalkan" in outbox("attendance/confirmation_request")[0].text_body
    clock.move_to(DEADLINE)
    assert tasks.enforce_confirmation_deadlines() == 1

    req = reload(session_ftf)
    assert req.state == RequestState.CANCELLED
    assert req.unconfirmed_flagged_at == DEADLINE
    assert "tidak dikonfirmasi" in req.state_reason
    people = db.session.scalars(select(NarasumberAssignment).where(NarasumberAssignment.request_id == req.id))
    assert {(a.active, a.status) for a in people} == {(False, AssignmentStatus.RELEASED)}
    rooms = db.session.scalars(select(RoomBooking).where(RoomBooking.request_id == req.id))
    assert {b.active for b in rooms} == {False}
    (cancel,) = _audit("request.cancel")
    assert cancel.actor_id is None and cancel.after["reason"] == req.state_reason
    assert db.session.get(InviteState, req.id).last_method == "CANCEL"

    (cancelled,) = outbox("scheduling/cancelled")
    assert sorted(cancelled.recipients) == PEMDA
    assert any("method=CANCEL" in a["content_type"] for a in cancelled.attachments)
    assert len(outbox("scheduling/assignment_released")) == 2
    assert "dibatalkan" in outbox(KIND)[0].subject

    clock.move_to(DEADLINE + timedelta(minutes=5))
    assert tasks.enforce_confirmation_deadlines() == 0
    assert len(outbox("scheduling/cancelled")) == 1


def test_not_flagged_when_the_pemda_was_asked_only_after_the_deadline(clock, boss):
    clock.move_to(wib("2026-12-07", "15:30"))  # booked on Monday afternoon for Tuesday
    req = book(boss)
    assert tasks.send_confirmation_requests() == 1
    assert tasks.enforce_confirmation_deadlines() == 0
    assert reload(req).unconfirmed_flagged_at is None


def test_not_flagged_without_a_request_at_all(clock, session_ftf):
    clock.move_to(DEADLINE)
    assert tasks.enforce_confirmation_deadlines() == 0
