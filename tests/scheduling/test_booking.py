"""The booking services: schedule, reschedule, cancel, answer and replace an assignment.

Sessions are on Tuesday 8 December 2026 (WIB). Every refusal must be a SchedulingConflict
with a sentence for the coordinator, and leave nothing saved.
"""

from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import func, select
from werkzeug.exceptions import Forbidden

from app.auth.models import Role
from app.core.audit import AuditLog
from app.domain.policy import Mode
from app.domain.states import IllegalTransition, RequestState
from app.extensions import db, mail
from app.requests.models import ConsultationRequest
from app.requests.services import withdraw_request
from app.scheduling import services
from app.scheduling.conflicts import within_working_hours
from app.scheduling.models import AssignmentStatus, NarasumberAssignment, RoomBooking
from app.scheduling.services import SchedulingConflict
from tests import factories
from tests.requests.helpers import NOW
from tests.scheduling.factories import WEEKDAYS_8_TO_16, coordinator, narasumber, unavailable, wib

DAY = "2026-12-08"  # a Tuesday
NINE, TEN = wib(DAY, "09:00"), wib(DAY, "10:00")


@pytest.fixture(autouse=True)
def _frozen():
    """A week before DAY (tests.requests.helpers.NOW): the sessions booked on DAY stay in the
    future whatever the real date ("Waktu mulai sudah lewat" refused them once it passed)."""
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(autouse=True)
def _in_a_request(app):
    """Services run inside a request (messages follow its locale; email links need its host)."""
    with app.test_request_context():
        yield


@pytest.fixture
def pemda(app):
    return factories.pemda_user(factories.BALIKPAPAN, email="operator@balikpapan.go.id")


@pytest.fixture
def boss(app):
    return coordinator(name="Koordinator Satu", email="koordinator@djpk.go.id")


def _commit(app):
    """Commit as a route does, and return the email sent after it."""
    with mail.record_messages() as outbox:
        services.commit_or_conflict()
    return outbox


def _save():
    services.commit_or_conflict()


def _schedule(req, people, actor, *, start=NINE, end=TEN, **kwargs):
    return services.schedule(
        req, start=start, end=end, narasumber_ids=[p.id for p in people], actor=actor, **kwargs
    )


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _audit(action: str) -> list[AuditLog]:
    return list(db.session.scalars(select(AuditLog).where(AuditLog.action == action)))


def _refused(call) -> SchedulingConflict:
    with pytest.raises(SchedulingConflict) as refused:
        call()
    return refused.value


def _booked_elsewhere(pemda, boss, people, *, room=None, start=NINE, end=TEN):
    other = factories.consultation(pemda, mode=Mode.FTF if room else Mode.VC)
    _schedule(other, people, boss, start=start, end=end, room_id=room.id if room else None)
    _save()
    return other


# Schedule ------------------------------------------------------------------------------------


def test_schedule_vc_generates_meeting_link_and_tells_pemda_and_narasumber(app, pemda, boss):
    person = narasumber("Budi Santoso")
    req = factories.consultation(pemda, mode=Mode.VC)
    _schedule(req, [person], boss)
    sent = _commit(app)

    db.session.refresh(req)
    assert req.state == RequestState.SCHEDULED
    assert (req.scheduled_start, req.scheduled_end) == (NINE, TEN)
    assert req.room_id is None and req.room_bookings == []
    assert req.meeting_url == f"https://meet.jit.si/DJPK-{req.reference}"
    [a] = req.assignments
    assert (a.narasumber_id, a.active, a.status) == (person.id, True, AssignmentStatus.ASSIGNED)
    assert (a.start, a.end, a.topic_codes, a.assigned_by_id) == (NINE, TEN, ["DAU"], boss.id)
    [entry] = _audit("request.schedule")
    assert entry.before["state"] == "submitted" and entry.before["narasumber"] == []
    assert entry.after["state"] == "scheduled" and entry.after["narasumber"] == [person.id]
    assert entry.actor_id == boss.id

    by_recipient = {tuple(m.recipients): m for m in sent}
    to_pemda = by_recipient[(pemda.email,)]
    assert req.reference in to_pemda.subject and "dijadwalkan" in to_pemda.subject
    assert "10.00–11.00 WITA (09.00–10.00 WIB)" in to_pemda.body  # the Pemda's zone, and WIB
    assert req.meeting_url in to_pemda.body and req.meeting_url in to_pemda.html
    to_person = by_recipient[(person.user.email,)]
    assert "Penugasan narasumber" in to_person.subject
    assert f"/narasumber/{a.id}" in to_person.body


