"""Invites travel by email through the outbox to a real SMTP server (aiosmtpd): the
text/calendar part's method equals the METHOD inside, a reschedule keeps the UID and raises
SEQUENCE, a cancel carries CANCEL and CANCELLED. Each invite is parsed by vobject too."""

import pytest

from app.domain.policy import Mode
from app.extensions import db
from tests import factories
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
    """(MIME method parameter, parsed calendar) of every invite delivered to `address`."""
    found = []
    for message in server.messages:
        if address not in message["To"]:
            continue
        for part in message.walk():
            if part.get_content_type() == "text/calendar":
                found.append((part.get_param("method"), checked(part.get_payload(decode=True))))
    return found


def test_schedule_reschedule_cancel_deliver_matching_invites(app, session):
    req, boss, ani, server = session["req"], session["boss"], session["ani"], session["smtp"]
    schedule(app, req, [ani], boss, wib(DAY, "09:00"), wib(DAY, "10:00"))
    reschedule(app, req, boss, wib(DAY, "13:00"), wib(DAY, "14:00"))
    cancel(app, req, boss)

    for address in ("operator@brebeskab.go.id", ani.user.email):
        invites = _invites(server, address)
        methods = [(param, cal.method.value) for param, cal in invites]
        assert methods == [("REQUEST", "REQUEST"), ("REQUEST", "REQUEST"), ("CANCEL", "CANCEL")], address
        events = [cal.vevent for _param, cal in invites]
        assert len({e.uid.value for e in events}) == 1
        assert [int(e.sequence.value) for e in events] == [0, 1, 2]
        assert events[1].dtstart.value.hour == 6  # 13:00 WIB in UTC
        assert events[2].status.value == "CANCELLED"
