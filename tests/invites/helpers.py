"""Helpers of the invite tests: check an .ics with three parsers, book sessions as a route does.

checked() is applied to every invite and feed the suite produces (conftest wraps
app.invites.ics): CRLF lines of at most 75 octets, parsed by icalendar and by vobject. At the
end of each test conftest hands the whole batch to ical.js (tests/icaljs.py) and
agrees() checks that its view matches icalendar's and follows the RFC 5546 rules below.
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


def agrees(content: bytes, view: dict) -> dict:
    """Check ical.js's `view` of `content` against icalendar's reading and the iTIP rules:
    at least one component; a REQUEST is CONFIRMED and names its attendees; a CANCEL has no
    VALARM and names attendees, with STATUS:CANCELLED for the whole event or no STATUS when
    it removes only them; a PUBLISH names nobody. Returns `view`."""
    cal = Calendar.from_ical(content.decode("utf-8"))
    method = str(cal.get("METHOD")) if cal.get("METHOD") is not None else None
    assert view["method"] == method
    assert view["components"] == [c.name for c in cal.subcomponents]
    assert view["components"], "a calendar needs at least one component (RFC 5545 section 3.6)"
    events = cal.walk("VEVENT")
    assert len(view["events"]) == len(events)
    for mine, theirs in zip(view["events"], events, strict=True):
        assert mine["uid"] == str(theirs["UID"])
        assert mine["sequence"] == int(theirs["SEQUENCE"])
        assert mine["status"] == (str(theirs["STATUS"]) if "STATUS" in theirs else None)
        assert mine["dtstart"] == theirs.decoded("DTSTART") and mine["dtend"] == theirs.decoded("DTEND")
        assert mine["dtstart"] < mine["dtend"]
        for key in ("summary", "location", "description", "url"):
            assert mine[key] == (str(theirs[key.upper()]) if key.upper() in theirs else None), key
        assert {a["email"] for a in mine["attendees"]} == set(attendees_of_icalendar(theirs))
        assert mine["valarms"] == len(theirs.walk("VALARM"))
        if method == "REQUEST":
            assert mine["status"] == "CONFIRMED" and mine["attendees"]
        elif method == "CANCEL":
            assert mine["valarms"] == 0, "no VALARM in a CANCEL (RFC 5546 section 3.2.5)"
            assert mine["attendees"]
            assert mine["status"] in ("CANCELLED", None)
        elif method == "PUBLISH":
            assert not mine["attendees"]
    return view


def attendees_of_icalendar(event) -> list[str]:
    found = event.get("ATTENDEE", [])
    found = found if isinstance(found, list) else [found]
    return [str(a).removeprefix("mailto:").lower() for a in found]


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
