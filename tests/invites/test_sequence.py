"""The invite of a booked session through its life: schedule, reschedule, cancel.

Sessions are on Tuesday 8 December 2026 (WIB), booked through app.scheduling.services as
the coordinator's pages do. Each invite is read by vobject and by ical.js (Thunderbird's
parser), which must agree on times, UID, SEQUENCE, METHOD and STATUS.
"""

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from app.domain.policy import Mode
from app.domain.states import RequestState
from app.extensions import db
from app.invites import services
from app.invites.models import InviteState
from app.requests.services import withdraw_request
from app.scheduling.services import SchedulingConflict
from tests import factories, icaljs
from tests.invites.helpers import attendees, cancel, checked, reschedule, schedule, unfolded
from tests.scheduling.factories import coordinator, narasumber, wib

DAY = "2026-12-08"
NINE, TEN = wib(DAY, "09:00"), wib(DAY, "10:00")
ADDRESS = "Gedung Radius Prawiro lantai 9, Jl. Dr. Wahidin Raya No. 1, Jakarta Pusat 10710"
FEE = "DJPK tidak pernah memungut biaya apa pun untuk layanan konsultasi."


@pytest.fixture
def people(app, frozen):
    pemda = factories.pemda_user(factories.BREBES, email="operator@brebeskab.go.id", name="Siti Aminah")
    boss = coordinator(name="Koordinator Satu")
    ani = narasumber("Ani Rahmawati")
    budi = narasumber("Budi Santoso")
    room = factories.room("Ruang Rapat Dahlia", capacity=10)
    db.session.commit()
    return {"pemda": pemda, "boss": boss, "ani": ani, "budi": budi, "room": room}


def _ftf(app, people):
    req = factories.consultation(people["pemda"], mode=Mode.FTF, agenda="Penyaluran DBH sawit – “tahap II”")
    return schedule(
        app, req, [people["ani"], people["budi"]], people["boss"], NINE, TEN, room_id=people["room"].id
    )


def _invite(req):
    return services.invite(req)


def test_scheduled_ftf_session_invites_pemda_narasumber_and_front_desk(app, people):
    public = app.config["PUBLIC_URL"].rstrip("/")
    req = _ftf(app, people)
    invite = _invite(req)
    assert invite.method == "REQUEST" and invite.filename == f"{req.reference}.ics"
    assert invite.content_type == "text/calendar; charset=utf-8; method=REQUEST"
    cal = checked(invite.content)
    assert cal.method.value == "REQUEST"
    event = cal.vevent
    assert event.uid.value == f"konsultasi-{req.id}@djpk.kemenkeu.go.id"
    assert event.sequence.value == "0"
    assert event.dtstart.value == datetime(2026, 12, 8, 2, 0, tzinfo=UTC)
    assert event.dtend.value == datetime(2026, 12, 8, 3, 0, tzinfo=UTC)
    assert event.summary.value == "Konsultasi DJPK – Kab. Brebes (tatap muka)"
    assert event.location.value == f"Ruang Rapat Dahlia, {ADDRESS}"
    assert event.status.value == "CONFIRMED"
    assert event.organizer.value == "mailto:konsultasi@djpk.kemenkeu.go.id"
    invited = attendees(event)
    assert set(invited) == {
        "operator@brebeskab.go.id",
        people["ani"].user.email,
        people["budi"].user.email,
        "resepsionis@djpk.kemenkeu.go.id",
    }
    assert all(p["RSVP"] == ["TRUE"] for p in invited.values())
    assert invited["operator@brebeskab.go.id"]["CN"] == ["Siti Aminah"]
    description = event.description.value
    assert "Penyaluran DBH sawit – “tahap II”" in description
    assert f"Kode pemesanan: {req.booking_code_display}" in description
    assert f"{public}/verifikasi?kode={req.booking_code_display}" in description
    assert FEE in description
    assert event.valarm.trigger.value.total_seconds() == -1800

    view = icaljs.parse_one(invite.content)
    assert view["method"] == "REQUEST"
    [seen] = view["events"]
    assert (seen["uid"], seen["sequence"], seen["status"]) == (event.uid.value, 0, "CONFIRMED")
    assert (seen["dtstart"], seen["dtend"]) == (
        datetime(2026, 12, 8, 2, 0, tzinfo=UTC),
        datetime(2026, 12, 8, 3, 0, tzinfo=UTC),
    )
    assert seen["location"] == f"Ruang Rapat Dahlia, {ADDRESS}" and seen["description"] == description
    assert {a["email"] for a in seen["attendees"]} == set(invited) and seen["valarms"] == 1


def test_vc_invite_gives_the_meeting_link_as_location_and_url(app, people):
    req = factories.consultation(people["pemda"], mode=Mode.VC, with_letter=False)
    schedule(app, req, [people["ani"]], people["boss"], NINE, TEN)
    event = checked(_invite(req).content).vevent
    assert req.meeting_url
    assert event.location.value == req.meeting_url and event.url.value == req.meeting_url
    assert event.summary.value == "Konsultasi DJPK – Kab. Brebes (video conference)"
    assert "resepsionis@djpk.kemenkeu.go.id" not in attendees(event)  # no visit, no front desk


