"""Webhooks end to end against a real receiver on loopback that verifies every signature
with the Standard Webhooks reference library: each event arrives once, in the transaction
that made the change or not at all; a 500 is retried after the backoff, a success never
repeated; a dead or slow endpoint only delays its own deliveries."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.api import tokens
from app.auth.models import Role
from app.extensions import db
from app.webhooks import events, signing
from app.webhooks.models import DeliveryState, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from app.webhooks.sender import deliver_due
from tests import factories
from tests.api.conftest import vc_body
from tests.api.helpers import bearer
from tests.requests.helpers import NOW
from tests.webhooks.receiver import Receiver


@pytest.fixture
def receiver():
    with Receiver() as r:
        yield r


def _endpoint(url: str, secret: str, event_types=tuple(events.CATALOGUE)) -> WebhookEndpoint:
    endpoint = WebhookEndpoint(
        url=url, description="CRM", secret=secret, events=list(event_types), active=True, created_at=NOW
    )
    db.session.add(endpoint)
    db.session.commit()
    return endpoint


def _deliveries(state=None) -> list[WebhookDelivery]:
    db.session.expire_all()
    query = select(WebhookDelivery).order_by(WebhookDelivery.id)
    if state is not None:
        query = query.where(WebhookDelivery.state == state)
    return list(db.session.scalars(query))


def test_our_signature_verifies_with_the_reference_library():
    from standardwebhooks.webhooks import Webhook, WebhookVerificationError

    secret = signing.new_secret()
    body = b'{"type":"request.submitted","data":{"request_id":1}}'
    headers = signing.headers(secret, "msg_1", int(NOW.timestamp()), body)
    import time_machine

    with time_machine.travel(NOW, tick=False):
        assert Webhook(secret).verify(body, headers)["type"] == "request.submitted"
        with pytest.raises(WebhookVerificationError):
            Webhook(signing.new_secret()).verify(body, headers)


def test_each_event_arrives_once_signed(client, operator, receiver, frozen):
    receiver.secret = signing.new_secret()
    _endpoint(receiver.url, receiver.secret)
    secret = tokens.create_token(operator, name="x", scopes=["requests:write"], days=30)[1]
    db.session.commit()
    made = client.post("/api/v1/requests", headers=bearer(secret), data=vc_body())
    assert made.status_code == 201
    assert deliver_due() == 1
    assert deliver_due() == 0  # delivered: never again by itself
    assert receiver.types() == ["request.submitted"] and receiver.refused == []
    data = receiver.received[0]["body"]["data"]
    assert data["request_id"] == made.get_json()["id"] and data["state"] == "submitted"
    assert data["url"] == f"/api/v1/requests/{data['request_id']}"
    withdrawn = client.post(
        f"/api/v1/requests/{data['request_id']}/withdraw", headers=bearer(secret), json={}
    )
    assert withdrawn.status_code == 200
    deliver_due()
    assert receiver.types() == ["request.submitted", "request.withdrawn"]
    ids = [r["id"] for r in receiver.received]
    assert len(set(ids)) == 2


def test_a_refused_change_sends_nothing(client, operator, receiver, frozen):
    receiver.secret = signing.new_secret()
    _endpoint(receiver.url, receiver.secret)
    secret = tokens.create_token(operator, name="x", scopes=["requests:write"], days=30)[1]
    db.session.commit()
    refused = client.post("/api/v1/requests", headers=bearer(secret), data=vc_body(agenda="pendek"))
    assert refused.status_code == 422
    assert _deliveries() == [] and deliver_due() == 0 and receiver.calls == 0


def test_a_500_is_retried_after_the_backoff_and_kept_for_the_administrator(operator, receiver, frozen):
    receiver.secret = signing.new_secret()
    receiver.fail_first = 2
    endpoint = _endpoint(receiver.url, receiver.secret, ["breach.recorded"])
    coordinator = factories.user(Role.COORDINATOR)
    db.session.commit()
    from app.compliance import ledger

    ledger.record_by_hand(
        coordinator,
        ledger.ManualBreach("walk_in", operator.region_id, "pemda", None, "Datang tanpa jadwal"),
    )
    db.session.commit()
    assert deliver_due() == 0
    [delivery] = _deliveries(DeliveryState.PENDING)
    assert delivery.attempts == 1 and delivery.next_attempt_at == NOW + timedelta(minutes=1)
    assert deliver_due() == 0  # not due yet
    frozen.move_to(NOW + timedelta(minutes=1))
    assert deliver_due() == 0  # the second 500
    frozen.move_to(NOW + timedelta(minutes=7))
    assert deliver_due() == 1
    [delivery] = _deliveries(DeliveryState.DELIVERED)
    assert delivery.attempts == 3 and delivery.endpoint_id == endpoint.id
    attempts = db.session.scalars(select(WebhookAttempt).order_by(WebhookAttempt.id)).all()
    assert [a.status for a in attempts] == [500, 500, 204]
    assert "sedang gangguan" in attempts[0].response
    assert receiver.types() == ["breach.recorded"] and receiver.calls == 3
    frozen.move_to(NOW + timedelta(hours=20))
    assert deliver_due() == 0 and receiver.calls == 3


def test_a_dead_endpoint_fails_after_the_last_attempt_and_can_be_sent_again(operator, frozen, receiver):
    from app.webhooks.sender import MAX_ATTEMPTS, send_again

    _endpoint("http://127.0.0.1:9/mati", signing.new_secret(), ["report.ready"])
    events.emit("report.ready", {"month": "2026-11"})
    db.session.commit()
    moment = NOW
    for _ in range(MAX_ATTEMPTS):
        assert deliver_due(moment) == 0
        moment += timedelta(hours=11)
    [delivery] = _deliveries(DeliveryState.FAILED)
    assert delivery.attempts == MAX_ATTEMPTS
    errors = db.session.scalars(select(WebhookAttempt.error)).all()
    assert len(errors) == MAX_ATTEMPTS and all("Connection refused" in e or "Errno" in e for e in errors)
    # The administrator points the endpoint at a live receiver and sends it again by hand.
    receiver.secret = delivery.endpoint.secret
    delivery.endpoint.url = receiver.url
    send_again(delivery)
    db.session.commit()
    assert deliver_due(moment) == 1 and receiver.types() == ["report.ready"]
    assert receiver.received[0]["id"] == delivery.message_id


def test_a_slow_endpoint_times_out_without_holding_the_others(app, operator, frozen, monkeypatch):
    monkeypatch.setitem(app.config, "WEBHOOK_TIMEOUT", 0.3)
    with Receiver() as slow, Receiver() as quick:
        slow.secret = quick.secret = signing.new_secret()
        slow.delay = 1.0
        _endpoint(slow.url, slow.secret, ["report.ready"])
        _endpoint(quick.url, quick.secret, ["report.ready"])
        events.emit("report.ready", {"month": "2026-11"})
        db.session.commit()
        assert deliver_due() == 1
        assert quick.types() == ["report.ready"]
        failed = db.session.scalars(select(WebhookAttempt).where(WebhookAttempt.status.is_(None))).one()
        assert "timed out" in failed.error.lower()


def test_an_inactive_or_unsubscribed_endpoint_gets_nothing(operator, frozen):
    off = _endpoint("http://127.0.0.1:9/off", signing.new_secret(), ["report.ready"])
    off.active = False
    _endpoint("http://127.0.0.1:9/other", signing.new_secret(), ["breach.recorded"])
    db.session.commit()
    events.emit("report.ready", {"month": "2026-11"})
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(WebhookDelivery)) == 0
