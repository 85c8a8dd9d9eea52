"""The invites on a real CalDAV server: Radicale on loopback, driven by the caldav client.

A calendar client that receives an iTIP invite (RFC 5546) stores its event under the UID and
replaces it when a higher SEQUENCE arrives; a CANCEL that names only the calendar's owner
and no STATUS removes them from the event, which goes on for the others (RFC 5546 section
3.2.5), so their client deletes it. This suite does just that with the invites the app
really serves (GET /undangan/<id>.ics, and the CANCEL a dropped narasumber's email carries)
and checks that the server ends up with one event per session: moved by the reschedule,
marked cancelled by the cancel, never duplicated, and gone from a dropped narasumber's
calendar while the others keep it.

Radicale runs as a subprocess (`python -m radicale`, storage in a temporary folder, no
authentication, a free port on 127.0.0.1). When it cannot start, the tests fail under CI
(CI set) and are skipped elsewhere.
"""

import base64
import importlib.util
import os
import re
import socket
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime

import pytest
from icalendar import Calendar
from sqlalchemy import select

from app.domain.policy import Mode
from app.extensions import db
from app.outbox.models import OutboxMessage
from tests import factories
from tests.invites.helpers import attendees_of_icalendar, cancel, checked, reschedule, schedule
from tests.machine import free_port
from tests.requests.helpers import login_as
from tests.scheduling.factories import coordinator, narasumber, wib

DAY = "2026-12-08"
NINE, TEN = wib(DAY, "09:00"), wib(DAY, "10:00")
START_TIMEOUT = 30.0  # seconds for Radicale to accept connections
METHOD_LINE = re.compile(rb"^METHOD:[^\r\n]*\r\n", re.MULTILINE)


def _unavailable(message: str):
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def _listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return False
    return True


def _wait_until_listening(proc: subprocess.Popen, port: int, log) -> None:
    """Poll until the port answers, with a deadline; waiting on the process is the pause
    between two tries (and notices at once when Radicale exits)."""
    deadline = time.monotonic() + START_TIMEOUT
    while not _listening(port):
        if time.monotonic() > deadline:
            _unavailable(f"Radicale did not listen on 127.0.0.1:{port} in {START_TIMEOUT:.0f} s: {log()}")
        try:
            proc.wait(timeout=0.05)
        except subprocess.TimeoutExpired:
            continue
        _unavailable(f"Radicale exited with {proc.returncode}: {log()}")


@pytest.fixture(scope="module")
def radicale(tmp_path_factory):
    """The base URL of a Radicale server of this module's own (stopped after it)."""
    for module in ("radicale", "caldav"):
        if importlib.util.find_spec(module) is None:
            _unavailable(f"{module} is not installed (see requirements-dev.txt)")
    folder = tmp_path_factory.mktemp("radicale")
    log_path = folder / "radicale.log"
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "radicale",
        "--config",
        "",  # no /etc/radicale/config nor ~/.config/radicale/config: only these options
        "--server-hosts",
        f"127.0.0.1:{port}",
        "--auth-type",
        "none",  # any user name is accepted; each user owns the calendars under /<user>/
        "--storage-filesystem-folder",
        str(folder / "collections"),
        "--logging-level",
        "warning",
    ]
    with log_path.open("wb") as log:
        proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait_until_listening(proc, port, lambda: log_path.read_text(errors="replace")[-2000:])
        yield f"http://127.0.0.1:{port}/"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@pytest.fixture
def calendars(radicale):
    """new(user): a fresh calendar of `user` on the server (auth none: any name will do)."""
    import caldav

    clients = []

    def new(user: str):
        client = caldav.DAVClient(url=radicale, username=user, password="tidak-dipakai")
        clients.append(client)
        return client.principal().make_calendar(name=f"Konsultasi DJPK {uuid.uuid4().hex[:8]}")

    yield new
    for client in clients:
        client.close()


def deliver(calendar, invite: bytes, owner: str):
    """Apply an iTIP invite to `calendar` of `owner` (an email address) as a calendar client
    does; the stored event, or None when the CANCEL removed it.

    A CANCEL without STATUS uninvites the attendees it names (RFC 5546 section 3.2.5): the
    owner must be one of them, and their client deletes the event. Any other version replaces
    the stored one, a whole-event CANCEL keeping it marked STATUS:CANCELLED.
    A calendar object resource may not hold METHOD (RFC 4791 section 4.1: METHOD belongs to
    the iTIP message, not to the stored object). Radicale 3.9 happens to store it anyway, but
    a conforming client strips it and a strict server refuses it, so it is stripped here.
    caldav raises SEQUENCE on every save by default; the invite's own SEQUENCE is kept.
    """
    from caldav.lib.error import NotFoundError

    message = Calendar.from_ical(invite.decode("utf-8"))
    body = METHOD_LINE.sub(b"", invite, count=1).decode("utf-8")
    event = message.walk("VEVENT")[0]
    assert owner.lower() in attendees_of_icalendar(event)  # an invite not meant for them is not applied
    try:
        stored = calendar.event_by_uid(str(event["UID"]))
    except NotFoundError:
        assert str(message["METHOD"]) == "REQUEST"  # nothing to cancel
        return calendar.add_event(body, no_overwrite=True, increase_seqno=False)
    # An older or repeated version never replaces a newer one.
    assert int(event["SEQUENCE"]) > int(stored.icalendar_component["SEQUENCE"])
    if str(message["METHOD"]) == "CANCEL" and "STATUS" not in event:
        stored.delete()
        return None
    stored.data = body
    stored.save(no_create=True, increase_seqno=False)
    return stored


