"""Who sees a confirmation: only the owning Pemda confirms; another Pemda (even the DPRD of the
same region) gets 404; the status shows to the Pemda and to the coordinator."""

from datetime import timedelta

import pytest

from app.extensions import db
from tests.attendance.helpers import DEADLINE, OPENS, confirm_data, letter_url, scheduled, url
from tests.requests.helpers import login_as


@pytest.fixture
def session_of_brebes(pemda):
    req = scheduled(pemda)
    db.session.commit()
    return req


@pytest.mark.parametrize("who", ["other_pemda", "dprd_same_region"])
def test_another_pemda_gets_404_everywhere(request, client, session_of_brebes, inside, who):
    req = session_of_brebes
    login_as(client, request.getfixturevalue(who))
    assert client.get(url(req)).status_code == 404
    assert client.post(url(req), data=confirm_data(2)).status_code == 404
    assert client.get(letter_url(req)).status_code == 404
    db.session.expire_all()
    assert req.confirmation is None


def test_another_pemda_never_sees_the_confirmed_list(client, pemda, other_pemda, session_of_brebes, inside):
    login_as(client, pemda)
    client.post(url(session_of_brebes), data=confirm_data(2))
    login_as(client, other_pemda)
    for path in (
        url(session_of_brebes),
        letter_url(session_of_brebes),
        f"/permohonan/{session_of_brebes.id}",
    ):
        response = client.get(path)
        assert response.status_code == 404 and "Peserta 1" not in response.get_data(as_text=True)


def test_staff_cannot_confirm_for_a_pemda(client, staff, session_of_brebes, inside):
    login_as(client, staff["coordinator"])
    assert client.get(url(session_of_brebes)).status_code == 403
    assert client.post(url(session_of_brebes), data=confirm_data(2)).status_code == 403


def test_anonymous_is_sent_to_the_login(client, session_of_brebes):
    for path in (url(session_of_brebes), letter_url(session_of_brebes)):
        response = client.get(path)
        assert response.status_code == 302 and "/masuk" in response.headers["Location"]


def test_pemda_detail_shows_status_buttons_and_booking_code(client, pemda, session_of_brebes, clock):
    req = session_of_brebes
    login_as(client, pemda)
    html = client.get(f"/permohonan/{req.id}").get_data(as_text=True)
    assert "Belum dikonfirmasi" in html and "batas konfirmasi Senin, 7 Desember 2026 15.00" in html
    assert "Konfirmasi kehadiran" in html and url(req) in html
    assert "Cetak konfirmasi jadwal" in html and letter_url(req) in html
    assert req.booking_code_display in html
    clock.move_to(OPENS + timedelta(hours=1))
    client.post(url(req), data=confirm_data(2))
    html = client.get(f"/permohonan/{req.id}").get_data(as_text=True)
    assert 'data-attendance="confirmed"' in html and "2 orang" in html


def test_coordinator_sees_unconfirmed_and_flagged_sessions(client, pemda, staff, session_of_brebes, clock):
    req = session_of_brebes
    login_as(client, staff["coordinator"])
    detail = client.get(f"/koordinator/permohonan/{req.id}").get_data(as_text=True)
    assert 'data-attendance="pending"' in detail and "Cetak konfirmasi jadwal" in detail
    assert req.booking_code_display in detail
    queue = client.get("/koordinator/?state=scheduled").get_data(as_text=True)
    assert 'data-attendance="pending"' in queue
    clock.move_to(DEADLINE + timedelta(minutes=5))
    req.unconfirmed_flagged_at = DEADLINE + timedelta(minutes=1)
    db.session.commit()
    detail = client.get(f"/koordinator/permohonan/{req.id}").get_data(as_text=True)
    assert "Tidak dikonfirmasi sampai batas waktu" in detail
    assert 'data-attendance="flagged"' in client.get("/koordinator/?state=scheduled").get_data(as_text=True)
