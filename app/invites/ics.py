"""iCalendar bytes from plain values: a session's invite and a personal feed.

No database and no Flask here: app.invites.services gathers the values (and the translated
text). An invite is RFC 5546 iTIP: METHOD:REQUEST for a new or changed session,
METHOD:CANCEL (and STATUS:CANCELLED) for a cancelled one, always the same UID with a rising
SEQUENCE. Removing some attendees from a session that goes on is a CANCEL naming only them
and carrying no STATUS (RFC 5546 section 3.2.5: STATUS:CANCELLED would cancel the whole
event). A CANCEL never carries a VALARM (same section). A feed is METHOD:PUBLISH, which
carries no ATTENDEE (RFC 5546 section 3.2.1).
All times are written in UTC ("Z"), so no event needs a VTIMEZONE; a feed still carries the
one of Asia/Jakarta, because a calendar needs at least one component (RFC 5545 section 3.6)
and a narasumber or room may have no session. The icalendar package folds lines at 75 octets.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from icalendar import Alarm, Calendar, Event, Timezone, TimezoneStandard, vCalAddress

PRODID = "-//Direktorat Jenderal Perimbangan Keuangan//Konsultasi DJPK//ID"
METHODS = ("REQUEST", "CANCEL")
ALARM_BEFORE = timedelta(minutes=30)


@dataclass(frozen=True)
class Person:
    """An organizer or attendee. role: REQ-PARTICIPANT, OPT-PARTICIPANT or NON-PARTICIPANT."""

    email: str
    name: str
    role: str = "REQ-PARTICIPANT"


@dataclass(frozen=True)
class SessionEvent:
    """One session as a calendar event; times aware (any zone: written in UTC)."""

    uid: str
    start: datetime
    end: datetime
    summary: str
    description: str
    location: str
    organizer: Person
    url: str | None = None
    attendees: tuple[Person, ...] = ()
    sequence: int = 0
    cancelled: bool = False
    alarm_text: str = ""
    categories: tuple[str, ...] = field(default_factory=tuple)


def build_invite(event: SessionEvent, *, method: str, now: datetime) -> bytes:
    """The invite of one session to its attendees (iTIP REQUEST, or CANCEL of the whole event)."""
    if method not in METHODS:
        raise ValueError(f"unknown iTIP method {method!r}")
    cancel = method == "CANCEL"
    status = "CANCELLED" if cancel or event.cancelled else "CONFIRMED"
    cal = _calendar(method)
    cal.add_component(_event(event, now, status=status, attendees=True, alarm=not cancel))
    return cal.to_ical()


def build_uninvite(event: SessionEvent, *, now: datetime) -> bytes:
    """A CANCEL removing `event.attendees` from a session that goes on without them.

    RFC 5546 section 3.2.5 ("cancel a VEVENT for some attendees"): only the attendees being
    removed, and no STATUS, which would cancel the event for everyone who sees the message.
    """
    if not event.attendees:
        raise ValueError("an uninvitation names the attendees it removes")
    cal = _calendar("CANCEL")
    cal.add_component(_event(event, now, status=None, attendees=True, alarm=False))
    return cal.to_ical()


def build_feed(events: Iterable[SessionEvent], name: str, *, now: datetime) -> bytes:
    """A subscribable calendar (METHOD:PUBLISH) of `events`, named `name`."""
    cal = _calendar("PUBLISH")
    cal.add("name", name)
    cal.add("x-wr-calname", name)
    # Ask subscribing apps to refresh hourly (RFC 7986, and the Outlook/Apple spelling).
    cal.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT1H")
    cal.add_component(_jakarta())
    for event in events:
        status = "CANCELLED" if event.cancelled else "CONFIRMED"
        cal.add_component(_event(event, now, status=status, attendees=False, alarm=not event.cancelled))
    return cal.to_ical()


def _jakarta() -> Timezone:
    """Asia/Jakarta (WIB, UTC+7 without daylight saving since 1964) as a VTIMEZONE: what keeps
    an empty feed a valid calendar, and what clients show nothing for."""
    zone = Timezone()
    zone.add("tzid", "Asia/Jakarta")
    standard = TimezoneStandard()
    standard.add("dtstart", datetime(1970, 1, 1))
    standard.add("tzoffsetfrom", timedelta(hours=7))
    standard.add("tzoffsetto", timedelta(hours=7))
    standard.add("tzname", "WIB")
    zone.add_component(standard)
    return zone


def _calendar(method: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    return cal


def _event(e: SessionEvent, now: datetime, *, status: str | None, attendees: bool, alarm: bool) -> Event:
    event = Event()
    event.add("uid", e.uid)
    event.add("sequence", e.sequence)
    event.add("dtstamp", _utc(now))
    event.add("dtstart", _utc(e.start))
    event.add("dtend", _utc(e.end))
    event.add("summary", e.summary)
    event.add("description", e.description)
    event.add("location", e.location)
    if e.url:
        event.add("url", e.url)
    if e.categories:
        event.add("categories", list(e.categories))
    if status is not None:
        event.add("status", status)
    # Whatever is withdrawn, for everyone or for the attendee reading it, no longer blocks time.
    event.add("transp", "OPAQUE" if status == "CONFIRMED" else "TRANSPARENT")
    event.add("organizer", _address(e.organizer))
    if attendees:
        for person in e.attendees:
            address = _address(person)
            address.params["ROLE"] = person.role
            address.params["PARTSTAT"] = "NEEDS-ACTION"
            address.params["RSVP"] = "TRUE"
            event.add("attendee", address, encode=0)
    if alarm:
        reminder = Alarm()
        reminder.add("action", "DISPLAY")
        reminder.add("description", e.alarm_text or e.summary)
        reminder.add("trigger", -ALARM_BEFORE)
        event.add_component(reminder)
    return event


def _address(person: Person) -> vCalAddress:
    email = person.email.strip()
    if email.lower().startswith("mailto:"):
        email = email[7:]
    address = vCalAddress(f"mailto:{email}")
    address.params["CN"] = _param_safe(person.name)
    return address


def _param_safe(text: str) -> str:
    # A parameter value may not hold a double quote nor control characters (RFC 5545 3.1).
    return "".join(" " if ch < " " or ch == "\x7f" else ch for ch in text.replace('"', "'")).strip()


def _utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("naive datetime refused: give aware datetimes")
    return value.astimezone(UTC)
