"""Front-desk services: check a delegation in (and correct it), a walk-in, check-out, and a
no-show by hand.

A check-in creates the Visit and its guests, tells the narasumber and the coordinators, and
records what app.domain.checkin finds as breaches (app.compliance). It does not make the
session HELD: held means it has happened, so the settle job (app.checkin.tasks) marks a
checked-in session held once its scheduled end has passed (a check-in after the end, at once).
Checking in again corrects the same visit: the rules run again and each breach is updated,
voided or restored through its dedupe key, never doubled. The route commits once.
"""

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _

from app.auth.models import Role, UnitType, User
from app.checkin.emails import queue_arrived
from app.checkin.models import Visit, VisitGuest
from app.compliance import services as compliance
from app.compliance.models import RecordedBy
from app.core import audit, once
from app.core.clock import WIB, now_utc
from app.core.db_setup import lock_row
from app.domain.breaches import BreachType
from app.domain.checkin import DESK_TYPES, Arrival, arrival_limits, evaluate
from app.domain.policy import Mode
from app.domain.states import Action, RequestState, allowed, transition
from app.extensions import db
from app.policy.services import policy_in_force
from app.requests.models import ConsultationRequest
from app.scheduling.suggestions import policy_of

S = RequestState


class DeskRefused(Exception):
    """The desk cannot do this; `message` is shown to the receptionist."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class GuestRow:
    name: str
    title: str = ""
    on_list: bool = True
    present: bool = False
    is_regional_head: bool = False


def roster(req: ConsultationRequest) -> tuple[list[GuestRow], str]:
    """The rows to tick and where they come from: "visit" (already checked in), "confirmed"
    (the confirmed list) or "requested" (no confirmation: the requested delegation)."""
    if req.visit is not None:
        rows = [
            GuestRow(g.name, g.title or "", g.on_list, g.present, g.is_regional_head)
            for g in req.visit.guests
        ]
        return rows, "visit"
    if req.confirmation is not None:
        return [
            GuestRow(g.name, g.title, True, False, g.is_regional_head) for g in req.confirmation.guests
        ], "confirmed"
    return [GuestRow(m.name, m.title, True, False, m.is_regional_head) for m in req.delegation], "requested"


def is_today(req: ConsultationRequest, now: datetime) -> bool:
    return (
        req.scheduled_start is not None
        and req.scheduled_start.astimezone(WIB).date() == now.astimezone(WIB).date()
    )


def refusal(req: ConsultationRequest, now: datetime) -> str | None:
    """Why this session cannot be checked in now (None when it can)."""
    if req.visit is not None:
        return None  # a correction of the visit is always possible
    if req.state == S.NO_SHOW:
        return _("Sesi ini telah ditandai tidak hadir.")
    if req.state not in (S.SCHEDULED, S.CONFIRMED):
        return _("Sesi ini tidak menunggu kedatangan delegasi.")
    if not is_today(req, now):
        return _(
            "Sesi ini tidak dijadwalkan hari ini. Catat sebagai kunjungan tanpa jadwal bila delegasi tetap datang."
        )
    return None


def _arrival(visit: Visit, req: ConsultationRequest | None, now: datetime) -> Arrival:
    present = [g for g in visit.guests if g.present]
    if req is None:
        _version, policy = policy_in_force(visit.arrived_at)
        return Arrival(
            **arrival_limits(policy, Mode.FTF),
            present=len(present),
            arrived_at=visit.arrived_at,
            walk_in=True,
        )
    conf = req.confirmation
    return Arrival(
        **arrival_limits(policy_of(req, now), Mode(req.mode)),
        present=len(present),
        arrived_at=visit.arrived_at,
        confirmed=conf is not None,
        confirmed_guests=len(conf.guests) if conf else 0,
        not_on_list=sum(1 for g in present if not g.on_list),
        regional_head_confirmed=conf.regional_head_attends if conf else None,
        regional_head_present=visit.regional_head_present,
        scheduled_start=req.scheduled_start,
        has_letter=req.letter is not None,
    )


def _apply_breaches(visit: Visit, req: ConsultationRequest | None, actor: User, now: datetime) -> list:
    findings = evaluate(_arrival(visit, req, now))
    keys = {code: compliance.desk_key(code, visit.id) for code in DESK_TYPES}
    return compliance.reconcile(
        findings,
        keys=keys,
        actor=actor,
        void_reason=compliance.CORRECTED_AT_DESK,
        record_kwargs={
            "region_id": visit.region_id,
            "unit_type": visit.unit_type,
            "request": req,
            "visit": visit,
            "kind": RecordedBy.SYSTEM,
        },
    )


def _set_guests(visit: Visit, guests: list[GuestRow]) -> None:
    visit.guests = [
        VisitGuest(
            position=i,
            name=g.name.strip()[:120],
            title=(g.title or "").strip()[:160] or None,
            on_list=g.on_list,
            present=g.present,
            is_regional_head=g.is_regional_head,
        )
        for i, g in enumerate(guests)
    ]


def _guest_summary(visit: Visit) -> dict:
    return {
        "present": sum(1 for g in visit.guests if g.present),
        "added": sum(1 for g in visit.guests if not g.on_list),
        "regional_head_present": visit.regional_head_present,
        "arrived_at": visit.arrived_at,
    }


def _require_desk(actor: User) -> None:
    if actor is None or actor.role not in (Role.RECEPTIONIST, Role.COORDINATOR, Role.ADMIN):
        raise PermissionError("only the front desk checks delegations in")


def check_in(
    req: ConsultationRequest,
    *,
    guests: list[GuestRow],
    regional_head_present: bool,
    arrived_at: datetime,
    actor: User,
    now: datetime | None = None,
) -> tuple[Visit, bool, list]:
    """Check the delegation in, or correct its visit; (visit, created now, live breaches)."""
    _require_desk(actor)
    now = now or now_utc()
    # One writer per session at a time: another desk, the no-show job, a coordinator's cancel.
    lock_row(db.session, req)
    if req.visit is not None:
        db.session.refresh(req.visit)
    reason = refusal(req, now)
    if reason:
        raise DeskRefused(reason)
    visit = req.visit
    created = visit is None
    if created:
        visit = Visit(
            request=req,
            region_id=req.region_id,
            unit_type=req.unit_type,
            walk_in=False,
            checked_in_by_id=actor.id,
        )
        before = None
    else:
        before = _guest_summary(visit)
    visit.arrived_at = arrived_at
    visit.regional_head_present = regional_head_present
    _set_guests(visit, guests)
    db.session.add(visit)
    db.session.flush()
    audit.record(
        "visit.check_in" if created else "visit.correct",
        visit,
        actor=actor,
        before=before,
        after=_guest_summary(visit),
        at=now,
    )
    if has_ended(req, now) and allowed(req.state, Action.MARK_HELD):
        mark_held(req, actor=actor, now=now)
    breaches = _apply_breaches(visit, req, actor, now)
    if created:
        queue_arrived(visit)
    return visit, created, breaches


def walk_in(
    *,
    region_id: int,
    unit_type: UnitType,
    guests: list[GuestRow],
    regional_head_present: bool | None,
    arrived_at: datetime,
    actor: User,
    note: str | None = None,
    now: datetime | None = None,
    token: str | None = None,
) -> tuple[Visit, list]:
    """A delegation with no booking: a visit of the Pemda picked at the desk, no session.
    `token`: the form's one-time token; a second submit raises app.core.once.AlreadyDone."""
    _require_desk(actor)
    now = now or now_utc()
    once.claim_form("walk-in", token)
    visit = Visit(
        request=None,
        region_id=region_id,
        unit_type=UnitType(unit_type),
        walk_in=True,
        arrived_at=arrived_at,
        checked_in_by_id=actor.id,
        regional_head_present=regional_head_present,
        note=(note or "").strip() or None,
    )
    _set_guests(visit, guests)
    db.session.add(visit)
    db.session.flush()
    audit.record("visit.walk_in", visit, actor=actor, after=_guest_summary(visit), at=now)
    breaches = _apply_breaches(visit, None, actor, now)
    queue_arrived(visit)
    return visit, breaches


