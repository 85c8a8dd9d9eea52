"""Converting a scheduled face-to-face session to a video conference changes its location:
the Pemda and each narasumber get the new version of the invite (same UID, SEQUENCE raised,
the meeting link as LOCATION); the front desk gets a CANCEL (tests/invites/test_front_desk.py).
Delivered to a real SMTP server; every invite read by vobject and ical.js too."""

from datetime import UTC, datetime

import pytest

from app.domain.policy import Mode
from app.extensions import db
from app.invites import services as invites
from app.scheduling import decisions
from tests import factories, icaljs
from tests.invites.helpers import schedule
from tests.invites.mailbox import mailbox, the_invite
from tests.outbox import conftest as outbox_fixtures
from tests.scheduling.factories import coordinator, narasumber, wib

PEMDA = "operator@brebeskab.go.id"
LINK = "https://vc.kemenkeu.go.id/j/konsultasi-brebes"
smtp = outbox_fixtures.smtp


@pytest.fixture
def session(app, frozen, smtp):
    pemda = factories.pemda_user(factories.BREBES, email=PEMDA, name="Siti Aminah")
    boss = coordinator(name="Koordinator Satu")
    ani = narasumber("Ani Rahmawati")
    room = factories.room("Ruang Konsultasi 1")
    req = factories.consultation(pemda, mode=Mode.FTF)
    db.session.commit()
    schedule(app, req, [ani], boss, wib("2026-12-08", "09:00"), wib("2026-12-08", "10:00"), room_id=room.id)
    return req, boss, ani


def test_conversion_sends_the_new_invite_to_the_pemda_and_the_narasumber(app, session, smtp):
    req, boss, ani = session
    uid = invites.uid_of(req)
    with app.test_request_context():
        decisions.convert_to_vc(req, actor=boss, reason="Ruang tidak tersedia", meeting_url=LINK)
        db.session.commit()
        from app.core.mail import send_queued

        send_queued()
    mails = [mailbox(smtp, address)[-1] for address in (PEMDA, ani.user.email)]
    for mail in mails:
        cal = the_invite(mail)
        assert cal.method.value == "REQUEST"
        event = cal.vevent
        assert event.uid.value == uid
        assert int(event.sequence.value) == 1
        assert event.location.value == LINK
    for view in icaljs.parse([m.invites[0][1] for m in mails]):  # Thunderbird's reading
        [event] = view["events"]
        assert view["method"] == "REQUEST" and (event["uid"], event["sequence"]) == (uid, 1)
        assert (event["location"], event["url"], event["status"]) == (LINK, LINK, "CONFIRMED")
        assert event["dtstart"] == datetime(2026, 12, 8, 2, 0, tzinfo=UTC)
        assert event["dtend"] == datetime(2026, 12, 8, 3, 0, tzinfo=UTC)
