"""Helpers of the invite tests: check an .ics with two parsers, book sessions as a route does.

checked() is applied to every invite and feed the suite produces (conftest wraps
app.invites.ics): CRLF lines of at most 75 octets, parsed by icalendar and by vobject.
"""

from datetime import datetime

import vobject
from icalendar import Calendar

from app.extensions import db
from app.scheduling import services as booking


def checked(content: bytes):
    """The calendar parsed by vobject, after checking its lines and parsing it with icalendar."""
    assert isinstance(content, bytes)
    assert content.endswith(b"\r\n")
    lines = content.split(b"\r\n")[:-1]
    assert lines[0] == b"BEGIN:VCALENDAR" and lines[-1] == b"END:VCALENDAR"
    for line in lines:
        assert b"\n" not in line and b"\r" not in line
        assert len(line) <= 75, line  # octets (RFC 5545 3.1), whatever the characters
    text = content.decode("utf-8")
    Calendar.from_ical(text)
    parsed = vobject.readOne(text)
    assert parsed.name == "VCALENDAR" and parsed.version.value == "2.0"
    return parsed


def unfolded(content: bytes) -> str:
    return content.decode("utf-8").replace("\r\n ", "")


def event_of(content: bytes):
    return checked(content).vevent


def attendees(event) -> dict[str, dict]:
    """{email: params} of the event's ATTENDEE lines."""
    return {a.value.removeprefix("mailto:").lower(): a.params for a in getattr(event, "attendee_list", [])}


def schedule(app, req, people, actor, start: datetime, end: datetime, **kwargs):
    with app.test_request_context():
        booking.schedule(
            req, start=start, end=end, narasumber_ids=[p.id for p in people], actor=actor, **kwargs
        )
        booking.commit_or_conflict()
    db.session.refresh(req)
    return req


def reschedule(app, req, actor, start: datetime, end: datetime, **kwargs):
    with app.test_request_context():
        booking.reschedule(
            req, start=start, end=end, actor=actor, reason="Narasumber bertugas ke daerah", **kwargs
        )
        booking.commit_or_conflict()
    db.session.refresh(req)
    return req


def cancel(app, req, actor, reason: str = "Narasumber berhalangan"):
    with app.test_request_context():
        booking.cancel_session(req, actor=actor, reason=reason)
        booking.commit_or_conflict()
    db.session.refresh(req)
    return req