def test_reschedule_keeps_uid_and_raises_sequence_then_cancel_carries_cancel(app, people):
    req = _ftf(app, people)
    versions = [_invite(req).content]
    first = checked(versions[0]).vevent

    reschedule(app, req, people["boss"], wib("2026-12-09", "13:00"), wib("2026-12-09", "14:00"))
    versions.append(_invite(req).content)
    moved = checked(versions[1]).vevent
    assert moved.uid.value == first.uid.value
    assert int(moved.sequence.value) == int(first.sequence.value) + 1
    assert moved.dtstart.value == datetime(2026, 12, 9, 6, 0, tzinfo=UTC)
    assert moved.dtend.value == datetime(2026, 12, 9, 7, 0, tzinfo=UTC)

    cancel(app, req, people["boss"], reason="Narasumber berhalangan")
    assert req.state == RequestState.CANCELLED
    invite = _invite(req)
    versions.append(invite.content)
    assert invite.method == "CANCEL" and invite.content_type.endswith("method=CANCEL")
    cal = checked(invite.content)
    assert cal.method.value == "CANCEL"
    gone = cal.vevent
    assert gone.uid.value == first.uid.value
    assert int(gone.sequence.value) == int(moved.sequence.value) + 1
    assert gone.status.value == "CANCELLED"
    assert not hasattr(gone, "valarm")  # no reminder for what will not happen (RFC 5546 3.2.5)
    assert "Narasumber berhalangan" in gone.description.value
    # The narasumber were released by the cancellation, yet the CANCEL reaches them.
    assert {people["ani"].user.email, people["budi"].user.email} <= set(attendees(gone))
    assert db.session.get(InviteState, req.id).last_method == "CANCEL"

    # ical.js reads the same three versions of the one event.
    views = icaljs.parse(versions)
    assert [v["method"] for v in views] == ["REQUEST", "REQUEST", "CANCEL"]
    seen = [v["events"][0] for v in views]
    assert {e["uid"] for e in seen} == {first.uid.value}
    assert [(e["sequence"], e["status"], e["valarms"]) for e in seen] == [
        (0, "CONFIRMED", 1),
        (1, "CONFIRMED", 1),
        (2, "CANCELLED", 0),
    ]
    assert [e["dtstart"] for e in seen] == [
        datetime(2026, 12, 8, 2, 0, tzinfo=UTC),
        datetime(2026, 12, 9, 6, 0, tzinfo=UTC),
        datetime(2026, 12, 9, 6, 0, tzinfo=UTC),
    ]


def test_withdrawn_session_is_cancelled_one_sequence_higher(app, people):
    req = _ftf(app, people)
    with app.test_request_context():
        withdraw_request(people["pemda"], req, "Kepala daerah berhalangan")
        db.session.commit()
    invite = _invite(req)
    event = checked(invite.content).vevent
    assert invite.method == "CANCEL" and event.status.value == "CANCELLED"
    assert event.sequence.value == "1"
    assert people["ani"].user.email in attendees(event)
    assert db.session.get(InviteState, req.id).last_method == "CANCEL"  # recorded, not inferred


def test_converting_a_scheduled_session_to_vc_sends_a_new_version(app, people):
    from app.scheduling.decisions import convert_to_vc

    req = _ftf(app, people)
    with app.test_request_context():
        convert_to_vc(
            req, actor=people["boss"], reason="Sesuai S-38/PK/2023", meeting_url="https://meet.jit.si/DJPK-x"
        )
        db.session.commit()
    event = checked(_invite(req).content).vevent
    assert event.sequence.value == "1"
    assert event.location.value == "https://meet.jit.si/DJPK-x"


def test_refused_booking_leaves_no_invite_state(app, people):
    req = _ftf(app, people)
    other = factories.consultation(people["pemda"], mode=Mode.VC, with_letter=False)
    with pytest.raises(SchedulingConflict):  # Ani is already booked at that hour
        schedule(app, other, [people["ani"]], people["boss"], NINE, TEN)
    assert db.session.scalar(select(func.count()).select_from(InviteState)) == 1
    assert db.session.get(InviteState, req.id) is not None


def test_no_invite_before_a_time_is_set(app, people):
    req = factories.consultation(people["pemda"], mode=Mode.FTF)
    assert not services.available(req)


def test_invite_built_outside_a_request_is_in_indonesian(app, people):
    req = _ftf(app, people)
    text = unfolded(_invite(req).content)  # as the scheduler and the export build it
    assert "(tatap muka)" in text and "Kode pemesanan" in text


def test_building_is_not_named_twice():
    assert services.room_place("Ruang Konsultasi 1, Gedung Radius Prawiro", ADDRESS) == (
        f"Ruang Konsultasi 1, {ADDRESS}"
    )
    assert services.room_place("Ruang Rapat Dahlia", ADDRESS) == f"Ruang Rapat Dahlia, {ADDRESS}"
