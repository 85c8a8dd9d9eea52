"""Personal calendar feeds: /kalender/<token>.ics, one secret revocable URL per narasumber and
per room, listing only their sessions (upcoming and the last 30 days); a feed without sessions
is still a valid calendar. Read by vobject and by ical.js (Thunderbird's parser)."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.auth.models import Role
from app.core.audit import AuditLog
from app.domain.policy import Mode
from app.domain.states import RequestState
from app.extensions import db
from app.invites.models import FeedKind, FeedToken
from tests import factories, icaljs
from tests.invites.helpers import cancel, checked, schedule
from tests.narasumber import factories as people
from tests.requests.helpers import NOW, login_as
from tests.scheduling.factories import coordinator, narasumber, wib

NINE, TEN = wib("2026-12-08", "09:00"), wib("2026-12-08", "10:00")


@pytest.fixture
def world(app, frozen):
    brebes = factories.pemda_user(factories.BREBES)
    balikpapan = factories.pemda_user(factories.BALIKPAPAN)
    boss = coordinator()
    ani, budi = narasumber("Ani Rahmawati"), narasumber("Budi Santoso")
    dahlia, melati = factories.room("Ruang Dahlia"), factories.room("Ruang Melati")
    reqs = {
        "ani_ftf": factories.consultation(brebes, mode=Mode.FTF),
        "budi_ftf": factories.consultation(balikpapan, mode=Mode.FTF),
        "ani_cancelled": factories.consultation(balikpapan, mode=Mode.VC, with_letter=False),
    }
    # Held sessions 10 and 40 days ago (made directly: the booking services refuse the past).
    recent = people.session(brebes, NOW - timedelta(days=10), state=RequestState.HELD)
    old = people.session(brebes, NOW - timedelta(days=40), state=RequestState.HELD)
    people.assignment(recent, ani)
    people.assignment(old, ani)
    db.session.commit()
    schedule(app, reqs["ani_ftf"], [ani], boss, NINE, TEN, room_id=dahlia.id)
    schedule(app, reqs["budi_ftf"], [budi], boss, NINE, TEN, room_id=melati.id)
    schedule(app, reqs["ani_cancelled"], [ani], boss, wib("2026-12-09", "09:00"), wib("2026-12-09", "10:00"))
    cancel(app, reqs["ani_cancelled"], boss)
    return {
        "ani": ani,
        "budi": budi,
        "dahlia": dahlia,
        "melati": melati,
        "recent": recent,
        "old": old,
        **reqs,
    }


def _uids(content: bytes) -> set[str]:
    cal = checked(content)
    assert cal.method.value == "PUBLISH"
    return {e.uid.value for e in getattr(cal, "vevent_list", [])}


def _uid(req) -> str:
    return f"konsultasi-{req.id}@djpk.kemenkeu.go.id"


def _token(kind, owner_id) -> FeedToken:
    return db.session.scalars(
        select(FeedToken).where(
            FeedToken.kind == kind, FeedToken.owner_id == owner_id, FeedToken.revoked_at.is_(None)
        )
    ).one()


def test_narasumber_creates_a_feed_of_only_their_sessions(client, world):
    login_as(client, world["ani"].user)
    page = client.get("/narasumber/").get_data(as_text=True)
    assert 'id="kalender"' in page and "Buat alamat langganan kalender" in page

    response = client.post("/kalender/saya")
    assert response.status_code == 302 and response.headers["Location"].endswith("/narasumber/#kalender")
    token = _token(FeedKind.NARASUMBER, world["ani"].id)
    assert len(token.token) >= 43
    page = client.get("/narasumber/").get_data(as_text=True)
    assert f"http://localhost/kalender/{token.token}.ics" in page
    assert f"webcal://localhost/kalender/{token.token}.ics" in page

    client.post("/keluar")
    feed = client.get(f"/kalender/{token.token}.ics")  # no login: the token is enough
    assert feed.status_code == 200
    assert feed.headers["Content-Type"] == "text/calendar; charset=utf-8"
    # Upcoming and last 30 days; not another narasumber's, not cancelled, not older.
    assert _uids(feed.data) == {_uid(world["ani_ftf"]), _uid(world["recent"])}
    assert "Ani Rahmawati" in checked(feed.data).contents["x-wr-calname"][0].value

    view = icaljs.parse_one(feed.data)  # as Thunderbird subscribes to it
    assert view["method"] == "PUBLISH" and "Ani Rahmawati" in view["name"]
    assert view["components"] == ["VTIMEZONE", "VEVENT", "VEVENT"]
    events = {e["uid"]: e for e in view["events"]}
    assert set(events) == {_uid(world["ani_ftf"]), _uid(world["recent"])}
    upcoming = events[_uid(world["ani_ftf"])]
    assert (upcoming["dtstart"], upcoming["dtend"]) == (
        datetime(2026, 12, 8, 2, 0, tzinfo=UTC),
        datetime(2026, 12, 8, 3, 0, tzinfo=UTC),
    )
    assert (upcoming["sequence"], upcoming["status"]) == (0, "CONFIRMED")
    assert events[_uid(world["recent"])]["dtstart"] == world["recent"].scheduled_start
    assert all(e["attendees"] == [] for e in view["events"])  # PUBLISH names nobody


def test_a_feed_without_sessions_is_a_valid_empty_calendar(client, world):
    admin = factories.user(Role.ADMIN)
    empty = factories.room("Ruang Anggrek")
    db.session.commit()
    login_as(client, admin)
    client.post(f"/admin/kalender/room/{empty.id}")
    client.post(f"/admin/kalender/narasumber/{world['budi'].id}")
    client.post("/keluar")

    empty_feed = client.get(f"/kalender/{_token(FeedKind.ROOM, empty.id).token}.ics")
    budi_feed = client.get(f"/kalender/{_token(FeedKind.NARASUMBER, world['budi'].id).token}.ics")
    assert empty_feed.status_code == 200 and _uids(empty_feed.data) == set()
    # RFC 5545 needs one component: the time zone of Jakarta, which clients show nothing for.
    assert checked(empty_feed.data).vtimezone.tzid.value == "Asia/Jakarta"
    nothing, one = icaljs.parse([empty_feed.data, budi_feed.data])  # one node process
    assert nothing["components"] == ["VTIMEZONE"] and nothing["events"] == []
    assert "Ruang Anggrek" in nothing["name"]
    assert [e["uid"] for e in one["events"]] == [_uid(world["budi_ftf"])]


def test_renewing_revokes_the_old_url_and_revoking_stops_it(client, world):
    login_as(client, world["ani"].user)
    client.post("/kalender/saya")
    first = _token(FeedKind.NARASUMBER, world["ani"].id).token
    client.post("/kalender/saya")
    second = _token(FeedKind.NARASUMBER, world["ani"].id).token
    assert first != second
    assert client.get(f"/kalender/{first}.ics").status_code == 404
    assert client.get(f"/kalender/{second}.ics").status_code == 200

    client.post("/kalender/saya/cabut")
    assert client.get(f"/kalender/{second}.ics").status_code == 404
    assert db.session.scalars(select(FeedToken).where(FeedToken.revoked_at.is_(None))).all() == []
    actions = [a.action for a in db.session.scalars(select(AuditLog).order_by(AuditLog.id))]
    assert actions.count("feed_token.issue") == 2 and actions.count("feed_token.revoke") == 1


def test_unknown_token_is_404(client, world):
    assert client.get("/kalender/tidak-ada.ics").status_code == 404
    assert client.get("/kalender/" + "x" * 80 + ".ics").status_code == 404


def test_admin_manages_room_feeds(client, world):
    admin = factories.user(Role.ADMIN)
    db.session.commit()
    login_as(client, admin)
    page = client.get("/admin/kalender").get_data(as_text=True)
    assert "Ruang Dahlia" in page and "Ani Rahmawati" in page

    response = client.post(f"/admin/kalender/room/{world['dahlia'].id}")
    assert response.status_code == 302
    token = _token(FeedKind.ROOM, world["dahlia"].id).token
    assert token in client.get("/admin/kalender").get_data(as_text=True)
    assert _uids(client.get(f"/kalender/{token}.ics").data) == {_uid(world["ani_ftf"])}

    client.post(f"/admin/kalender/narasumber/{world['budi'].id}")
    budi_token = _token(FeedKind.NARASUMBER, world["budi"].id).token
    assert _uids(client.get(f"/kalender/{budi_token}.ics").data) == {_uid(world["budi_ftf"])}

    client.post(f"/admin/kalender/room/{world['dahlia'].id}/cabut")
    assert client.get(f"/kalender/{token}.ics").status_code == 404
    assert client.post("/admin/kalender/kursi/1").status_code == 404
    assert client.post("/admin/kalender/room/999999").status_code == 404


def test_admin_pages_link_to_the_feeds(client, world):
    login_as(client, factories.user(Role.ADMIN))
    assert 'href="/admin/kalender"' in client.get("/admin/ruang").get_data(as_text=True)
    assert 'href="/admin/kalender"' in client.get("/admin/narasumber").get_data(as_text=True)


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.NARASUMBER, Role.PEMDA])
def test_only_admin_manages_others_feeds(client, world, role):
    user = factories.pemda_user() if role == Role.PEMDA else factories.user(role)
    db.session.commit()
    login_as(client, user)
    assert client.get("/admin/kalender").status_code == 403
    assert client.post(f"/admin/kalender/room/{world['dahlia'].id}").status_code == 403
    assert client.post(f"/admin/kalender/narasumber/{world['ani'].id}").status_code == 403


def test_only_narasumber_have_an_own_feed(client, world):
    login_as(client, coordinator())
    assert client.post("/kalender/saya").status_code == 403
