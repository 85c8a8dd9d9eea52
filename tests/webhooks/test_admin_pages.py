"""The administrators' webhook pages: register an endpoint (its URL and events checked), read
its secret and deliveries, switch it off, send a delivery again."""

import pytest
from sqlalchemy import select

from app.auth.models import Role
from app.extensions import db
from app.webhooks import events
from app.webhooks.models import DeliveryState, WebhookDelivery, WebhookEndpoint
from tests import factories


@pytest.fixture
def admin(app, frozen, auth):
    user = factories.user(Role.ADMIN)
    db.session.commit()
    auth.login(user)
    return user


def _form(**overrides) -> dict:
    return {
        "url": "https://crm.djpk.go.id/webhook",
        "description": "CRM Contact Center",
        "events": ["request.submitted", "breach.recorded"],
        **overrides,
    }


def test_an_administrator_registers_an_endpoint_with_a_secret(client, admin):
    response = client.post("/admin/webhook", data=_form())
    assert response.status_code == 302
    endpoint = db.session.scalars(select(WebhookEndpoint)).one()
    assert endpoint.secret.startswith("whsec_") and endpoint.events == [
        "request.submitted",
        "breach.recorded",
    ]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert endpoint.secret in page and "request.submitted" in page


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"url": "ftp://crm.djpk.go.id/x"}, "Alamat harus diawali"),
        ({"url": ""}, "Isi alamat endpoint."),
        ({"events": []}, "Pilih paling sedikit satu peristiwa."),
        ({"events": ["tidak.ada"]}, "Not a valid choice"),
        ({"description": "  "}, "Isi keterangan endpoint."),
    ],
)
def test_a_wrong_form_registers_nothing(client, admin, overrides, message):
    page = client.post("/admin/webhook", data=_form(**overrides)).get_data(as_text=True)
    assert message in page or "bukan pilihan" in page.lower() or "tidak valid" in page.lower()
    assert db.session.scalars(select(WebhookEndpoint)).all() == []


def test_production_takes_https_only(app, client, admin, monkeypatch):
    monkeypatch.setitem(app.config, "WEBHOOK_HTTPS_ONLY", True)
    page = client.post("/admin/webhook", data=_form(url="http://crm.djpk.go.id/webhook")).get_data(
        as_text=True
    )
    assert "Alamat harus diawali https://" in page
    assert db.session.scalars(select(WebhookEndpoint)).all() == []


def test_switching_off_and_sending_again(client, admin):
    client.post("/admin/webhook", data=_form(events=["report.ready"]))
    endpoint = db.session.scalars(select(WebhookEndpoint)).one()
    [delivery] = events.emit("report.ready", {"month": "2026-11"})
    delivery.state = DeliveryState.FAILED
    db.session.commit()
    assert client.post(f"/admin/webhook/pengiriman/{delivery.id}/kirim-ulang").status_code == 302
    db.session.expire_all()
    assert db.session.get(WebhookDelivery, delivery.id).state == DeliveryState.PENDING
    assert client.post(f"/admin/webhook/{endpoint.id}/status").status_code == 302
    db.session.expire_all()
    assert db.session.get(WebhookEndpoint, endpoint.id).active is False
    assert events.emit("report.ready", {"month": "2026-12"}) == []
    assert client.post("/admin/webhook/pengiriman/999/kirim-ulang").status_code == 404
    assert client.get("/admin/webhook/999").status_code == 404
