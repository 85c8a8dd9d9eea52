"""Invites travel by email through the outbox to a real SMTP server (aiosmtpd): the
text/calendar part's method equals the METHOD inside, a reschedule keeps the UID and raises
SEQUENCE, a cancel carries CANCEL and CANCELLED and no reminder. Each invite is read by
vobject and by ical.js (Thunderbird's parser) too."""

from datetime import UTC, datetime

import pytest

from app.domain.policy import Mode
from app.extensions import db
from tests import factories, icaljs
from tests.invites.helpers import cancel, checked, reschedule, schedule
from tests.outbox import conftest as outbox_fixtures
from tests.scheduling.factories import coordinator, narasumber, wib

DAY = "2026-12-08"
smtp = outbox_fixtures.smtp  # the real SMTP server fixture


@pytest.fixture
def session(app, frozen, smtp):
    pemda = factories.pemda_user(factories.BREBES, email="operator@brebeskab.go.id", name="Siti Aminah")
    boss = coordinator(name="Koordinator Satu")
    ani = narasumber("Ani Rahmawati")
    req = factories.consultation(pemda, mode=Mode.VC, with_letter=False)
    db.session.commit()
    return {"req": req, "boss": boss, "ani": ani, "smtp": smtp}


def _invites(server, address: str) -> list:
    """(MIME method parameter, parsed calendar, raw bytes) of every invite delivered to `address`."""
    found = []
    for message in server.messages:
        if address not in message["To"]:
            continue
        for part in message.walk():
            if part.get_content_type() == "text/calendar":
                raw = part.get_payload(decode=True)
                found.append((part.get_param("method"), checked(raw), raw))
    return found


def test_schedule_reschedule_cancel_deliver_matching_invites(app, session):
    req, boss, ani, server = session["req"], session["boss"], session["ani"], session["smtp"]
    schedule(app, req, [ani], boss, wib(DAY, "09:00"), wib(DAY, "10:00"))
    reschedule(app, req, boss, wib(DAY, "13:00"), wib(DAY, "14:00"))
    cancel(app, req, boss)

    for address in ("operator@brebeskab.go.id", ani.user.email):
        invites = _invites(server, address)
        methods = [(param, cal.method.value) for param, cal, _raw in invites]
        assert methods == [("REQUEST", "REQUEST"), ("REQUEST", "REQUEST"), ("CANCEL", "CANCEL")], address
        events = [cal.vevent for _param, cal, _raw in invites]
        assert len({e.uid.value for e in events}) == 1
        assert [int(e.sequence.value) for e in events] == [0, 1, 2]
        assert events[1].dtstart.value.hour == 6  # 13:00 WIB in UTC
        assert events[2].status.value == "CANCELLED"
        assert not hasattr(events[2], "valarm")  # a CANCEL sets no reminder (RFC 5546 3.2.5)

        views = icaljs.parse([raw for _param, _cal, raw in invites])
        assert [v["method"] for v in views] == ["REQUEST", "REQUEST", "CANCEL"]
        seen = [v["events"][0] for v in views]
        assert {e["uid"] for e in seen} == {events[0].uid.value}
        assert [(e["sequence"], e["status"], e["valarms"]) for e in seen] == [
            (0, "CONFIRMED", 1),
            (1, "CONFIRMED", 1),
            (2, "CANCELLED", 0),
        ]
        assert seen[0]["dtstart"] == datetime(2026, 12, 8, 2, 0, tzinfo=UTC)
        assert (seen[1]["dtstart"], seen[1]["dtend"]) == (
            datetime(2026, 12, 8, 6, 0, tzinfo=UTC),
            datetime(2026, 12, 8, 7, 0, tzinfo=UTC),
        )
