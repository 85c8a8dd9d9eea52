"""The reminder: one working day before, to everyone (the Pemda, each narasumber still
assigned, the front desk face to face), one row per recipient, once per start time; a failing
session never stops the others, and two runs at once send nothing twice."""

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from app.domain.states import RequestState
from app.extensions import db
from app.scheduler import notices, tasks
from app.scheduling.models import AssignmentStatus
from tests.scheduler.helpers import REMINDER_DUE, SECOND, book, outbox, recipients, reload, set_state
from tests.scheduling.factories import wib

KIND = "scheduling/reminder"
PEMDA = ["kontak@balikpapan.go.id", "operator@balikpapan.go.id"]
FRONT_DESK = "resepsionis@djpk.kemenkeu.go.id"


def _team(req) -> list[str]:
    return sorted(a.narasumber.user.email for a in reload(req).assignments)


def test_nothing_before_due_then_once_per_recipient(clock, session_ftf):
    clock.move_to(REMINDER_DUE - SECOND)
    assert tasks.send_reminders() == 0
    clock.move_to(REMINDER_DUE)
    assert tasks.send_reminders() == 1
    assert recipients(KIND) == sorted([*PEMDA, *_team(session_ftf), FRONT_DESK])
    assert all(len(row.recipients) == 1 for row in outbox(KIND))
    clock.move_to(REMINDER_DUE + timedelta(hours=3))
    assert tasks.send_reminders() == 0
    assert len(outbox(KIND)) == 5


def test_video_conference_has_no_front_desk(clock, session_vc):
    clock.move_to(REMINDER_DUE)
    tasks.send_reminders()
    people = ["kontak@jayapura.go.id", "operator@jayapura.go.id", *_team(session_vc)]
    assert recipients(KIND) == sorted(people)


def test_a_declined_or_released_narasumber_is_not_reminded(clock, session_ftf):
    req = reload(session_ftf)
    declined, accepted = sorted(req.assignments, key=lambda a: a.id)
    declined.active, declined.status = False, AssignmentStatus.DECLINED
    accepted.status = AssignmentStatus.ACCEPTED
    db.session.commit()
    clock.move_to(REMINDER_DUE)
    tasks.send_reminders()
    assert accepted.narasumber.user.email in recipients(KIND)
    assert declined.narasumber.user.email not in recipients(KIND)


def test_confirmed_sessions_are_reminded_and_the_text_fits_each_reader(clock, session_ftf):
    set_state(session_ftf, RequestState.CONFIRMED)
    clock.move_to(REMINDER_DUE)
    tasks.send_reminders()
    rows = {row.recipients[0]: row for row in outbox(KIND)}
    req = reload(session_ftf)
    to_pemda = rows["operator@balikpapan.go.id"]
    assert "telah dikonfirmasi" in to_pemda.text_body
    assert "10.00–11.00 WITA (09.00–10.00 WIB)" in to_pemda.text_body
    assert req.booking_code_display in to_pemda.text_body
    assert "DJPK tidak pernah memungut biaya" in to_pemda.text_body
    to_desk = rows[FRONT_DESK]
    assert "meja resepsionis" in to_desk.text_body and "09.00–10.00 WIB" in to_desk.text_body
    assert req.service_user_name in to_desk.text_body
    to_person = rows[_team(session_ftf)[0]]
    assert "sebagai narasumber" in to_person.text_body


def test_unconfirmed_pemda_is_asked_again_to_confirm(clock, session_ftf):
    clock.move_to(REMINDER_DUE)
    tasks.send_reminders()
    to_pemda = next(r for r in outbox(KIND) if r.recipients == ["kontak@balikpapan.go.id"])
    assert "Kehadiran belum dikonfirmasi" in to_pemda.text_body
    assert f"/permohonan/{session_ftf.id}/konfirmasi-kehadiran" in to_pemda.text_body


def test_one_failing_session_does_not_block_the_others(clock, session_ftf, session_vc, monkeypatch):
    real = notices.reminder

    def broken(req, policy, marker):
        if req.id == session_ftf.id:
            raise RuntimeError("template bug")
        real(req, policy, marker)

    monkeypatch.setattr(notices, "reminder", broken)
    clock.move_to(REMINDER_DUE)
    assert tasks.send_reminders() == 1
    assert {r.request_id for r in outbox(KIND)} == {session_vc.id}
    monkeypatch.setattr(notices, "reminder", real)
    assert tasks.send_reminders() == 1  # the broken one is not marked done: it goes now
    assert {r.request_id for r in outbox(KIND)} == {session_vc.id, session_ftf.id}


def test_two_runs_at_once_send_each_reminder_once(app, clock, boss):
    sessions = [book(boss, prefix=f"pemda{i}", start=s, end=s + timedelta(hours=1)) for i, s in _slots()]
    clock.move_to(REMINDER_DUE)
    barrier = threading.Barrier(3)

    def run():
        with app.app_context():
            try:
                barrier.wait(timeout=30)
                return tasks.send_reminders()
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=3) as pool:
        done = [f.result(timeout=120) for f in [pool.submit(run) for _ in range(3)]]
    assert sum(done) == len(sessions)
    counts = Counter((row.request_id, to) for row in outbox(KIND) for to in row.recipients)
    assert set(counts.values()) == {1}
    assert len(counts) == len(sessions) * 5  # the Pemda twice, two narasumber, the front desk


def _slots():
    return enumerate(wib("2026-12-08", clock) for clock in ("09:00", "11:00", "13:00"))
