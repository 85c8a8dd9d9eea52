"""The confirmation request: two working days before, to the Pemda's contact and operator,
once per session and start time; at once for a session booked later than that."""

from datetime import timedelta

from app.domain.states import RequestState
from app.extensions import db
from app.scheduler import tasks
from app.scheduler.models import JobMarker
from app.scheduling import services
from tests.scheduler.helpers import REQUEST_DUE, SECOND, book, outbox, recipients, reload, set_state
from tests.scheduling.factories import wib

KIND = "attendance/confirmation_request"
PEMDA = ["kontak@balikpapan.go.id", "operator@balikpapan.go.id"]


def test_nothing_before_due_then_once_at_due(clock, session_ftf):
    clock.move_to(REQUEST_DUE - SECOND)
    assert tasks.send_confirmation_requests() == 0
    assert outbox(KIND) == []

    clock.move_to(REQUEST_DUE)
    assert tasks.send_confirmation_requests() == 1
    assert recipients(KIND) == PEMDA
    assert db.session.get(JobMarker, f"confirm-request:{session_ftf.id}:2026-12-08T02:00:00+00:00")

    clock.move_to(REQUEST_DUE + timedelta(hours=2))
    assert tasks.send_confirmation_requests() == 0
    assert recipients(KIND) == PEMDA


def test_the_email_links_the_confirmation_with_the_deadline_in_both_zones(clock, session_ftf):
    clock.move_to(REQUEST_DUE)
    tasks.send_confirmation_requests()
    row = outbox(KIND)[0]
    req = reload(session_ftf)
    assert req.reference in row.subject
    assert f"/permohonan/{req.id}/konfirmasi-kehadiran" in row.text_body
    assert req.booking_code_display in row.text_body and req.booking_code_display in row.html_body
    assert "Senin, 7 Desember 2026 16.00 WITA (15.00 WIB)" in row.text_body
    assert "DJPK tidak pernah memungut biaya" in row.text_body
    assert "akan ditandai belum dikonfirmasi" in row.text_body  # the default policy: no cancel


def test_not_for_a_confirmed_or_cancelled_session(clock, session_ftf):
    set_state(session_ftf, RequestState.CONFIRMED)
    clock.move_to(REQUEST_DUE)
    assert tasks.send_confirmation_requests() == 0
    set_state(session_ftf, RequestState.CANCELLED)
    assert tasks.send_confirmation_requests() == 0
    assert outbox(KIND) == []


def test_not_once_the_session_started(clock, session_ftf):
    clock.move_to(wib("2026-12-08", "09:00"))
    assert tasks.send_confirmation_requests() == 0


def test_a_session_booked_after_the_due_time_is_asked_at_once(clock, boss):
    clock.move_to(wib("2026-12-07", "10:00"))  # Monday, for Tuesday
    book(boss)
    assert tasks.send_confirmation_requests() == 1
    assert recipients(KIND) == PEMDA


def test_a_rescheduled_session_gets_a_new_request(app, clock, session_ftf, boss):
    clock.move_to(REQUEST_DUE)
    tasks.send_confirmation_requests()
    with app.test_request_context():
        services.reschedule(
            reload(session_ftf),
            start=wib("2026-12-10", "09:00"),
            end=wib("2026-12-10", "10:00"),
            actor=boss,
            reason="Narasumber berhalangan",
        )
        services.commit_or_conflict()
    assert tasks.send_confirmation_requests() == 0  # not yet due for Thursday
    clock.move_to(wib("2026-12-08", "08:00"))  # two working days before Thursday
    assert tasks.send_confirmation_requests() == 1
    assert len(outbox(KIND)) == 4
    assert tasks.send_confirmation_requests() == 0