def test_schedule_vc_keeps_a_pasted_link(app, pemda, boss):
    req = factories.consultation(pemda, mode=Mode.VC)
    _schedule(req, [narasumber()], boss, meeting_url=" https://teams.microsoft.com/l/meetup-join/abc ")
    assert req.meeting_url == "https://teams.microsoft.com/l/meetup-join/abc"


def test_schedule_ftf_books_the_room(app, pemda, boss):
    room = factories.room("Ruang Rapat DJPK 9A", capacity=6)
    people = [narasumber(), narasumber()]
    req = factories.consultation(pemda, mode=Mode.FTF, guests=4)  # 4 guests + 2 narasumber = 6
    _schedule(req, people, boss, room_id=room.id, topic_codes_by_person={people[1].id: ["DAU", "DBH"]})
    _commit(app)

    db.session.refresh(req)
    assert req.room_id == room.id and req.meeting_url is None
    [booking] = req.room_bookings
    assert (booking.room_id, booking.start, booking.end, booking.active) == (room.id, NINE, TEN, True)
    assert [a.topic_codes for a in req.assignments] == [["DAU"], ["DAU", "DBH"]]


def test_override_reason_is_recorded(app, pemda, boss):
    req = factories.consultation(pemda, mode=Mode.VC)
    _schedule(req, [narasumber()], boss, override_reason="Permintaan Direktur")
    _commit(app)
    [a] = req.assignments
    assert a.override_reason == "Permintaan Direktur"
    assert _audit("request.schedule")[0].after["override_reason"] == "Permintaan Direktur"


def _assert_nothing_saved(req):
    db.session.refresh(req)
    assert req.state == RequestState.SUBMITTED and req.scheduled_start is None
    assert (
        db.session.scalars(
            select(NarasumberAssignment).where(NarasumberAssignment.request_id == req.id)
        ).all()
        == []
    )
    assert db.session.scalars(select(RoomBooking).where(RoomBooking.request_id == req.id)).all() == []
    assert _audit("request.schedule") == [] or all(
        e.object_id != str(req.id) for e in _audit("request.schedule")
    )


def test_a_busy_narasumber_is_refused_by_name_and_nothing_is_saved(app, pemda, boss):
    person = narasumber("Budi Santoso")
    _booked_elsewhere(pemda, boss, [person])
    req = factories.consultation(pemda, mode=Mode.VC)
    _save()

    with mail.record_messages() as outbox:
        refused = _refused(
            lambda: _schedule(req, [person], boss, start=wib(DAY, "09:30"), end=wib(DAY, "10:30"))
        )
    assert (
        refused.message
        == "Narasumber Budi Santoso sudah terjadwal pada Selasa, 8 Desember 2026 09.00–10.00 WIB."
    )
    assert refused.field == "narasumber_ids"
    assert outbox == []
    _assert_nothing_saved(req)


def test_back_to_back_sessions_do_not_overlap(app, pemda, boss):
    person = narasumber()
    _booked_elsewhere(pemda, boss, [person])
    req = factories.consultation(pemda, mode=Mode.VC)
    _schedule(req, [person], boss, start=TEN, end=wib(DAY, "11:00"))
    assert req.state == RequestState.SCHEDULED


