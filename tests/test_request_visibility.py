"""Who sees which request (app.core.access): a narasumber only the requests they are or were
assigned to, the front desk only the face-to-face sessions of its day, through the desk pages.

Time is frozen on Tuesday 8 December 2026, 09:10 WIB (tests/checkin/helpers.py). Each refusal
here fails if its check is removed (see tests/test_route_access.py for the route-level table).
"""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.auth.models import Role
from app.checkin.models import Visit
from app.compliance.models import Breach, RecordedBy
from app.core.access import can_see, can_see_visit, visible_requests
from app.domain.policy import Mode
from app.extensions import db
from app.requests.models import ConsultationRequest
from app.scheduling.models import AssignmentStatus, NarasumberAssignment
from tests import factories
from tests.checkin import helpers as desk
from tests.people import frozen_at
from tests.scheduling.factories import narasumber

TOMORROW = desk.START + timedelta(days=1)
frozen = frozen_at(desk.NOW)


def _as(auth, user) -> None:
    """Log in as `user` (after logging out whoever was in)."""
    auth.logout()
    auth.login(user)


def _status(client, url: str, method: str = "get", **kwargs) -> int:
    response = getattr(client, method)(url, **kwargs)
    response.close()  # a file is sent as a stream
    return response.status_code


def _request_pages(req) -> list[str]:
    return [
        f"/permohonan/{req.id}",
        f"/permohonan/{req.id}/surat",
        f"/permohonan/{req.id}/konfirmasi-jadwal",
        f"/undangan/{req.id}.ics",
    ]


@pytest.fixture
def world(app, frozen, pemda):
    ani, budi = narasumber("Ani Rahmawati"), narasumber("Budi Santoso")
    req = desk.session(pemda, narasumber=ani)  # today, face to face, with a letter
    db.session.commit()
    return {"req": req, "ani": ani, "budi": budi}


def _assignment(req) -> NarasumberAssignment:
    return db.session.scalars(
        select(NarasumberAssignment).where(NarasumberAssignment.request_id == req.id)
    ).one()


# Narasumber --------------------------------------------------------------------------------


def test_a_narasumber_not_assigned_gets_404_on_every_page_of_the_request(client, auth, world):
    _as(auth, world["budi"].user)
    for url in _request_pages(world["req"]):
        assert _status(client, url) == 404, url


def test_the_assigned_narasumber_opens_every_page_of_the_request(client, auth, world):
    _as(auth, world["ani"].user)
    for url in _request_pages(world["req"]):
        assert _status(client, url) == 200, url


@pytest.mark.parametrize("status", [AssignmentStatus.DECLINED, AssignmentStatus.RELEASED])
def test_a_declined_or_replaced_assignment_stays_readable(client, auth, world, status):
    assignment = _assignment(world["req"])
    assignment.status, assignment.active = status, False
    db.session.commit()
    _as(auth, world["ani"].user)
    assert client.get(f"/permohonan/{world['req'].id}").status_code == 200
    assert client.get(f"/narasumber/{assignment.id}").status_code == 200


def test_the_coordinators_review_page_is_not_for_a_narasumber(client, auth, world):
    _as(auth, world["ani"].user)
    assert client.get(f"/koordinator/permohonan/{world['req'].id}").status_code == 403


def test_every_link_of_the_narasumbers_pages_opens(client, auth, world):
    assignment = _assignment(world["req"])
    _as(auth, world["ani"].user)
    links = set()
    for page in ("/beranda", "/narasumber/", f"/narasumber/{assignment.id}"):
        html = client.get(page).get_data(as_text=True)
        links |= set(re.findall(r'href="(/[^"#]*)', html))
    assert f"/permohonan/{world['req'].id}/surat" in links and f"/undangan/{world['req'].id}.ics" in links
    for link in sorted(links - {"/static", "/keluar"}):
        if link.startswith(("/static/", "/bootstrap/")):
            continue
        assert _status(client, link) in (200, 302), link


# Front desk --------------------------------------------------------------------------------


def test_the_front_desk_opens_todays_face_to_face_session(client, auth, world, receptionist):
    _as(auth, receptionist)
    assert client.get(f"/resepsionis/kunjungan/{world['req'].id}").status_code == 200


