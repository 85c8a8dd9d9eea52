"""Replacing a narasumber on a scheduled session from the coordinator's review page."""

import pytest

from app.core.audit import AuditLog
from app.domain.policy import Mode
from app.extensions import db, mail
from app.scheduling.models import AssignmentStatus
from tests.scheduling import coord_helpers as h
from tests.scheduling.coord_helpers import booked, login_as, narasumber, wib

outsider, frozen, dau = h.outsider, h.frozen, h.dau


@pytest.fixture
def declined(pemda, dau):
    budi = narasumber("Budi Santoso", [dau])
    citra = narasumber("Citra Lestari", [dau])
    dewi = narasumber("Dewi Anggraini", [dau])
    req = booked(pemda, wib("2026-12-09", "09:00"), people=[budi], mode=Mode.VC, topics=[dau])
    [a] = req.assignments
    a.status, a.active, a.decline_reason = AssignmentStatus.DECLINED, False, "Dinas luar kota"
    db.session.commit()
    return req, a, citra, dewi


def test_review_page_offers_replacements_for_a_declined_narasumber(client, coordinator, declined):
    req, a, citra, dewi = declined
    login_as(client, coordinator)
    page = client.get(f"/koordinator/permohonan/{req.id}").get_data(as_text=True)
    assert "Alasan menolak: Dinas luar kota" in page
    assert f'action="/koordinator/penugasan/{a.id}/ganti"' in page
    assert "Citra Lestari" in page and "Dewi Anggraini" in page
    assert "Menguasai DAU" in page  # the ranking's reason beside each option


def test_taking_the_first_suggestion_assigns_and_tells_the_person(client, coordinator, declined):
    req, a, citra, dewi = declined
    login_as(client, coordinator)
    first = client.get(f"/koordinator/permohonan/{req.id}").get_data(as_text=True)
    suggested = int(first.split('name="suggested_id" value="')[1].split('"')[0])
    with mail.record_messages() as outbox:
        response = client.post(
            f"/koordinator/penugasan/{a.id}/ganti",
            data={"narasumber_id": suggested, "suggested_id": suggested},
        )
    assert response.status_code == 302
    db.session.expire_all()
    active = [x for x in req.assignments if x.active]
    assert [x.narasumber_id for x in active] == [suggested]
    assert [m.recipients for m in outbox] == [[db.session.get(type(a.narasumber), suggested).user.email]]
    entry = db.session.query(AuditLog).filter_by(action="assignment.replace").one()
    assert entry.after["replaced"] == a.narasumber_id


def test_choosing_another_than_the_suggestion_needs_a_reason(client, coordinator, declined):
    req, a, citra, dewi = declined
    login_as(client, coordinator)
    page = client.get(f"/koordinator/permohonan/{req.id}").get_data(as_text=True)
    suggested = int(page.split('name="suggested_id" value="')[1].split('"')[0])
    other = dewi.id if suggested == citra.id else citra.id
    url = f"/koordinator/penugasan/{a.id}/ganti"
    refused = client.post(
        url, data={"narasumber_id": other, "suggested_id": suggested}, follow_redirects=True
    )
    assert "tuliskan alasannya" in refused.get_data(as_text=True)
    assert not any(x.active for x in req.assignments)
    client.post(
        url,
        data={
            "narasumber_id": other,
            "suggested_id": suggested,
            "override_reason": "Lebih paham kasus Brebes",
        },
    )
    db.session.expire_all()
    [new] = [x for x in req.assignments if x.active]
    assert (new.narasumber_id, new.override_reason) == (other, "Lebih paham kasus Brebes")


def test_a_busy_person_is_refused_with_a_message(client, coordinator, declined, pemda, dau):
    req, a, citra, dewi = declined
    booked(pemda, wib("2026-12-09", "09:00"), people=[citra], mode=Mode.VC, topics=[dau])
    db.session.commit()
    login_as(client, coordinator)
    response = client.post(
        f"/koordinator/penugasan/{a.id}/ganti",
        data={"narasumber_id": citra.id, "suggested_id": citra.id},
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert "Citra Lestari" in response.get_data(as_text=True)
    assert "sudah terjadwal" in response.get_data(as_text=True)
    assert not any(x.active for x in req.assignments)


def test_only_coordinators_replace(client, outsider, declined):
    req, a, citra, dewi = declined
    login_as(client, outsider)
    response = client.post(f"/koordinator/penugasan/{a.id}/ganti", data={"narasumber_id": citra.id})
    assert response.status_code == 403
    assert not any(x.active for x in req.assignments)


def test_unknown_assignment_is_404(client, coordinator):
    login_as(client, coordinator)
    assert client.post("/koordinator/penugasan/999/ganti", data={"narasumber_id": 1}).status_code == 404
