"""The events a webhook endpoint may subscribe to, and how a change becomes one.

Most events follow an audit row (app.core.audit.record): the row and the deliveries join the
same transaction, so an event is sent only for a change that was saved, and always for one
that was. The monthly report's event comes from its job (app.reports.tasks).

A delivery's body reads {"type": ..., "timestamp": ..., "data": {...}}; `data` names the
object and carries what a CRM shows in a conversation (state, times in RFC 3339, the Pemda),
with the API address to read the rest.
"""

import uuid
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.core.clock import now_utc
from app.extensions import db
from app.webhooks.models import DeliveryState, WebhookDelivery, WebhookEndpoint

CATALOGUE = {
    "request.submitted": _l("Permohonan diajukan"),
    "request.changes_requested": _l("DJPK meminta perbaikan permohonan"),
    "request.rejected": _l("Permohonan ditolak"),
    "request.withdrawn": _l("Permohonan ditarik oleh Pemda"),
    "session.scheduled": _l("Sesi dijadwalkan"),
    "session.rescheduled": _l("Jadwal sesi diubah"),
    "session.cancelled": _l("Sesi dibatalkan"),
    "attendance.confirmed": _l("Kehadiran dikonfirmasi"),
    "visit.checked_in": _l("Delegasi tiba (check-in)"),
    "breach.recorded": _l("Pelanggaran dicatat"),
    "breach.voided": _l("Pelanggaran dibatalkan"),
    "report.ready": _l("Laporan bulanan siap"),
}

# audit action -> event
BY_AUDIT_ACTION = {
    "request.submit": "request.submitted",
    "request.request_changes": "request.changes_requested",
    "request.reject": "request.rejected",
    "request.withdraw": "request.withdrawn",
    "request.schedule": "session.scheduled",
    "request.reschedule": "session.rescheduled",
    "request.cancel": "session.cancelled",
    "request.confirm": "attendance.confirmed",
    "visit.check_in": "visit.checked_in",
    "visit.walk_in": "visit.checked_in",
    "breach.record": "breach.recorded",
    "breach.void": "breach.voided",
}


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def request_data(req) -> dict:
    return {
        "request_id": req.id,
        "reference": req.reference,
        "state": str(getattr(req.state, "value", req.state)),
        "mode": str(getattr(req.mode, "value", req.mode)),
        "service_user": req.service_user_name,
        "scheduled_start": _iso(req.scheduled_start),
        "scheduled_end": _iso(req.scheduled_end),
        "booking_code": req.booking_code_display if req.booking_code else None,
        "reason": req.state_reason,
        "url": f"/api/v1/requests/{req.id}",
    }


def visit_data(visit) -> dict:
    return {
        "visit_id": visit.id,
        "request_id": visit.request_id,
        "walk_in": bool(visit.walk_in),
        "arrived_at": _iso(visit.arrived_at),
        "url": f"/api/v1/requests/{visit.request_id}" if visit.request_id else None,
    }


def breach_data(breach) -> dict:
    from app.auth.models import service_user_name
    from app.regions.models import Region

    with db.session.no_autoflush:
        region = breach.region or db.session.get(Region, breach.region_id)
    return {
        "breach_id": breach.id,
        "type": breach.type_code,
        "service_user": service_user_name(region.display_name, breach.unit_type),
        "request_id": breach.request_id,
        "recorded_at": _iso(breach.recorded_at),
        "voided_at": _iso(breach.voided_at),
        "url": "/api/v1/breaches",
    }


def _data_of(event_type: str, obj) -> dict:
    if event_type.startswith("visit."):
        return visit_data(obj)
    if event_type.startswith("breach."):
        return breach_data(obj)
    return request_data(obj)


def on_audit(action: str, obj, _entry) -> None:
    """app.core.audit's listener: the event of an audited change, if it is one."""
    event_type = BY_AUDIT_ACTION.get(action)
    if event_type is None:
        return
    if action == "request.withdraw" and obj.scheduled_start is not None:
        emit("session.cancelled", _data_of("session.cancelled", obj))
    emit(event_type, _data_of(event_type, obj))


def emit(event_type: str, data: dict, now: datetime | None = None) -> list[WebhookDelivery]:
    """Add a delivery of the event to every active endpoint subscribed to it (not committed)."""
    with db.session.no_autoflush:
        endpoints = [
            e
            for e in db.session.scalars(select(WebhookEndpoint).where(WebhookEndpoint.active.is_(True)))
            if event_type in (e.events or ())
        ]
    if not endpoints:
        return []
    now = now or now_utc()
    body = {"type": event_type, "timestamp": now.isoformat(), "data": data}
    message_id = f"msg_{uuid.uuid4().hex}"
    deliveries = [
        WebhookDelivery(
            endpoint_id=endpoint.id,
            message_id=message_id,
            event_type=event_type,
            payload=body,
            state=DeliveryState.PENDING,
            attempts=0,
            next_attempt_at=now,
            created_at=now,
        )
        for endpoint in endpoints
    ]
    db.session.add_all(deliveries)
    return deliveries