def test_a_busy_room_is_refused_by_name(app, pemda, boss):
    room = factories.room("Ruang Rapat DJPK 9A")
    _booked_elsewhere(pemda, boss, [narasumber()], room=room)
    req = factories.consultation(pemda, mode=Mode.FTF)
    _save()
    refused = _refused(lambda: _schedule(req, [narasumber()], boss, room_id=room.id))
    assert (
        refused.message
        == "Ruang yang dipilih (Ruang Rapat DJPK 9A) sudah dipakai pada Selasa, 8 Desember 2026 09.00–10.00 WIB."
    )
    assert refused.field == "room_id"
    _assert_nothing_saved(req)


def test_room_must_hold_the_delegation_and_the_narasumber(app, pemda, boss):
    room = factories.room("Ruang Kecil", capacity=4)
    req = factories.consultation(pemda, mode=Mode.FTF, guests=3)
    _save()
    refused = _refused(lambda: _schedule(req, [narasumber(), narasumber()], boss, room_id=room.id))
    assert refused.message == (
        "Ruang yang dipilih (Ruang Kecil) hanya memuat 4 orang, sedangkan delegasi dan narasumber berjumlah 5 orang."
    )
    _assert_nothing_saved(req)


def test_ftf_needs_an_active_room(app, pemda, boss):
    room = factories.room("Ruang Lama")
    room.active = False
    req = factories.consultation(pemda, mode=Mode.FTF)
    _save()
    assert (
        _refused(lambda: _schedule(req, [narasumber()], boss)).message
        == "Konsultasi tatap muka memerlukan ruang."
    )
    assert _refused(lambda: _schedule(req, [narasumber()], boss, room_id=room.id)).message == (
        "Ruang yang dipilih (Ruang Lama) tidak aktif."
    )
    _assert_nothing_saved(req)


def test_at_least_one_narasumber_and_a_sensible_time(app, pemda, boss):
    req = factories.consultation(pemda, mode=Mode.VC)
    _save()
    assert _refused(lambda: _schedule(req, [], boss)).message == "Pilih minimal satu narasumber."
    assert _refused(lambda: _schedule(req, [narasumber()], boss, start=TEN, end=NINE)).field == "end"
    _assert_nothing_saved(req)


def test_caps_per_day_and_per_week(app, pemda, boss):
    person = narasumber("Budi Santoso", max_per_day=1, max_per_week=2)
    _booked_elsewhere(pemda, boss, [person])  # Tuesday 09:00
    req = factories.consultation(pemda, mode=Mode.VC)
    _save()
    refused = _refused(lambda: _schedule(req, [person], boss, start=wib(DAY, "13:00"), end=wib(DAY, "14:00")))
    assert refused.message == (
        "Narasumber Budi Santoso akan melebihi batas 1 sesi per hari pada Selasa, 8 Desember 2026."
    )
    _booked_elsewhere(pemda, boss, [person], start=wib("2026-12-09", "09:00"), end=wib("2026-12-09", "10:00"))
    refused = _refused(
        lambda: _schedule(
            req, [person], boss, start=wib("2026-12-11", "09:00"), end=wib("2026-12-11", "10:00")
        )
    )
    assert "melebihi batas 2 sesi per minggu" in refused.message
    # The next ISO week starts on Monday 14 December: room again.
    _schedule(req, [person], boss, start=wib("2026-12-14", "09:00"), end=wib("2026-12-14", "10:00"))
    assert req.state == RequestState.SCHEDULED


def test_leave_and_blocked_periods(app, pemda, boss):
    person = narasumber("Budi Santoso")
    unavailable(person, wib("2026-12-07", "00:00"), wib("2026-12-09", "00:00"))
    other = narasumber("Citra Lestari")
    unavailable(other, wib(DAY, "08:00"), wib(DAY, "12:00"), kind="blocked")
    req = factories.consultation(pemda, mode=Mode.VC)
    _save()
    assert _refused(lambda: _schedule(req, [person], boss)).message.startswith(
        "Narasumber Budi Santoso sedang cuti pada Senin, 7 Desember 2026"
    )
    assert (
        "Citra Lestari tidak tersedia (waktu diblokir)"
        in _refused(lambda: _schedule(req, [other], boss)).message
    )
    _assert_nothing_saved(req)


