"""The ledger's own services, on top of app.compliance.services (record_breach, void_breach):

- a coordinator records a breach by hand (type, Pemda, optional session, note, optional
  evidence file) and voids one with a reason;
- a Pemda's withdrawal of a scheduled session after the attendance-confirmation deadline is a
  late cancellation (recorded by the system, once per request);
- a face-to-face request of a Pemda over the policy's breach threshold is approved only with
  the coordinator's explicit override reason (stored on the request, audited).
"""

import re
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from app.auth.models import UnitType, User
from app.compliance import evidence as files
from app.compliance import queries
from app.compliance.models import Breach, RecordedBy
from app.compliance.services import record_breach, request_key, restore_breach, void_breach
from app.core import audit, once
from app.core.access import require_coordinator
from app.core.clock import now_utc
from app.domain import booking_codes
from app.domain.attendance import confirmation_deadline
from app.domain.breaches import BreachType, kind_of
from app.domain.policy import Mode
from app.domain.states import RequestState
from app.extensions import db
from app.regions.models import Region
from app.requests.models import ConsultationRequest

_REFERENCE = re.compile(r"^KNS-(\d{4})-(\d+)$", re.IGNORECASE)


class BreachRefused(ValueError):
    """A hand-recorded breach or a void was refused; `field` names the form field."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def find_session(text: str | None) -> ConsultationRequest | None:
    """A request by its booking code ("K7Q2M-X9RTA") or its reference ("KNS-2026-00012")."""
    text = (text or "").strip()
    if not text:
        return None
    found = _REFERENCE.match(text)
    if found:
        req = db.session.get(ConsultationRequest, int(found[2]))
        if req is not None and req.submitted_at and req.submitted_at.year == int(found[1]):
            return req
        return None
    code = booking_codes.normalize(text)
    if code is None:
        return None
    return db.session.scalars(
        select(ConsultationRequest).where(ConsultationRequest.booking_code == code)
    ).first()


@dataclass(frozen=True)
class ManualBreach:
    type_code: str
    region_id: int | None
    unit_type: str
    session: str | None
    note: str
    upload: object = None
    token: str | None = None  # the form's one-time token (app.core.once)


def record_by_hand(actor: User, entry: ManualBreach, now: datetime | None = None) -> Breach:
    """Record a breach a coordinator observed; the Pemda is told (app.compliance.services)."""
    require_coordinator(actor)
    if kind_of(entry.type_code) is None:
        raise BreachRefused(_("Pilih jenis pelanggaran dari daftar."), "type_code")
    region = db.session.get(Region, entry.region_id) if entry.region_id else None
    if region is None:
        raise BreachRefused(_("Pilih daerah dari daftar."), "region_id")
    unit = UnitType(entry.unit_type)
    note = (entry.note or "").strip()
    if not note:
        raise BreachRefused(_("Isi catatan pelanggaran."), "note")
    req = None
    if (entry.session or "").strip():
        req = find_session(entry.session)
        if req is None:
            raise BreachRefused(_("Sesi dengan kode atau nomor itu tidak ditemukan."), "session")
        if req.region_id != region.id or req.unit_type != unit:
            raise BreachRefused(
                _("Sesi %(ref)s bukan milik Pemda yang dipilih.", ref=req.reference), "session"
            )
    checked = None
    if files.given(entry.upload):
        try:
            checked = files.check(entry.upload)
        except files.EvidenceRejected as exc:
            raise BreachRefused(str(exc), "evidence_file") from exc
    once.claim_form("breach", entry.token)  # raises once.AlreadyDone on a second submit
    breach, _created = record_breach(
        entry.type_code,
        region_id=region.id,
        unit_type=unit,
        request=req,
        kind=RecordedBy.COORDINATOR,
        actor=actor,
        note=f"{actor.name}: {note}",
        at=now or now_utc(),
    )
    if checked is not None:
        breach.evidence_file = files.store(checked, actor.id)
        breach.evidence_filename = checked.display_name
        breach.evidence_content_type = checked.content_type
        breach.evidence_size = len(checked.content)
        audit.record(
            "breach.file",
            breach,
            actor=actor,
            after={
                "filename": checked.display_name,
                "type": checked.content_type,
                "size": len(checked.content),
            },
        )
    return breach


def void_by_hand(actor: User, breach: Breach, reason: str | None) -> Breach:
    """Void a breach with the coordinator's reason (kept, shown struck through, audited)."""
    require_coordinator(actor)
    reason = (reason or "").strip()
    if not reason:
        raise BreachRefused(_("Tuliskan alasan pembatalan pelanggaran."), "reason")
    if breach.voided:
        raise BreachRefused(_("Pelanggaran ini sudah dibatalkan."), "reason")
    return void_breach(breach, reason=reason, actor=actor)


