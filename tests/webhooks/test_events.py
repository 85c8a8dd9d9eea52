"""The changes that become webhook events, each from the place that makes the change: a
coordinator's decision, the front desk's check-in, the monthly report's job; and the API's
report is the document `flask report monthly` prints."""

import json
from datetime import datetime

import time_machine
from sqlalchemy import select

from app.auth.models import Role
from app.core.clock import WIB
from app.extensions import db
from app.reports.models import ReportRecipient
from app.reports.tasks import send_monthly_report
from app.webhooks import events, signing
from app.webhooks.models import WebhookDelivery, WebhookEndpoint
from tests import factories
from tests.api.helpers import bearer, token_for
from tests.scheduling.coord_helpers import narasumber, request_at


def _subscribe_all() -> None:
    db.session.add(
        WebhookEndpoint(
            url="https://crm.djpk.go.id/webhook",
            description="CRM",
            secret=signing.new_secret(),
            events=list(events.CATALOGUE),
            active=True,
            created_at=datetime(2026, 1, 1, tzinfo=WIB),
        )
    )
    db.session.commit()


def _events() -> list[tuple[str, dict]]:
    db.session.expire_all()
    rows = db.session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id))
    return [(d.event_type, d.payload["data"]) for d in rows]


def test_a_decision_and_a_check_in_become_events(client, operator, frozen):
    from app.checkin import services as desk
    from app.checkin.services import GuestRow

    _subscribe_all()
    dau = factories.topic("DAU")
    ani = narasumber("Ani Rahmawati", [dau])
    room = factories.room("Ruang 9A")
    req = request_at(operator, "2026-12-08")
    coordinator = factories.user(Role.COORDINATOR)
    receptionist = factories.user(Role.RECEPTIONIST)
    db.session.commit()
    approved = client.post(
        f"/api/v1/requests/{req.id}/decisions",
        headers=bearer(token_for(coordinator, "requests:write")),
        json={
            "action": "approve",
            "day": "2026-12-08",
            "start_time": "09:00",
            "end_time": "10:00",
            "narasumber_ids": [ani.id],
            "room_id": room.id,
        },
    )
    assert approved.status_code == 200
    [(kind, data)] = _events()
    assert kind == "session.scheduled" and data["request_id"] == req.id
    assert data["scheduled_start"] == "2026-12-08T02:00:00+00:00" and data["booking_code"]
    frozen.move_to(datetime(2026, 12, 8, 8, 55, tzinfo=WIB))
    db.session.expire_all()
    req = db.session.get(type(req), req.id)
    desk.check_in(
        req,
        guests=[GuestRow("Tamu 1", "Kabid", True, True)],
        regional_head_present=False,
        arrived_at=datetime(2026, 12, 8, 8, 55, tzinfo=WIB),
        actor=receptionist,
    )
    db.session.commit()
    # Unconfirmed in advance: the desk's check-in records that breach too, in one transaction.
    assert [k for k, _d in _events()] == ["session.scheduled", "visit.checked_in", "breach.recorded"]
    assert _events()[1][1]["request_id"] == req.id and _events()[2][1]["type"] == "unconfirmed_arrival"


def test_the_monthly_report_job_tells_once_and_the_api_serves_the_clis_document(app, client, operator):
    _subscribe_all()
    db.session.add(
        ReportRecipient(
            email="kepala@kemenkeu.go.id", active=True, created_at=datetime(2026, 1, 1, tzinfo=WIB)
        )
    )
    db.session.commit()
    with time_machine.travel(datetime(2026, 12, 1, 8, 0, tzinfo=WIB), tick=False):
        assert send_monthly_report() == 1
        assert send_monthly_report() == 0
    [(kind, data)] = _events()
    assert kind == "report.ready" and data == {
        "month": "2026-11",
        "title": data["title"],
        "url": "/api/v1/reports/monthly/2026-11",
    }
    printed = app.test_cli_runner().invoke(args=["report", "monthly", "2026-11"])
    assert printed.exit_code == 0, printed.output
    coordinator = factories.user(Role.COORDINATOR)
    db.session.commit()
    served = client.get(data["url"], headers=bearer(token_for(coordinator, "reports:read"))).get_json()
    assert served == json.loads(printed.output)
