"""The front desk is an ATTENDEE of every face-to-face invite, so it is emailed each version:
REQUEST on schedule, REQUEST (SEQUENCE + 1) on reschedule, CANCEL on cancel or withdrawal,
and a CANCEL of its own when the visit becomes a video conference (no STATUS: the session goes
on, only the front desk is removed). Nothing for a video conference. Delivered through the
outbox to a real SMTP server (aiosmtpd); every invite is read by vobject and ical.js too and
has lines of at most 75 octets (tests/invites/mailbox.py)."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from app.domain.policy import Mode
from app.extensions import db
from app.outbox.models import OutboxMessage
from app.requests.services import withdraw_request
from app.scheduling import emails
from app.scheduling import services as booking
from app.scheduling.decisions import convert_to_vc
from tests import factories, icaljs
from tests.invites.helpers import attendees, cancel, reschedule, schedule
from tests.invites.mailbox import mailbox, the_invite
from tests.outbox import conftest as outbox_fixtures
from tests.scheduling.factories import coordinator, narasumber, wib

DAY = "2026-12-08"
NINE, TEN = wib(DAY, "09:00"), wib(DAY, "10:00")
FRONT_DESK = "resepsionis@djpk.kemenkeu.go.id"
PEMDA = "operator@brebeskab.go.id"
smtp = outbox_fixtures.smtp  # the real SMTP server fixture


@pytest.fixture
def people(app, frozen, smtp):
    pemda = factories.pemda_user(factories.BREBES, email=PEMDA, name="Siti Aminah")
    boss = coordinator(name="Koordinator Satu")
    ani = narasumber("Ani Rahmawati")
    room = factories.room("Ruang Rapat Dahlia", capacity=10)
    db.session.commit()
    return {"pemda": pemda, "boss": boss, "ani": ani, "room": room}


def _visit(app, people, guests: int = 4):
    req = factories.consultation(people["pemda"], mode=Mode.FTF, guests=guests)
    return schedule(app, req, [people["ani"]], people["boss"], NINE, TEN, room_id=people["room"].id)


def _events(mails):
    return [the_invite(m).vevent for m in mails]


def test_front_desk_gets_request_then_request_then_cancel_of_a_visit(app, people, smtp):
    req = _visit(app, people)
    reschedule(app, req, people["boss"], wib(DAY, "13:00"), wib(DAY, "14:00"))
    cancel(app, req, people["boss"], reason="Ruang dipakai acara pimpinan")

    mails = mailbox(smtp, FRONT_DESK)
    assert all(m.recipients == [FRONT_DESK] for m in mails)  # its own email, not the Pemda's
    methods = [(m.invites[0][0], the_invite(m).method.value) for m in mails]
    assert methods == [("REQUEST", "REQUEST"), ("REQUEST", "REQUEST"), ("CANCEL", "CANCEL")]
    events = _events(mails)
    assert {e.uid.value for e in events} == {f"konsultasi-{req.id}@djpk.kemenkeu.go.id"}
    assert [int(e.sequence.value) for e in events] == [0, 1, 2]
    assert events[0].dtstart.value == datetime(2026, 12, 8, 2, 0, tzinfo=UTC)
    assert events[1].dtstart.value == datetime(2026, 12, 8, 6, 0, tzinfo=UTC)
    assert events[2].status.value == "CANCELLED"
    for event in events:  # the front desk is on each version, as a non-participant
        assert attendees(event)[FRONT_DESK]["ROLE"] == ["NON-PARTICIPANT"]
    # Thunderbird's parser sees the same versions, and no reminder on the CANCEL.
    views = icaljs.parse([m.invites[0][1] for m in mails])
    assert [v["method"] for v in views] == ["REQUEST", "REQUEST", "CANCEL"]
    seen = [v["events"][0] for v in views]
    assert [(e["sequence"], e["status"], e["valarms"]) for e in seen] == [
        (0, "CONFIRMED", 1),
        (1, "CONFIRMED", 1),
        (2, "CANCELLED", 0),
    ]
    assert [e["dtstart"] for e in seen[:2]] == [
        datetime(2026, 12, 8, 2, 0, tzinfo=UTC),
        datetime(2026, 12, 8, 6, 0, tzinfo=UTC),
    ]
    assert all(e["uid"] == events[0].uid.value for e in seen)

    new, moved, gone = mails
    assert new.subject == f"Kunjungan tatap muka dijadwalkan: Kab. Brebes ({req.reference})"
    assert "Yth. Resepsionis DJPK," in new.text
    assert "Pengguna layanan: Kab. Brebes" in new.text
    assert "Jadwal: Selasa, 8 Desember 2026 09.00–10.00 WIB" in new.text
    assert "Jumlah delegasi: 4 orang" in new.text
    assert "Ruang: Ruang Rapat Dahlia, lantai 9" in new.text
    assert req.booking_code and f"Kode pemesanan: {req.booking_code_display}" in new.text
    assert f"Undangan kalender terlampir ({new.filenames[0]})" in new.text
    assert moved.subject.startswith("Jadwal kunjungan tatap muka diubah")
    assert "Jadwal lama: Selasa, 8 Desember 2026 09.00–10.00 WIB" in moved.text
    assert "Jadwal baru: Selasa, 8 Desember 2026 13.00–14.00 WIB" in moved.text
    assert gone.subject.startswith("Kunjungan tatap muka dibatalkan")
    assert "Alasan: Ruang dipakai acara pimpinan" in gone.text
    assert "Pembatalan kalender terlampir" in gone.text


def test_a_video_conference_sends_the_front_desk_nothing(app, people, smtp):
    req = factories.consultation(people["pemda"], mode=Mode.VC, with_letter=False)
    schedule(app, req, [people["ani"]], people["boss"], NINE, TEN)
    reschedule(app, req, people["boss"], wib(DAY, "13:00"), wib(DAY, "14:00"))
    cancel(app, req, people["boss"])
    assert len(mailbox(smtp, PEMDA)) == 3  # the others were told
    assert mailbox(smtp, FRONT_DESK) == []


def test_a_visit_turned_into_a_video_conference_cancels_it_for_the_front_desk(app, people, smtp):
    req = _visit(app, people)
    with app.test_request_context():
        convert_to_vc(
            req, actor=people["boss"], reason="Sesuai S-38/PK/2023", meeting_url="https://meet.jit.si/DJPK-x"
        )
        booking.commit_or_conflict()

    new, converted = mailbox(smtp, FRONT_DESK)
    assert the_invite(new).method.value == "REQUEST"
    cal = the_invite(converted)
    assert cal.method.value == "CANCEL" and converted.invites[0][0] == "CANCEL"
    event = cal.vevent
    assert event.uid.value == the_invite(new).vevent.uid.value
    assert int(event.sequence.value) == 1  # the version that moved the session online
    # Only the front desk, and no STATUS: the session goes on (RFC 5546 section 3.2.5).
    assert not hasattr(event, "status") and not hasattr(event, "valarm")
    assert set(attendees(event)) == {FRONT_DESK}
    [seen] = icaljs.parse_one(converted.invites[0][1])["events"]
    assert (seen["uid"], seen["sequence"], seen["status"], seen["valarms"]) == (event.uid.value, 1, None, 0)
    assert [a["email"] for a in seen["attendees"]] == [FRONT_DESK]
    assert "diubah menjadi video conference" in event.description.value
    assert converted.subject.startswith("Kunjungan tatap muka diganti video conference")
    assert "Alasan: Sesuai S-38/PK/2023" in converted.text

    cancel(app, req, people["boss"])  # now a video conference: nothing more for the front desk
    assert len(mailbox(smtp, FRONT_DESK)) == 2


def test_a_visit_withdrawn_by_the_pemda_is_cancelled_for_the_front_desk(app, people, smtp):
    req = _visit(app, people)
    with app.test_request_context():
        withdraw_request(people["pemda"], req, "Kepala daerah berhalangan")
        booking.commit_or_conflict()
    new, gone = mailbox(smtp, FRONT_DESK)
    event = the_invite(gone).vevent
    assert the_invite(gone).method.value == "CANCEL" and event.status.value == "CANCELLED"
    assert int(event.sequence.value) == 1
    [seen] = icaljs.parse_one(gone.invites[0][1])["events"]
    assert (seen["status"], seen["sequence"], seen["valarms"]) == ("CANCELLED", 1, 0)


def test_one_email_per_version_of_the_invite(app, people):
    req = _visit(app, people)
    kind = OutboxMessage.kind == "scheduling/front_desk_invite"
    [sent] = db.session.scalars(select(OutboxMessage).where(kind))
    assert sent.dedupe_key == f"scheduling/front_desk_invite:{req.id}:0:REQUEST"
    with app.test_request_context():
        again = emails.queue_front_desk(req, "new")  # the same version (SEQUENCE 0) again
        db.session.commit()
    assert again.id == sent.id
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage).where(kind)) == 1