def check_out(visit: Visit, *, actor: User, at: datetime | None = None) -> Visit:
    _require_desk(actor)
    if visit.checked_out_at is not None:
        raise DeskRefused(_("Delegasi ini sudah dicatat pulang."))
    visit.checked_out_at = at or now_utc()
    visit.checked_out_by_id = actor.id
    audit.record("visit.check_out", visit, actor=actor, after={"checked_out_at": visit.checked_out_at})
    return visit


def has_ended(req: ConsultationRequest, now: datetime) -> bool:
    return req.scheduled_end is not None and now >= req.scheduled_end


def mark_held(req: ConsultationRequest, *, actor: User | None, now: datetime) -> None:
    """SCHEDULED/CONFIRMED -> HELD, audited: the session has happened (its end has passed)."""
    old = req.state
    req.state = transition(req.state, Action.MARK_HELD)
    req.updated_at = now
    audit.record(
        "request.mark_held", req, actor=actor, before={"state": old}, after={"state": req.state}, at=now
    )


def mark_no_show(
    req: ConsultationRequest, *, actor: User | None, reason: str | None, now: datetime | None = None
) -> None:
    """NO_SHOW plus a no_show breach (once per session), audited; the Pemda is emailed."""
    now = now or now_utc()
    lock_row(db.session, req)
    old = req.state
    req.state = transition(req.state, Action.MARK_NO_SHOW)
    req.updated_at = now
    if reason:
        req.state_reason = reason
    audit.record(
        "request.mark_no_show",
        req,
        actor=actor,
        before={"state": old},
        after={"state": req.state, "reason": reason},
        at=now,
    )
    compliance.record_breach(
        BreachType.NO_SHOW,
        region_id=req.region_id,
        unit_type=req.unit_type,
        evidence={
            "mode": str(req.mode),
            "scheduled_start": req.scheduled_start.isoformat() if req.scheduled_start else None,
        },
        dedupe_key=compliance.request_key(BreachType.NO_SHOW, req.id),
        request=req,
        kind=RecordedBy.COORDINATOR if actor is not None else RecordedBy.SYSTEM,
        actor=actor,
        note=reason,
        at=now,
    )
