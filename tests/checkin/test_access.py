"""Only receptionists and coordinators (and administrators) use the desk."""

import pytest

from app.auth.models import Role
from app.extensions import db
from tests import factories
from tests.checkin import helpers


@pytest.fixture
def req(pemda):
    row = helpers.session(pemda)
    db.session.commit()
    return row


def _urls(req):
    return [
        ("get", "/resepsionis/"),
        ("get", f"/resepsionis/kunjungan/{req.id}"),
        ("post", f"/resepsionis/kunjungan/{req.id}"),
        ("get", "/resepsionis/tanpa-jadwal"),
        ("get", "/resepsionis/buku-tamu.csv"),
    ]


@pytest.mark.parametrize("role", [Role.PEMDA, Role.NARASUMBER])
def test_pemda_and_narasumber_are_refused(client, auth, req, role):
    user = factories.pemda_user() if role == Role.PEMDA else factories.user(role)
    db.session.commit()
    auth.login(user)
    for method, url in _urls(req):
        assert getattr(client, method)(url).status_code == 403, url


def test_anonymous_is_sent_to_login(client, req):
    response = client.get("/resepsionis/")
    assert response.status_code == 302 and "/masuk" in response.headers["Location"]


@pytest.mark.parametrize("role", [Role.RECEPTIONIST, Role.COORDINATOR, Role.ADMIN])
def test_desk_roles_see_the_desk(client, auth, req, role):
    auth.login(factories.user(role))
    page = client.get("/resepsionis/")
    assert page.status_code == 200
    assert "Kab. Brebes" in page.get_data(as_text=True)
    assert client.get(f"/resepsionis/kunjungan/{req.id}").status_code == 200


def test_unknown_or_vc_session_is_404(client, auth, receptionist, pemda):
    vc = helpers.session(pemda, mode=helpers.Mode.VC)
    db.session.commit()
    auth.login(receptionist)
    assert client.get("/resepsionis/kunjungan/99999").status_code == 404
    assert client.get(f"/resepsionis/kunjungan/{vc.id}").status_code == 404
    assert client.get("/resepsionis/tamu/99999").status_code == 404


def test_receptionist_cannot_record_a_vc_no_show(client, auth, receptionist, pemda):
    vc = helpers.session(pemda, mode=helpers.Mode.VC)
    db.session.commit()
    auth.login(receptionist)
    assert client.post(f"/resepsionis/sesi/{vc.id}/tidak-hadir", data={"reason": "x"}).status_code == 403


def test_nav_shows_the_desk_to_the_receptionist(client, auth, receptionist):
    auth.login(receptionist)
    assert 'href="/resepsionis/"' in client.get("/resepsionis/").get_data(as_text=True)