def test_the_front_desk_gets_404_for_a_video_conference_of_today(client, auth, pemda, receptionist, frozen):
    vc = desk.session(pemda, mode=Mode.VC)
    db.session.commit()
    _as(auth, receptionist)
    assert client.get(f"/resepsionis/kunjungan/{vc.id}").status_code == 404
    assert client.get("/resepsionis/", query_string={"q": vc.booking_code}).status_code == 200


def test_the_front_desk_gets_404_for_tomorrows_session_which_a_coordinator_opens(
    client, auth, pemda, receptionist, coordinator
):
    later = desk.session(pemda, start=TOMORROW)
    db.session.commit()
    _as(auth, receptionist)
    assert client.get(f"/resepsionis/kunjungan/{later.id}").status_code == 404
    assert (
        client.post(f"/resepsionis/kunjungan/{later.id}", data={"arrival_time": "09:05"}).status_code == 404
    )
    _as(auth, coordinator)
    page = client.get(f"/resepsionis/kunjungan/{later.id}")
    assert page.status_code == 200 and "tidak dijadwalkan hari ini" in page.get_data(as_text=True)


def test_the_front_desk_gets_404_for_yesterdays_session(client, auth, pemda, receptionist):
    earlier = desk.session(pemda, start=desk.START - timedelta(days=1))
    db.session.commit()
    _as(auth, receptionist)
    assert client.get(f"/resepsionis/kunjungan/{earlier.id}").status_code == 404


def test_a_booking_code_of_another_day_does_not_open_the_session(client, auth, pemda, receptionist):
    later = desk.session(pemda, start=TOMORROW)
    db.session.commit()
    _as(auth, receptionist)
    response = client.get("/resepsionis/", query_string={"q": later.booking_code})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Kode booking ini bukan untuk kunjungan tatap muka hari ini." in page
    assert f"/resepsionis/kunjungan/{later.id}" not in page


def test_the_front_desk_does_not_list_the_next_working_day(client, auth, pemda, receptionist, coordinator):
    later = desk.session(pemda, start=TOMORROW)  # nothing today: a coordinator sees tomorrow
    db.session.commit()
    _as(auth, receptionist)
    assert f"/resepsionis/kunjungan/{later.id}" not in client.get("/resepsionis/").get_data(as_text=True)
    _as(auth, coordinator)
    assert f'href="/resepsionis/kunjungan/{later.id}"' in client.get("/resepsionis/").get_data(as_text=True)


@pytest.mark.parametrize(
    "url",
    [
        "/permohonan/{id}",
        "/permohonan/{id}/surat",
        "/permohonan/{id}/konfirmasi-jadwal",
        "/undangan/{id}.ics",
    ],
)
def test_the_front_desk_never_opens_a_requests_own_pages(client, auth, world, receptionist, url):
    """Not even today's session: its letter, contact details and invite are not the desk's."""
    _as(auth, receptionist)
    assert _status(client, url.format(id=world["req"].id)) == 403


def test_the_front_desk_gets_no_evidence_file(client, auth, pemda, receptionist):
    row = Breach(
        type_code="walk_in",
        region_id=pemda.region_id,
        unit_type=pemda.unit_type,
        recorded_by_kind=RecordedBy.COORDINATOR,
        recorded_at=desk.NOW,
        evidence={},
    )
    db.session.add(row)
    db.session.commit()
    _as(auth, receptionist)
    assert client.get(f"/pelanggaran/{row.id}/bukti").status_code == 403


def _walk_in(pemda, receptionist, arrived_at) -> tuple[Visit, Breach]:
    visit = Visit(
        region_id=pemda.region_id,
        unit_type=pemda.unit_type,
        walk_in=True,
        arrived_at=arrived_at,
        checked_in_by_id=receptionist.id,
    )
    db.session.add(visit)
    db.session.flush()
    breach = Breach(
        type_code="walk_in",
        region_id=pemda.region_id,
        unit_type=pemda.unit_type,
        visit_id=visit.id,
        recorded_by_kind=RecordedBy.RECEPTIONIST,
        recorded_at=arrived_at,
        evidence={},
    )
    db.session.add(breach)
    db.session.commit()
    return visit, breach


