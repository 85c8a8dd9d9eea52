"""Demo activity beyond the requests (part of `flask seed-demo`): booking codes, the state of
each session's calendar invite, attendance confirmations, a front-desk visit with a rating, a
no-show breach, imported history and a report recipient. Idempotent like the rest of the
seed: each step looks for its row first.
"""

import hashlib
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from app.attendance.models import AttendanceConfirmation, ConfirmedGuest
from app.auth.models import User
from app.checkin.models import Visit, VisitGuest
from app.compliance import services as compliance
from app.core.audit import AuditLog
from app.domain.breaches import BreachType
from app.domain.policy import Mode
from app.domain.states import RequestState
from app.extensions import db
from app.history import reader
from app.history import services as history
from app.history.models import ImportBatch
from app.invites import services as invites
from app.reports.models import ReportRecipient
from app.requests.models import ConsultationRequest
from app.satisfaction.models import SatisfactionRating
from app.scheduling.services import fresh_booking_code

HISTORY_FILE = Path(__file__).resolve().parents[1] / "data" / "demo" / "riwayat-konsultasi-contoh.csv"
CONFIRMED_STATES = (RequestState.CONFIRMED, RequestState.HELD)


def seed_activity(admin: User, coordinator: User, receptionist: User, added: dict) -> None:
    sessions = db.session.scalars(
        select(ConsultationRequest).where(ConsultationRequest.scheduled_start.is_not(None))
    ).all()
    for req in sessions:
        if req.booking_code is None:
            req.booking_code = fresh_booking_code()
        # As if its invite had gone out: the first change of a demo session sends SEQUENCE 1.
        invites.adopt(req)
        if req.state in CONFIRMED_STATES and req.confirmation is None:
            _confirm(req)
        if req.state == RequestState.HELD and req.mode == Mode.FTF and req.visit is None:
            _visit(req, receptionist)
        if req.state == RequestState.HELD and req.rating is None:
            _rating(req)
        if req.state == RequestState.NO_SHOW:
            compliance.record_breach(
                BreachType.NO_SHOW,
                region_id=req.region_id,
                unit_type=req.unit_type,
                request=req,
                evidence={"mode": str(req.mode)},
                dedupe_key=compliance.request_key(BreachType.NO_SHOW, req.id),
                actor=coordinator,
                at=req.scheduled_end + timedelta(hours=1),
            )
    added["history sessions"] = _history(admin)
    if db.session.scalars(select(ReportRecipient).filter_by(email=admin.email)).first() is None:
        db.session.add(
            ReportRecipient(email=admin.email, name=admin.name, active=True, created_at=admin.created_at)
        )
    db.session.flush()


def _confirm(req: ConsultationRequest) -> None:
    # When the seed's path confirmed it (inside its confirmation window, app.seed_clock).
    at = db.session.scalars(
        select(AuditLog.at).where(
            AuditLog.object_type == "ConsultationRequest",
            AuditLog.object_id == str(req.id),
            AuditLog.action == "request.confirm",
        )
    ).first() or min(req.scheduled_start - timedelta(days=2), req.updated_at)
    confirmation = AttendanceConfirmation(
        request=req,
        regional_head_attends=any(m.is_regional_head for m in req.delegation),
        confirmed_at=at,
        confirmed_by_id=req.created_by_id,
        updated_at=at,
        updated_by_id=req.created_by_id,
        version=1,
    )
    confirmation.guests = [
        ConfirmedGuest(position=m.position, name=m.name, title=m.title, is_regional_head=m.is_regional_head)
        for m in req.delegation
    ]
    db.session.add(confirmation)
    db.session.flush()


def _visit(req: ConsultationRequest, receptionist: User) -> None:
    arrived = req.scheduled_start - timedelta(minutes=10)
    visit = Visit(
        request=req,
        region_id=req.region_id,
        unit_type=req.unit_type,
        walk_in=False,
        arrived_at=arrived,
        checked_in_by_id=receptionist.id,
        regional_head_present=False,
        checked_out_at=req.scheduled_end + timedelta(minutes=5),
        checked_out_by_id=receptionist.id,
    )
    visit.guests = [
        VisitGuest(position=g.position, name=g.name, title=g.title, on_list=True, present=True)
        for g in req.confirmation.guests
    ]
    db.session.add(visit)


def _rating(req: ConsultationRequest) -> None:
    db.session.add(
        SatisfactionRating(
            request=req,
            service_score=5,
            substance_score=4,
            comment="Penjelasan narasumber jelas; mohon bahan paparan dikirim sebelum sesi.",
            rated_by_id=req.created_by_id,
            rated_at=req.scheduled_end + timedelta(hours=3),
        )
    )


def _history(admin: User) -> int:
    content = HISTORY_FILE.read_bytes()
    digest = hashlib.sha256(content).hexdigest()
    if db.session.scalars(select(ImportBatch.id).filter_by(sha256=digest)).first() is not None:
        return 0
    plan = history.plan(reader.read(content), {}, True)
    batch = history.apply(plan, filename=HISTORY_FILE.name, sha256=digest, actor=admin)
    return batch.rows_added if batch else 0
