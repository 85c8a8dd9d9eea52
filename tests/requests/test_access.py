"""Who may open which request page: another Pemda gets 404 on every object route."""

from datetime import UTC, datetime

import pytest
from flask import url_for
from sqlalchemy import select

from app.auth.models import Role
from app.domain.policy import Mode
from app.domain.states import RequestState
from app.extensions import db
from app.requests.models import ConsultationRequest
from tests import factories
from tests.requests.helpers import PDF, form_data, login_as

START = datetime(2026, 12, 15, 2, 0, tzinfo=UTC)


@pytest.fixture
def owned(pemda, topics):
    req = factories.consultation(pemda, mode=Mode.FTF, start=START, with_letter=True)
    db.session.commit()
    return req


def object_routes(req, topics):
    """Every route that names a request: (method, path, form data)."""
    return [
        ("get", f"/permohonan/{req.id}", None),
        ("get", f"/permohonan/{req.id}/ubah", None),
        ("post", f"/permohonan/{req.id}/ubah", form_data(topics)),
        ("post", f"/permohonan/{req.id}/tarik", {"reason": "bukan milik saya"}),
        ("get", f"/permohonan/{req.id}/surat", None),
    ]


@pytest.mark.parametrize("intruder", ["other_pemda", "dprd_same_region"])
def test_another_pemda_gets_404_everywhere(request, client, owned, topics, intruder):
    user = request.getfixturevalue(intruder)
    login_as(client, user)
    for method, path, data in object_routes(owned, topics):
        with getattr(client, method)(path, data=data) as response:
            assert response.status_code == 404, (method, path)
    db.session.refresh(owned)
    assert owned.state == RequestState.SUBMITTED
    assert owned.agenda == "Konsultasi penyaluran DAU tahun berjalan"


def test_unknown_request_is_404(client, pemda, topics):
    login_as(client, pemda)
    for method, path, data in object_routes(type("R", (), {"id": 999})(), topics):
        assert getattr(client, method)(path, data=data).status_code == 404


def test_dashboard_lists_only_the_own_pemda(client, owned, pemda, other_pemda, dprd_same_region):
    theirs = factories.consultation(other_pemda, mode=Mode.VC, start=START)
    dprd = factories.consultation(dprd_same_region, mode=Mode.VC, start=START)
    colleague = factories.pemda_user(factories.BREBES, name="Operator Kedua")
    db.session.commit()
    login_as(client, colleague)  # another operator of the same Pemda sees the same requests
    page = client.get("/permohonan/").get_data(as_text=True)
    assert owned.reference in page
    assert theirs.reference not in page
    assert dprd.reference not in page
    assert client.get(f"/permohonan/{owned.id}").status_code == 200


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.ADMIN])
def test_coordinators_can_view_and_download(client, owned, role):
    staff = factories.user(role)
    db.session.commit()
    login_as(client, staff)
    page = client.get(f"/permohonan/{owned.id}").get_data(as_text=True)
    assert owned.reference in page
    assert "Tarik permohonan" not in page and "Ubah permohonan" not in page
    with client.get(f"/permohonan/{owned.id}/surat") as download:
        assert download.status_code == 200


def test_a_narasumber_not_assigned_gets_404_and_the_front_desk_403(client, owned):
    """A narasumber sees the requests they are or were assigned to only; the front desk sees
    the sessions of its day on the desk pages only (tests/test_request_visibility.py)."""
    for role, status in ((Role.NARASUMBER, 404), (Role.RECEPTIONIST, 403)):
        user = factories.user(role)
        db.session.commit()
        login_as(client, user)
        for path in (f"/permohonan/{owned.id}", f"/permohonan/{owned.id}/surat"):
            with client.get(path) as response:
                assert response.status_code == status, (role, path)


def test_staff_cannot_change_a_request(client, owned, coordinator, topics):
    login_as(client, coordinator)
    assert client.get(f"/permohonan/{owned.id}/ubah").status_code == 403
    assert client.post(f"/permohonan/{owned.id}/ubah", data=form_data(topics)).status_code == 403
    assert client.post(f"/permohonan/{owned.id}/tarik", data={}).status_code == 403
    db.session.refresh(owned)
    assert owned.state == RequestState.SUBMITTED


def test_letter_download_headers(client, owned, pemda):
    owned.letter.original_filename = "Surat Bupati Brebes.pdf"
    db.session.commit()
    login_as(client, pemda)
    with client.get(f"/permohonan/{owned.id}/surat") as response:
        assert response.status_code == 200
        assert response.mimetype == "application/pdf"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        disposition = response.headers["Content-Disposition"]
        assert disposition.startswith("attachment")
        assert "Surat_Bupati_Brebes.pdf" in disposition
        assert response.data.startswith(b"%PDF-")


def test_request_without_letter_has_no_download(client, pemda, topics):
    req = factories.consultation(pemda, mode=Mode.VC, start=START)
    db.session.commit()
    login_as(client, pemda)
    assert client.get(f"/permohonan/{req.id}/surat").status_code == 404


def test_anonymous_cannot_download(client, owned, app):
    response = client.get(f"/permohonan/{owned.id}/surat")
    assert response.status_code == 302
    with app.test_request_context():
        assert response.headers["Location"].startswith(url_for("auth.login"))


@pytest.mark.parametrize("endpoint", ["admin.registrations", "admin.users", "admin.topics", "admin.policy"])
def test_pemda_cannot_open_staff_pages(client, app, pemda, endpoint):
    login_as(client, pemda)
    with app.test_request_context():
        path = url_for(endpoint)
    assert client.get(path).status_code == 403


def test_staff_cannot_submit(client, coordinator, topics):
    login_as(client, coordinator)
    response = client.post("/permohonan/baru", data=form_data(topics, letter={}, upload=(PDF, "s.pdf")))
    assert response.status_code == 403
    assert db.session.scalars(select(ConsultationRequest)).first() is None
