"""A narasumber dropped while the session goes on (left out of a reschedule, or replaced) gets
the release email with a CANCEL of their own: the same UID, the raised SEQUENCE, only them as
ATTENDEE and no STATUS nor VALARM (RFC 5546 section 3.2.5, "cancel a VEVENT for some
attendees"), so that their calendar drops the event while the others' keep it, and nobody
reads it as the session being cancelled. A cancelled session's CANCEL keeps STATUS:CANCELLED.
Delivered to a real SMTP server (aiosmtpd); every invite read by vobject and ical.js too."""

from datetime import UTC, datetime

import pytest

from app.domain.policy import Mode
from app.extensions import db
from app.invites import services as invites
from app.invites.models import InviteState
from app.scheduling import services as booking
from tests import factories, icaljs
from tests.invites.helpers import attendees, cancel, reschedule, schedule
from tests.invites.mailbox import mailbox, the_invite
from tests.outbox import conftest as outbox_fixtures
from tests.scheduling.factories import coordinator, narasumber, wib

DAY = "2026-12-08"
NINE, TEN = wib(DAY, "09:00"), wib(DAY, "10:00")
PEMDA = "operator@brebeskab.go.id"
smtp = outbox_fixtures.smtp  # the real SMTP server fixture


@pytest.fixture
def session(app, frozen, smtp):
    pemda = factories.pemda_user(factories.BREBES, email=PEMDA, name="Siti Aminah")
    boss = coordinator(name="Koordinator Satu")
    ani, budi, citra = narasumber("Ani Rahmawati"), narasumber("Budi Santoso"), narasumber("Citra Lestari")
    req = factories.consultation(pemda, mode=Mode.VC, with_letter=False)
    db.session.commit()
    schedule(app, req, [ani, budi], boss, NINE, TEN)
    return {"req": req, "boss": boss, "ani": ani, "budi": budi, "citra": citra}


def _released(server, person):
    """The release email of `person` and the calendar it carries."""
    mails = [m for m in mailbox(server, person.user.email) if "tidak berlaku lagi" in m.subject]
    [mail] = mails
    return mail, the_invite(mail)


def _assert_personal_cancel(mail, person, uid: str, sequence: int) -> None:
    cal = the_invite(mail)
    assert cal.method.value == "CANCEL"
    event = cal.vevent
    assert event.uid.value == uid
    assert int(event.sequence.value) == sequence
    # Not STATUS:CANCELLED: that would cancel the session itself for whoever reads it.
    assert not hasattr(event, "status") and not hasattr(event, "valarm")
    assert set(attendees(event)) == {person.user.email.lower()}  # only them
    assert event.summary.value.startswith("DIBATALKAN: ")
    assert "Anda tidak lagi diundang ke sesi ini" in event.description.value
    # Thunderbird's parser reads the same: one event, only them, no STATUS, no alarm.
    view = icaljs.parse_one(mail.invites[0][1])
    assert view["method"] == "CANCEL" and view["components"] == ["VEVENT"]
    [seen] = view["events"]
    assert (seen["uid"], seen["sequence"], seen["status"], seen["valarms"]) == (uid, sequence, None, 0)
    assert [a["email"] for a in seen["attendees"]] == [person.user.email.lower()]


def test_a_narasumber_left_out_of_a_reschedule_gets_a_cancel_of_their_own(app, session, smtp):
    req, ani, budi = session["req"], session["ani"], session["budi"]
    uid = invites.uid_of(req)
    reschedule(app, req, session["boss"], wib(DAY, "13:00"), wib(DAY, "14:00"), narasumber_ids=[ani.id])

    mail, _cal = _released(smtp, budi)
    assert mail.invites[0][0] == "CANCEL"  # the MIME method parameter equals the METHOD inside
    _assert_personal_cancel(mail, budi, uid, sequence=1)  # raised from the REQUEST's 0

    # The session goes on: Ani and the Pemda get the new version, without Budi.
    moved = the_invite(mailbox(smtp, ani.user.email)[-1])
    assert moved.method.value == "REQUEST" and int(moved.vevent.sequence.value) == 1
    pemda = the_invite(mailbox(smtp, PEMDA)[-1]).vevent
    assert pemda.uid.value == uid and budi.user.email.lower() not in attendees(pemda)
    views = icaljs.parse(
        [mailbox(smtp, ani.user.email)[-1].invites[0][1], mailbox(smtp, PEMDA)[-1].invites[0][1]]
    )
    for view in views:
        [event] = view["events"]
        assert (view["method"], event["uid"], event["sequence"], event["status"]) == (
            "REQUEST",
            uid,
            1,
            "CONFIRMED",
        )
        assert event["dtstart"] == datetime(2026, 12, 8, 6, 0, tzinfo=UTC)
        assert budi.user.email.lower() not in {a["email"] for a in event["attendees"]}


def test_a_replaced_narasumber_gets_a_cancel_and_a_later_cancel_skips_them(app, session, smtp):
    req, ani, budi, citra = session["req"], session["ani"], session["budi"], session["citra"]
    uid = invites.uid_of(req)
    [old] = [a for a in req.assignments if a.narasumber_id == budi.id]
    with app.test_request_context():
        booking.replace_narasumber(old, citra.id, actor=session["boss"])
        booking.commit_or_conflict()
    db.session.refresh(req)

    mail, _cal = _released(smtp, budi)
    _assert_personal_cancel(mail, budi, uid, sequence=1)
    # The newcomer's invite is that version: it names Citra, not Budi.
    welcome = the_invite(mailbox(smtp, citra.user.email)[-1]).vevent
    assert welcome.uid.value == uid and int(welcome.sequence.value) == 1
    assert citra.user.email.lower() in attendees(welcome)
    assert budi.user.email.lower() not in attendees(welcome)
    recorded = {email for email, _name, _role in db.session.get(InviteState, req.id).attendees}
    assert citra.user.email in recorded and budi.user.email not in recorded

    cancel(app, req, session["boss"])  # the CANCEL goes to who is in now, not to Budi again
    gone = the_invite(mailbox(smtp, citra.user.email)[-1]).vevent
    assert gone.status.value == "CANCELLED" and int(gone.sequence.value) == 2
    assert budi.user.email.lower() not in attendees(gone)
    assert len(mailbox(smtp, budi.user.email)) == 2  # the assignment and its release only
    assert {ani.user.email.lower(), citra.user.email.lower()} <= set(attendees(gone))


def test_a_cancelled_session_still_sends_the_common_cancel(app, session, smtp):
    req, budi = session["req"], session["budi"]
    cancel(app, req, session["boss"])
    mail, cal = _released(smtp, budi)
    assert cal.method.value == "CANCEL" and cal.vevent.status.value == "CANCELLED"
    assert not hasattr(cal.vevent, "valarm")  # a CANCEL sets no reminder
    assert budi.user.email.lower() in attendees(cal.vevent)
    assert PEMDA in attendees(cal.vevent)  # the session's own CANCEL, to everyone
    [event] = icaljs.parse_one(mail.invites[0][1])["events"]
    assert (event["status"], event["sequence"], event["valarms"]) == ("CANCELLED", 1, 0)
    assert {budi.user.email.lower(), PEMDA} <= {a["email"] for a in event["attendees"]}