def _only_event(calendar):
    """The calendar's one event (its resource URL and VEVENT): a duplicate fails here."""
    [stored] = calendar.events()
    assert "METHOD" not in Calendar.from_ical(stored.data)
    return str(stored.url), stored.icalendar_component


@pytest.fixture
def people(app, frozen):
    pemda = factories.pemda_user(factories.BREBES, email="operator@brebeskab.go.id", name="Siti Aminah")
    boss = coordinator(name="Koordinator Satu")
    ani, budi = narasumber("Ani Rahmawati"), narasumber("Budi Santoso")
    room = factories.room("Ruang Rapat Dahlia", capacity=10)
    db.session.commit()
    return {"pemda": pemda, "boss": boss, "ani": ani, "budi": budi, "room": room}


def _download(client, req) -> bytes:
    """The session's current invite, as the Pemda downloads it from the session page."""
    response = client.get(f"/undangan/{req.id}.ics")
    assert response.status_code == 200
    checked(response.data)
    return response.data


def test_reschedule_moves_the_one_event_and_cancel_marks_it_cancelled(app, client, people, calendars):
    req = factories.consultation(people["pemda"], mode=Mode.FTF)
    schedule(app, req, [people["ani"]], people["boss"], NINE, TEN, room_id=people["room"].id)
    login_as(client, people["pemda"])
    calendar = calendars("siti")
    siti = people["pemda"].email

    deliver(calendar, _download(client, req), siti)
    url, first = _only_event(calendar)
    uid = str(first["UID"])
    assert uid == f"konsultasi-{req.id}@djpk.kemenkeu.go.id"
    assert int(first["SEQUENCE"]) == 0
    assert first.decoded("DTSTART") == datetime(2026, 12, 8, 2, 0, tzinfo=UTC)

    reschedule(app, req, people["boss"], wib("2026-12-09", "13:00"), wib("2026-12-09", "14:00"))
    deliver(calendar, _download(client, req), siti)
    moved_url, moved = _only_event(calendar)  # the same resource: no duplicate
    assert (moved_url, str(moved["UID"])) == (url, uid)
    assert int(moved["SEQUENCE"]) == 1
    assert moved.decoded("DTSTART") == datetime(2026, 12, 9, 6, 0, tzinfo=UTC)
    assert moved.decoded("DTEND") == datetime(2026, 12, 9, 7, 0, tzinfo=UTC)
    assert str(moved["STATUS"]) == "CONFIRMED"

    cancel(app, req, people["boss"], reason="Narasumber berhalangan")
    deliver(calendar, _download(client, req), siti)
    gone_url, gone = _only_event(calendar)
    assert (gone_url, str(gone["UID"])) == (url, uid)
    assert int(gone["SEQUENCE"]) == 2
    assert str(gone["STATUS"]) == "CANCELLED"


def _attachment_of(kind: str, recipient: str) -> bytes:
    """The calendar attached to the last `kind` email queued for `recipient`."""
    rows = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)
    )
    [row] = [r for r in rows if recipient in r.recipients][-1:]
    [part] = [a for a in row.attachments if a["content_type"].startswith("text/calendar")]
    return base64.b64decode(part["content"])


def test_a_dropped_narasumber_s_calendar_drops_the_event_and_the_others_keep_it(app, people, calendars):
    ani, budi = people["ani"], people["budi"]
    req = factories.consultation(people["pemda"], mode=Mode.VC, with_letter=False)
    schedule(app, req, [ani, budi], people["boss"], NINE, TEN)
    budi_calendar, ani_calendar = calendars("budi"), calendars("ani")
    deliver(budi_calendar, _attachment_of("scheduling/assignment", budi.user.email), budi.user.email)
    deliver(ani_calendar, _attachment_of("scheduling/assignment", ani.user.email), ani.user.email)
    _url, first = _only_event(budi_calendar)

    reschedule(app, req, people["boss"], wib(DAY, "13:00"), wib(DAY, "14:00"), narasumber_ids=[ani.id])
    uninvite = _attachment_of("scheduling/assignment_released", budi.user.email)
    event = Calendar.from_ical(uninvite).walk("VEVENT")[0]
    # Budi's own CANCEL: the same UID one version up, naming only him, the session not cancelled.
    assert str(event["UID"]) == str(first["UID"])
    assert int(event["SEQUENCE"]) == int(first["SEQUENCE"]) + 1
    assert attendees_of_icalendar(event) == [budi.user.email.lower()] and "STATUS" not in event
    with pytest.raises(AssertionError):  # it is not Ani's to apply
        deliver(ani_calendar, uninvite, ani.user.email)
    assert deliver(budi_calendar, uninvite, budi.user.email) is None
    assert budi_calendar.events() == []

    # Ani's calendar moves the session with the new version; it is not cancelled.
    deliver(ani_calendar, _attachment_of("scheduling/assignment", ani.user.email), ani.user.email)
    _url, moved = _only_event(ani_calendar)
    assert int(moved["SEQUENCE"]) == 1 and str(moved["STATUS"]) == "CONFIRMED"
    assert moved.decoded("DTSTART") == datetime(2026, 12, 8, 6, 0, tzinfo=UTC)
