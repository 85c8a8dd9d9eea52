"""Every link to the application in a calendar file (the verification link in DESCRIPTION)
comes from the configured public address (PUBLIC_URL, app.core.urls): inside a
request whatever its Host header says (download, feed), and outside one (the export command,
an email the scheduler queues). A forged Host never reaches a calendar."""

import base64
import re

import pytest
from sqlalchemy import select

from app.domain.policy import Mode
from app.extensions import db
from app.invites import feeds
from app.invites.models import FeedKind
from app.outbox.models import OutboxMessage
from app.scheduling.services import cancel_unconfirmed
from tests import factories, icaljs
from tests.invites.helpers import checked, schedule, unfolded
from tests.scheduling.factories import coordinator, narasumber, wib

PUBLIC = "https://konsultasi.djpk.kemenkeu.go.id"
FORGED = "attacker.example"
LINK = re.compile(r"https?://[^\s,;\\]+")


@pytest.fixture
def session(app, frozen, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_URL", PUBLIC + "/")  # a trailing slash too
    owner = factories.pemda_user(factories.BREBES)
    boss = coordinator()
    ani = narasumber("Ani Rahmawati")
    room = factories.room("Ruang Rapat Dahlia")
    req = factories.consultation(owner, mode=Mode.FTF)
    db.session.commit()
    schedule(app, req, [ani], boss, wib("2026-12-08", "09:00"), wib("2026-12-08", "10:00"), room_id=room.id)
    return {"req": req, "owner": owner, "ani": ani, "boss": boss}


def _only_public_links(content: bytes, req) -> None:
    text = unfolded(content).replace("\\n", "\n")
    assert FORGED not in text and "127.0.0.1" not in text and "localhost" not in text
    links = LINK.findall(text)
    assert links and all(link.startswith(PUBLIC + "/") for link in links), links
    verify = f"{PUBLIC}/verifikasi?kode={req.booking_code_display}"
    assert verify in checked(content).vevent.description.value
    [event] = icaljs.parse_one(content)["events"]  # and Thunderbird reads the same link
    assert verify in event["description"]


def _login_at(client, user, host: str) -> None:
    """Log in with the session cookie of `host` (the test client sends cookies per host)."""
    from app.auth import sessions

    with client.application.test_request_context(environ_base=client.environ_base):
        identifier = sessions.session_identifier()
        token = sessions.open_session(user)  # the server-side session row of a login
    db.session.commit()
    with client.session_transaction(base_url=f"http://{host}") as s:
        s["_user_id"] = user.get_id()
        s["_fresh"] = True
        s["_id"] = identifier
        s[sessions.SESSION_KEY] = token


def test_download_with_a_forged_host_links_to_the_public_address(client, session):
    req = session["req"]
    _login_at(client, session["owner"], FORGED)
    response = client.get(f"/undangan/{req.id}.ics", headers={"Host": FORGED})
    assert response.status_code == 200
    _only_public_links(response.data, req)


def test_feed_with_a_forged_host_links_to_the_public_address(client, session):
    row = feeds.issue(session["ani"].user, FeedKind.NARASUMBER, session["ani"].id)
    db.session.commit()
    response = client.get(f"/kalender/{row.token}.ics", headers={"Host": FORGED})
    assert response.status_code == 200
    _only_public_links(response.data, session["req"])


def test_export_outside_a_request_links_to_the_public_address(runner, session, tmp_path):
    result = runner.invoke(args=["invites", "export", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    [path] = tmp_path.iterdir()
    _only_public_links(path.read_bytes(), session["req"])


def test_an_email_the_scheduler_queues_links_to_the_public_address(app, session):
    req = session["req"]
    cancel_unconfirmed(req, reason="Kehadiran tidak dikonfirmasi")  # as the scheduler job does
    db.session.commit()
    rows = db.session.scalars(select(OutboxMessage).where(OutboxMessage.request_id == req.id)).all()
    parts = [a for row in rows for a in row.attachments if a["content_type"].startswith("text/calendar")]
    cancels = [base64.b64decode(p["content"]) for p in parts if p["content_type"].endswith("method=CANCEL")]
    assert cancels
    for content in cancels:
        _only_public_links(content, req)