def test_working_hours(app, pemda, boss):
    person = narasumber("Budi Santoso", working_hours={"1": [["08:00", "12:00"]]})  # Tuesdays, mornings
    req = factories.consultation(pemda, mode=Mode.VC)
    _save()
    refused = _refused(lambda: _schedule(req, [person], boss, start=wib(DAY, "11:30"), end=wib(DAY, "12:30")))
    assert (
        refused.message
        == "Waktu Selasa, 8 Desember 2026 11.30–12.30 WIB di luar jam kerja narasumber Budi Santoso."
    )
    wednesday = "2026-12-09"
    assert _refused(
        lambda: _schedule(req, [person], boss, start=wib(wednesday, "09:00"), end=wib(wednesday, "10:00"))
    )
    _schedule(req, [person], boss, start=wib(DAY, "11:00"), end=wib(DAY, "12:00"))
    assert req.state == RequestState.SCHEDULED


def test_within_working_hours():
    hours = {"0": [["08:00", "12:00"], ["13:00", "16:00"]]}
    monday = "2026-12-07"
    assert within_working_hours(hours, wib(monday, "08:00"), wib(monday, "12:00"))
    assert within_working_hours(hours, wib(monday, "13:00"), wib(monday, "14:00"))
    assert not within_working_hours(hours, wib(monday, "11:30"), wib(monday, "13:30"))  # over lunch
    assert not within_working_hours(hours, wib(monday, "07:30"), wib(monday, "08:30"))
    assert not within_working_hours(hours, wib(DAY, "09:00"), wib(DAY, "10:00"))  # not a working day
    assert not within_working_hours(WEEKDAYS_8_TO_16, wib(monday, "15:00"), wib("2026-12-08", "09:00"))


def test_only_coordinators_schedule_and_only_submitted_requests(app, pemda, boss):
    req = factories.consultation(pemda, mode=Mode.VC)
    person = narasumber()
    with pytest.raises(Forbidden):
        _schedule(req, [person], pemda)
    _schedule(req, [person], boss)
    _save()
    with pytest.raises(IllegalTransition):
        _schedule(req, [person], boss, start=wib(DAY, "13:00"), end=wib(DAY, "14:00"))
    assert _count(NarasumberAssignment) == 1


# Reschedule and cancel ---------------------------------------------------------------------


def test_reschedule_moves_the_same_request_people_and_room(app, pemda, boss):
    room = factories.room("Ruang Rapat DJPK 9A")
    person = narasumber("Budi Santoso")
    req = factories.consultation(pemda, mode=Mode.FTF)
    _schedule(req, [person], boss, room_id=room.id)
    req.state = RequestState.CONFIRMED  # the Pemda had confirmed; it must confirm again
    _save()
    request_id = req.id

    later = wib("2026-12-10", "13:00")
    services.reschedule(
        req, start=later, end=later + timedelta(hours=1), actor=boss, reason="Narasumber rapat pimpinan"
    )
    sent = _commit(app)

    req = db.session.get(ConsultationRequest, request_id)
    assert req.state == RequestState.SCHEDULED and req.state_reason == "Narasumber rapat pimpinan"
    assert req.scheduled_start == later and req.room_id == room.id
    old, new = req.assignments
    assert (old.active, old.status) == (False, AssignmentStatus.RELEASED)
    assert (new.narasumber_id, new.active, new.start) == (person.id, True, later)
    assert [(b.active, b.start) for b in req.room_bookings] == [(False, NINE), (True, later)]
    [entry] = _audit("request.reschedule")
    assert entry.before["start"] == NINE.isoformat() or entry.before["start"].startswith("2026-12-08T02:00")
    assert entry.after["reason"] == "Narasumber rapat pimpinan"
    subjects = sorted(m.subject for m in sent)
    assert any("Jadwal konsultasi" in s and "diubah" in s for s in subjects)
    assert any("Jadwal penugasan narasumber" in s for s in subjects)

    # The old slot is free again for another request.
    other = factories.consultation(pemda, mode=Mode.FTF)
    _schedule(other, [person], boss, room_id=room.id)
    assert other.state == RequestState.SCHEDULED


