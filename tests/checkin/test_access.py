"""Only receptionists and coordinators (and administrators) use the desk."""

import pytest

from app.auth.models import Role
from app.checkin.models import Visit
from app.compliance.models import Breach, RecordedBy
from app.domain.states import RequestState
from app.extensions import db
from app.requests.models import ConsultationRequest
from tests import factories
from tests.checkin import helpers


@pytest.fixture
def req(pemda):
    row = helpers.session(pemda)
    db.session.commit()
    return row


@pytest.fixture
def walk_in(req, receptionist):
    """A walk-in visit of the same Pemda with a breach recorded on it, written directly."""
    visit = Visit(
        region_id=req.region_id,
        unit_type=req.unit_type,
        walk_in=True,
        arrived_at=helpers.NOW,
        checked_in_by_id=receptionist.id,
    )
    db.session.add(visit)
    db.session.flush()
    breach = Breach(
        type_code="walk_in",
        region_id=req.region_id,
        unit_type=req.unit_type,
        visit_id=visit.id,
        recorded_by_kind=RecordedBy.RECEPTIONIST,
        recorded_at=helpers.NOW,
        evidence={},
    )
    db.session.add(breach)
    db.session.commit()
    return visit, breach


def _urls(req, walk_in):
    visit, breach = walk_in
    return [
        ("get", "/resepsionis/"),
        ("get", f"/resepsionis/kunjungan/{req.id}"),
        ("post", f"/resepsionis/kunjungan/{req.id}"),
        ("get", "/resepsionis/tanpa-jadwal"),
        ("post", "/resepsionis/tanpa-jadwal"),
        ("get", "/resepsionis/buku-tamu.csv"),
        ("get", f"/resepsionis/tamu/{visit.id}"),
        ("post", f"/resepsionis/tamu/{visit.id}/pulang"),
        ("post", f"/resepsionis/pelanggaran/{breach.id}/catatan"),
        ("post", f"/resepsionis/sesi/{req.id}/tidak-hadir"),
    ]


@pytest.mark.parametrize("role", [Role.PEMDA, Role.NARASUMBER])
def test_pemda_and_narasumber_are_refused(client, auth, req, walk_in, role):
    user = factories.pemda_user() if role == Role.PEMDA else factories.user(role)
    db.session.commit()
    auth.login(user)
    for method, url in _urls(req, walk_in):
        assert getattr(client, method)(url, data={"note": "x", "reason": "x"}).status_code == 403, url
    visit, breach = walk_in
    db.session.expire_all()
    assert visit.checked_out_at is None and breach.note is None
    assert db.session.get(ConsultationRequest, req.id).state != RequestState.NO_SHOW


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
