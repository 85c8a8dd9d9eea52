"""GET /undangan/<id>.ics: the owner Pemda, coordinators, administrators and the narasumber of
the session download the invite; nobody else learns that the session exists (404); the front
desk never uses the page (403). Session pages link to it. The file is read by vobject
and by ical.js (Thunderbird's parser)."""

from datetime import UTC, datetime

import pytest

from app.auth.models import Role, UnitType
from app.domain.policy import Mode
from app.extensions import db
from tests import factories, icaljs
from tests.invites.helpers import cancel, checked, schedule
from tests.requests.helpers import login_as
from tests.scheduling.factories import coordinator, narasumber, wib

NINE, TEN = wib("2026-12-08", "09:00"), wib("2026-12-08", "10:00")


@pytest.fixture
def session(app, frozen):
    owner = factories.pemda_user(factories.BREBES)
    boss = coordinator()
    ani = narasumber("Ani Rahmawati")
    req = factories.consultation(owner, mode=Mode.FTF)
    room = factories.room("Ruang Rapat Dahlia")
    db.session.commit()
    schedule(app, req, [ani], boss, NINE, TEN, room_id=room.id)
    return {"req": req, "owner": owner, "boss": boss, "ani": ani}


def _url(req) -> str:
    return f"/undangan/{req.id}.ics"


def test_owner_downloads_the_invite_as_an_attachment(client, session):
    req = session["req"]
    login_as(client, session["owner"])
    response = client.get(_url(req))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8; method=REQUEST"
    assert response.headers["Content-Disposition"] == f'attachment; filename="{req.reference}.ics"'
    cal = checked(response.data)
    assert cal.method.value == "REQUEST"
    assert cal.vevent.uid.value == f"konsultasi-{req.id}@djpk.kemenkeu.go.id"
    view = icaljs.parse_one(response.data)
    [event] = view["events"]
    assert view["method"] == "REQUEST" and event["uid"] == f"konsultasi-{req.id}@djpk.kemenkeu.go.id"
    assert (event["sequence"], event["status"], event["valarms"]) == (0, "CONFIRMED", 1)
    assert (event["dtstart"], event["dtend"]) == (
        datetime(2026, 12, 8, 2, 0, tzinfo=UTC),
        datetime(2026, 12, 8, 3, 0, tzinfo=UTC),
    )


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.ADMIN])
def test_coordinators_download(client, session, role):
    login_as(client, factories.user(role))
    assert client.get(_url(session["req"])).status_code == 200


def test_the_front_desk_never_downloads_an_invite(client, session):
    """It is an attendee of every face-to-face invite by email; the web page is not its own."""
    login_as(client, factories.user(Role.RECEPTIONIST))
    assert client.get(_url(session["req"])).status_code == 403


def test_assigned_narasumber_downloads(client, session):
    login_as(client, session["ani"].user)
    assert client.get(_url(session["req"])).status_code == 200


def test_another_narasumber_gets_404(client, session):
    budi = narasumber("Budi Santoso")
    db.session.commit()
    login_as(client, budi.user)
    assert client.get(_url(session["req"])).status_code == 404


@pytest.mark.parametrize(
    "region, unit",
    [(factories.BALIKPAPAN, UnitType.PEMDA), (factories.BREBES, UnitType.DPRD)],
    ids=["another-pemda", "dprd-of-the-same-region"],
)
def test_other_pemda_get_404(client, session, region, unit):
    login_as(client, factories.pemda_user(region, unit_type=unit))
    assert client.get(_url(session["req"])).status_code == 404


def test_anonymous_is_sent_to_login(client, session):
    response = client.get(_url(session["req"]))
    assert response.status_code == 302 and "/masuk" in response.headers["Location"]


def test_unknown_or_unscheduled_session_is_404(client, session):
    login_as(client, session["owner"])
    waiting = factories.consultation(session["owner"], mode=Mode.VC, with_letter=False)
    db.session.commit()
    assert client.get(_url(waiting)).status_code == 404
    assert client.get("/undangan/999999.ics").status_code == 404


def test_cancelled_session_downloads_a_cancel(app, client, session):
    req = cancel(app, session["req"], session["boss"])
    login_as(client, session["owner"])
    response = client.get(_url(req))
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8; method=CANCEL"
    cal = checked(response.data)
    assert cal.method.value == "CANCEL" and cal.vevent.status.value == "CANCELLED"
    assert not hasattr(cal.vevent, "valarm")
    view = icaljs.parse_one(response.data)
    [event] = view["events"]
    assert view["method"] == "CANCEL"
    assert (event["sequence"], event["status"], event["valarms"]) == (1, "CANCELLED", 0)


def test_session_pages_link_to_the_invite(client, session):
    req = session["req"]
    link = f'href="/undangan/{req.id}.ics"'
    login_as(client, session["owner"])
    assert link in client.get(f"/permohonan/{req.id}").get_data(as_text=True)
    login_as(client, session["boss"])
    assert link in client.get(f"/koordinator/permohonan/{req.id}").get_data(as_text=True)
    [assignment] = req.assignments
    login_as(client, session["ani"].user)
    assert link in client.get(f"/narasumber/{assignment.id}").get_data(as_text=True)


def test_no_link_before_the_session_has_a_time(client, session):
    waiting = factories.consultation(session["owner"], mode=Mode.VC, with_letter=False)
    db.session.commit()
    login_as(client, session["owner"])
    assert "/undangan/" not in client.get(f"/permohonan/{waiting.id}").get_data(as_text=True)
