"""The printable "Konfirmasi Jadwal Konsultasi": who may open it and what it shows."""

import re
from datetime import timedelta

import pytest

from app.attendance.qr import qr_svg
from app.domain.policy import Mode
from app.domain.states import RequestState
from app.extensions import db
from app.scheduling.models import AssignmentStatus, NarasumberAssignment
from tests import factories
from tests.attendance.helpers import confirm_data, letter_url, scheduled, url
from tests.requests.helpers import login_as, text_of
from tests.scheduling.factories import narasumber


def assign(req, person) -> None:
    """`person` is assigned to `req`'s session (a row written directly)."""
    db.session.add(
        NarasumberAssignment(
            request_id=req.id,
            narasumber_id=person.id,
            start=req.scheduled_start,
            end=req.scheduled_end,
            active=True,
            status=AssignmentStatus.ACCEPTED,
            assigned_at=req.scheduled_start - timedelta(days=7),
        )
    )


FEE = "DJPK tidak pernah memungut biaya apa pun untuk layanan konsultasi."


@pytest.fixture
def req(pemda):
    row = scheduled(pemda, agenda="Agenda rahasia tentang DAU")
    db.session.commit()
    return row


def test_owner_gets_the_letter_with_qr_code_room_and_fee_statement(client, pemda, req):
    login_as(client, pemda)
    response = client.get(letter_url(req))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Konfirmasi Jadwal Konsultasi" in html and FEE in html
    assert req.booking_code_display in html and "Kab. Brebes" in html
    assert "Ruang Rapat Dahlia" in html and "Gedung Radius Prawiro" in html
    assert "Selasa, 8 Desember 2026" in html
    assert "Delegasi belum dikonfirmasi." in html and "Senin, 7 Desember 2026 15.00" in html
    assert "css/print." in html  # css/print.<hash>.css


def test_qr_code_is_the_verification_link_as_inline_svg(client, pemda, req):
    login_as(client, pemda)
    html = client.get(letter_url(req)).get_data(as_text=True)
    link = f"http://localhost/verifikasi?kode={req.booking_code_display}&qr=1"
    expected = str(qr_svg(link, title="Kode QR verifikasi jadwal"))
    assert expected.startswith("<svg") and expected in html


def test_the_letter_loads_nothing_from_elsewhere(client, pemda, req):
    login_as(client, pemda)
    html = client.get(letter_url(req)).get_data(as_text=True)
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and not [s for s in sources if s.startswith(("http:", "https:", "//"))]


def test_the_letter_lists_the_confirmed_delegation(client, pemda, req, inside):
    login_as(client, pemda)
    client.post(url(req), data=confirm_data(2, head="ya", head_row=0))
    html = client.get(letter_url(req)).get_data(as_text=True)
    assert "Peserta 1" in html and "Peserta 2" in html and "Kepala daerah hadir: ya" in html
    assert "Delegasi belum dikonfirmasi." not in html


def test_a_video_conference_letter_shows_the_meeting_link(client, pemda):
    vc = scheduled(pemda, mode=Mode.VC)
    db.session.commit()
    login_as(client, pemda)
    html = client.get(letter_url(vc)).get_data(as_text=True)
    assert "https://teams.example.org/rapat-uji" in html and "Video conference" in html


@pytest.mark.parametrize("role", ["coordinator", "admin"])
def test_coordinators_may_open_the_letter(client, staff, req, role):
    login_as(client, staff[role])
    assert client.get(letter_url(req)).status_code == 200


def test_a_narasumber_opens_the_letter_of_their_session_only(client, req):
    ani = narasumber("Ani Rahmawati")
    db.session.commit()
    login_as(client, ani.user)
    assert client.get(letter_url(req)).status_code == 404  # not theirs: not even its existence
    assign(req, ani)
    db.session.commit()
    assert client.get(letter_url(req)).status_code == 200


def test_the_front_desk_never_opens_the_letter(client, staff, req):
    """The desk checks a delegation in from its booking code; the letter is the Pemda's."""
    login_as(client, staff["receptionist"])
    assert client.get(letter_url(req)).status_code == 403


@pytest.mark.parametrize("state", [RequestState.CANCELLED, RequestState.SUBMITTED, RequestState.REJECTED])
def test_no_letter_without_a_live_booking(client, pemda, state):
    row = scheduled(pemda, state=state)
    db.session.commit()
    login_as(client, pemda)
    assert client.get(letter_url(row)).status_code == 404
    no_code = factories.consultation(pemda)
    db.session.commit()
    assert client.get(letter_url(no_code)).status_code == 404


def test_the_place_names_the_building_once(client, pemda):
    """A room named as seeded ("Ruang Konsultasi 1, Gedung Radius Prawiro") is not followed by
    the building again (issue 11, item 10)."""
    room = factories.room("Ruang Konsultasi 1, Gedung Radius Prawiro")
    row = scheduled(pemda)
    row.room_id = room.id
    db.session.commit()
    login_as(client, pemda)
    html = text_of(client.get(letter_url(row)))
    place = re.search(r"<dt>Tempat</dt>\s*<dd>([^<]*)</dd>", html).group(1)
    assert place == (
        "Ruang Konsultasi 1, lantai 9, Gedung Radius Prawiro, Jl. Dr. Wahidin Raya No. 1, Jakarta Pusat 10710"
    )


def test_a_room_named_without_the_building_gets_it_once(client, pemda, req):
    login_as(client, pemda)
    html = text_of(client.get(letter_url(req)))
    place = re.search(r"<dt>Tempat</dt>\s*<dd>([^<]*)</dd>", html).group(1)
    assert place.startswith("Ruang Rapat Dahlia, lantai 9, Gedung Radius Prawiro, Jl. Dr. Wahidin")
    assert place.count("Radius Prawiro") == 1