def restore_by_hand(actor: User, breach: Breach, reason: str | None) -> Breach:
    """Undo a void (a mistaken one): the breach counts again; the reason is audited."""
    require_coordinator(actor)
    reason = (reason or "").strip()
    if not reason:
        raise BreachRefused(_("Tuliskan alasan pemulihan pelanggaran."), "reason")
    if not breach.voided:
        raise BreachRefused(_("Pelanggaran ini tidak dibatalkan."), "reason")
    return restore_breach(breach, actor=actor, at=now_utc(), reason=reason)


# Late cancellation -------------------------------------------------------------------------


def record_late_cancellation(
    req: ConsultationRequest, actor: User, state_before: RequestState, now: datetime
) -> Breach | None:
    """A Pemda withdrew a scheduled session at or after its confirmation deadline: a
    late_cancellation breach (system, once per request). None when it was in time."""
    from app.policy.services import work_calendar
    from app.scheduling.suggestions import policy_of

    if state_before not in (RequestState.SCHEDULED, RequestState.CONFIRMED) or req.scheduled_start is None:
        return None
    deadline = confirmation_deadline(req.scheduled_start, policy_of(req, now), work_calendar())
    if now < deadline:
        return None
    breach, _created = record_breach(
        BreachType.LATE_CANCELLATION,
        region_id=req.region_id,
        unit_type=req.unit_type,
        request=req,
        evidence={"deadline": deadline.isoformat(), "cancelled": now.isoformat()},
        dedupe_key=request_key(BreachType.LATE_CANCELLATION, req.id),
        kind=RecordedBy.SYSTEM,
        actor=actor,
        at=now,
    )
    return breach


# Threshold override ------------------------------------------------------------------------


def threshold_refusal(found: queries.Standing) -> str:
    return _(
        "Pemda ini tercatat %(count)d pelanggaran dalam %(months)d bulan terakhir (ambang %(limit)d). "
        "Permohonan tatap muka hanya dapat disetujui dengan alasan persetujuan khusus koordinator.",
        count=found.count,
        months=found.months,
        limit=found.limit,
    )


def check_breach_override(req: ConsultationRequest, reason: str | None, actor: User, now: datetime) -> dict:
    """Raise SchedulingConflict (field breach_override_reason) when the request needs an
    override and has none; with one, store it on the request. Returns what the approval's
    audit entry adds ({} when no override was needed)."""
    from app.scheduling.conflicts import SchedulingConflict
    from app.scheduling.suggestions import policy_of

    if req.mode != Mode.FTF:
        return {}
    found = queries.standing(req.region_id, req.unit_type, policy_of(req, now), now)
    if not found.over:
        return {}
    reason = (reason or "").strip()
    if not reason:
        raise SchedulingConflict(threshold_refusal(found), field="breach_override_reason")
    req.breach_override_reason = reason
    req.breach_override_by_id = actor.id
    req.breach_override_at = now
    # Under its own keys: the Pemda's history shows "reason", never this internal one.
    return {
        "breach_override_reason": reason,
        "breach_count": found.count,
        "breach_window_months": found.months,
    }