def test_a_refused_reschedule_keeps_the_old_booking(app, pemda, boss):
    person = narasumber("Budi Santoso")
    req = factories.consultation(pemda, mode=Mode.VC)
    _schedule(req, [person], boss)
    _save()
    _booked_elsewhere(pemda, boss, [person], start=wib(DAY, "13:00"), end=wib(DAY, "14:00"))

    refused = _refused(
        lambda: services.reschedule(
            req, start=wib(DAY, "13:30"), end=wib(DAY, "14:30"), actor=boss, reason="Bentrok"
        )
    )
    assert "Budi Santoso sudah terjadwal" in refused.message
    db.session.refresh(req)
    assert req.scheduled_start == NINE
    [a] = [a for a in req.assignments if a.active]
    assert (a.start, a.status) == (NINE, AssignmentStatus.ASSIGNED)
    assert (
        _refused(lambda: services.reschedule(req, start=NINE, end=TEN, actor=boss, reason=" ")).field
        == "reason"
    )


def test_cancel_releases_the_slot_and_tells_everyone(app, pemda, boss):
    room = factories.room()
    person = narasumber()
    req = factories.consultation(pemda, mode=Mode.FTF)
    _schedule(req, [person], boss, room_id=room.id)
    _save()

    services.cancel_session(req, actor=boss, reason="Kantor ditutup")
    sent = _commit(app)
    db.session.refresh(req)
    assert req.state == RequestState.CANCELLED and req.state_reason == "Kantor ditutup"
    assert [a.status for a in req.assignments] == [AssignmentStatus.RELEASED]
    assert [b.active for b in req.room_bookings] == [False]
    assert _audit("request.cancel")[0].after["reason"] == "Kantor ditutup"
    front_desk = "resepsionis@djpk.kemenkeu.go.id"  # an attendee of the visit: it gets the CANCEL
    assert {m.recipients[0] for m in sent} == {pemda.email, person.user.email, front_desk}
    assert all("Kantor ditutup" in m.body for m in sent)

    again = factories.consultation(pemda, mode=Mode.FTF)
    _schedule(again, [person], boss, room_id=room.id)
    assert again.state == RequestState.SCHEDULED


def test_withdrawing_a_scheduled_request_frees_people_and_room(app, pemda, boss):
    room = factories.room()
    person = narasumber()
    req = factories.consultation(pemda, mode=Mode.FTF)
    _schedule(req, [person], boss, room_id=room.id)
    _save()

    withdraw_request(pemda, req, "Kepala daerah berhalangan")
    _commit(app)
    assert [a.active for a in req.assignments] == [False]
    assert [b.active for b in req.room_bookings] == [False]
    assert _audit("request.withdraw")[0].after["released_narasumber"] == [person.id]
    again = factories.consultation(pemda, mode=Mode.FTF)
    _schedule(again, [person], boss, room_id=room.id)
    assert again.state == RequestState.SCHEDULED


# Answers and replacements ------------------------------------------------------------------


def test_accept(app, pemda, boss):
    person = narasumber()
    req = factories.consultation(pemda, mode=Mode.VC)
    _schedule(req, [person], boss)
    _save()
    [a] = req.assignments
    services.respond_to_assignment(a, accept=True, actor=person.user)
    _commit(app)
    assert (a.status, a.active) == (AssignmentStatus.ACCEPTED, True) and a.responded_at is not None
    with pytest.raises(Forbidden):
        services.respond_to_assignment(a, accept=True, actor=boss)


