"""Webhooks in Debian's chromium: an administrator registers the CRM's endpoint (after a
refused first try), reads its secret, sees a failed delivery with the answer the endpoint
gave, sends it again, and switches the endpoint off."""

import re
from datetime import UTC, datetime

import pytest
import time_machine
from sqlalchemy import select

from app.auth.models import Role
from app.extensions import db
from app.webhooks import events
from app.webhooks.models import DeliveryState, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from tests import factories
from tests.e2e.helpers import login, shot, submit, summary_has_focus

pytestmark = pytest.mark.e2e

NOW = datetime(2026, 12, 8, 2, 0, 5, tzinfo=UTC)


def test_an_administrator_registers_and_tends_an_endpoint(live_server, browser_page):
    with time_machine.travel(NOW, tick=True):
        admin = factories.user(Role.ADMIN, name="Adi Admin", email="admin@djpk.go.id")
        db.session.commit()
        page = browser_page
        login(page, live_server, admin.email)
        page.goto(f"{live_server}/admin/webhook")
        page.fill("#url", "crm.djpk.go.id/webhook")
        page.fill("#description", "CRM Contact Center")
        submit(page, "#submit")
        summary_has_focus(page, "Pilih paling sedikit satu peristiwa.")
        page.fill("#url", "https://crm.djpk.go.id/webhook")
        page.check("input[name=events][value='request.submitted']")
        page.check("input[name=events][value='report.ready']")
        submit(page, "#submit", url=r".*/admin/webhook/\d+$")
        endpoint = db.session.scalars(select(WebhookEndpoint)).one()
        assert page.inner_text("#kunci-webhook").strip() == endpoint.secret
        [delivery] = events.emit("report.ready", {"month": "2026-11"})
        delivery.state, delivery.attempts = DeliveryState.FAILED, 7
        db.session.add(
            WebhookAttempt(
                delivery=delivery, at=NOW, status=503, response="sedang perawatan", milliseconds=40
            )
        )
        db.session.commit()
        page.reload()
        assert page.locator("[data-state=failed]").count() == 1
        page.click("#daftar-pengiriman summary")
        assert "HTTP 503" in page.inner_text("#daftar-pengiriman") and "sedang perawatan" in page.inner_text(
            "#daftar-pengiriman"
        )
        shot(page, "webhook-endpoint-phone")
        submit(page, "#daftar-pengiriman form button[type=submit]")
        assert "dijadwalkan ulang" in page.inner_text("main")
        db.session.expire_all()
        assert db.session.get(WebhookDelivery, delivery.id).state == DeliveryState.PENDING
        submit(page, f"form[action$='/admin/webhook/{endpoint.id}/status'] button[type=submit]")
        assert re.search("dinonaktifkan", page.inner_text("main"))
        db.session.expire_all()
        assert db.session.get(WebhookEndpoint, endpoint.id).active is False