def test_the_front_desk_gets_404_for_a_visit_of_another_day(client, auth, pemda, receptionist, coordinator):
    visit, breach = _walk_in(pemda, receptionist, desk.NOW - timedelta(days=1))
    _as(auth, receptionist)
    assert client.get(f"/resepsionis/tamu/{visit.id}").status_code == 404
    assert client.post(f"/resepsionis/tamu/{visit.id}/pulang").status_code == 404
    assert client.post(f"/resepsionis/pelanggaran/{breach.id}/catatan", data={"note": "x"}).status_code == 404
    db.session.expire_all()
    assert db.session.get(Visit, visit.id).checked_out_at is None
    assert db.session.get(Breach, breach.id).note is None
    _as(auth, coordinator)
    assert client.get(f"/resepsionis/tamu/{visit.id}").status_code == 200


def test_the_front_desk_opens_a_walk_in_of_today(client, auth, pemda, receptionist):
    visit, _breach = _walk_in(pemda, receptionist, desk.NOW - timedelta(minutes=5))
    _as(auth, receptionist)
    assert client.get(f"/resepsionis/tamu/{visit.id}").status_code == 200


def test_the_front_desk_downloads_the_visitor_log_of_its_day_only(client, auth, receptionist, coordinator):
    _as(auth, receptionist)
    assert client.get("/resepsionis/buku-tamu.csv").status_code == 200
    assert client.get("/resepsionis/buku-tamu.csv?date=2026-12-08").status_code == 200
    assert client.get("/resepsionis/buku-tamu.csv?date=2026-12-07").status_code == 404
    _as(auth, coordinator)
    assert client.get("/resepsionis/buku-tamu.csv?date=2026-12-07").status_code == 200


def test_every_link_of_the_desk_page_opens_for_the_front_desk(client, auth, world, pemda, receptionist):
    _walk_in(pemda, receptionist, desk.NOW - timedelta(minutes=5))
    desk.session(pemda, start=TOMORROW)
    db.session.commit()
    _as(auth, receptionist)
    html = client.get("/resepsionis/").get_data(as_text=True) + client.get("/beranda").get_data(as_text=True)
    links = {link.replace("&amp;", "&") for link in re.findall(r'href="(/[^"#]*)', html)}
    assert f"/resepsionis/kunjungan/{world['req'].id}" in links
    for link in sorted(links):
        if link.startswith(("/static/", "/bootstrap/")):
            continue
        assert _status(client, link) in (200, 302), link


# The rule itself ---------------------------------------------------------------------------


def test_visible_requests_and_can_see_agree_for_every_role(app, frozen, pemda, other_pemda):
    ani, budi = narasumber("Ani Rahmawati"), narasumber("Budi Santoso")
    today = desk.session(pemda, narasumber=ani)
    tomorrow = desk.session(pemda, start=TOMORROW, narasumber=budi)
    video = desk.session(other_pemda, mode=Mode.VC, start=desk.START + timedelta(hours=2), narasumber=ani)
    waiting = factories.consultation(other_pemda)
    db.session.commit()
    rows = [today, tomorrow, video, waiting]
    expected = {
        "pemda": {today.id, tomorrow.id},
        "other": {video.id, waiting.id},
        "ani": {today.id, video.id},
        "budi": {tomorrow.id},
        "receptionist": {today.id},
        "coordinator": {r.id for r in rows},
        "admin": {r.id for r in rows},
    }
    users = {
        "pemda": pemda,
        "other": other_pemda,
        "ani": ani.user,
        "budi": budi.user,
        "receptionist": factories.user(Role.RECEPTIONIST),
        "coordinator": factories.user(Role.COORDINATOR),
        "admin": factories.user(Role.ADMIN),
    }
    for name, user in users.items():
        listed = set(db.session.scalars(select(ConsultationRequest.id).where(visible_requests(user))))
        assert listed == expected[name], name
        assert {r.id for r in rows if can_see(user, r)} == expected[name], name


def test_a_visit_is_the_front_desks_on_its_day_only(app, frozen, pemda, receptionist, coordinator):
    today, _ = _walk_in(pemda, receptionist, desk.NOW)
    yesterday, _ = _walk_in(pemda, receptionist, desk.NOW - timedelta(days=1))
    assert can_see_visit(receptionist, today) and not can_see_visit(receptionist, yesterday)
    assert can_see_visit(coordinator, yesterday)
    assert not can_see_visit(factories.user(Role.NARASUMBER), today)