def test_decline_frees_the_person_and_alerts_coordinators_with_suggestions(app, pemda, boss):
    dau = factories.topic()
    person = narasumber("Budi Santoso", topics=[dau])
    narasumber("Citra Lestari", topics=[dau])  # free at that time: the suggestion
    factories.user(Role.COORDINATOR, email="koordinator.dua@djpk.go.id")
    factories.user(Role.COORDINATOR, email="nonaktif@djpk.go.id", active=False)
    req = factories.consultation(pemda, mode=Mode.VC, topics=[dau])
    _schedule(req, [person], boss)
    _save()
    [a] = req.assignments

    assert (
        _refused(lambda: services.respond_to_assignment(a, accept=False, actor=person.user)).field == "reason"
    )
    services.respond_to_assignment(a, accept=False, actor=person.user, reason="Dinas luar kota")
    sent = _commit(app)

    db.session.refresh(a)
    assert (a.status, a.active, a.decline_reason) == (AssignmentStatus.DECLINED, False, "Dinas luar kota")
    assert _audit("assignment.decline")[0].after["reason"] == "Dinas luar kota"
    [alert] = sent
    assert sorted(alert.recipients) == ["koordinator.dua@djpk.go.id", "koordinator@djpk.go.id"]
    assert "Budi Santoso menolak penugasan" in alert.subject
    assert "Dinas luar kota" in alert.body
    assert "Citra Lestari" in alert.body and "Citra Lestari" in alert.html  # a free colleague
    assert f"/koordinator/permohonan/{req.id}" in alert.body

    # The declined person no longer blocks the slot.
    other = factories.consultation(pemda, mode=Mode.VC)
    _schedule(other, [person], boss)
    assert other.state == RequestState.SCHEDULED


def test_replace_a_declined_narasumber(app, pemda, boss):
    person, busy, free = narasumber("Budi Santoso"), narasumber("Dewi Anggraini"), narasumber("Citra Lestari")
    _booked_elsewhere(pemda, boss, [busy])
    req = factories.consultation(pemda, mode=Mode.VC)
    _schedule(req, [person], boss)
    _save()
    [declined] = req.assignments
    services.respond_to_assignment(declined, accept=False, actor=person.user, reason="Sakit")
    _save()

    refused = _refused(lambda: services.replace_narasumber(declined, busy.id, actor=boss))
    assert "Dewi Anggraini sudah terjadwal" in refused.message
    new = services.replace_narasumber(declined, free.id, actor=boss, override_reason="Paling paham DAU")
    sent = _commit(app)

    db.session.refresh(declined)
    assert declined.status == AssignmentStatus.DECLINED
    assert (new.narasumber_id, new.active, new.start, new.override_reason) == (
        free.id,
        True,
        NINE,
        "Paling paham DAU",
    )
    assert _audit("assignment.replace")[0].after["replaced"] == person.id
    assert [m.recipients for m in sent] == [[free.user.email]]
    assert _refused(lambda: services.replace_narasumber(declined, free.id, actor=boss)).message == (
        "Narasumber Citra Lestari sudah ditugaskan pada sesi ini."
    )


def test_replace_an_active_narasumber_releases_them(app, pemda, boss):
    room = factories.room(capacity=4)
    first, second = narasumber(), narasumber()
    req = factories.consultation(pemda, mode=Mode.FTF, guests=3)
    _schedule(req, [first], boss, room_id=room.id)
    _save()
    [a] = req.assignments
    services.replace_narasumber(a, second.id, actor=boss)
    sent = _commit(app)
    assert [(x.narasumber_id, x.active, x.status) for x in req.assignments] == [
        (first.id, False, AssignmentStatus.RELEASED),
        (second.id, True, AssignmentStatus.ASSIGNED),
    ]
    assert sorted(m.recipients[0] for m in sent) == sorted([first.user.email, second.user.email])
