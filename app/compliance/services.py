"""Recording breaches: once per fact, never dropped silently, the Pemda told of each.

record_breach() is idempotent through Breach.dedupe_key ("guests_over_limit:visit:12",
"no_show:request:34"): the same fact saved again finds its record. When the numbers changed
(the desk ticked more guests) the record's evidence is updated and the change audited,
rather than a second record added.

A breach found earlier that a correction at the desk made untrue is never deleted: it is
voided with the reason "corrected at the desk" (void_breach), audited, and stays visible as
voided. Found true again later, it is restored (the void cleared, audited). Only a new
record queues the email to the Pemda; an update, void or restore does not.
"""

from datetime import datetime

from sqlalchemy import select

from app.auth.models import Role, UnitType, User
from app.compliance.labels import evidence_text
from app.compliance.models import Breach, RecordedBy
from app.core import audit, mail
from app.core.clock import now_utc
from app.domain.breaches import BreachType, kind_of, label
from app.extensions import db
from app.requests.models import ConsultationRequest

# Stored as the record's void reason (data, in DJPK's language, whatever the desk's locale).
CORRECTED_AT_DESK = "Dikoreksi di meja resepsionis"


def desk_key(code: BreachType | str, visit_id: int) -> str:
    return f"{BreachType(code)}:visit:{visit_id}"


def request_key(code: BreachType | str, request_id: int) -> str:
    return f"{BreachType(code)}:request:{request_id}"


def by_key(key: str) -> Breach | None:
    return db.session.scalars(select(Breach).where(Breach.dedupe_key == key)).first()


def record_breach(
    type_code: BreachType | str,
    *,
    region_id: int,
    unit_type: UnitType,
    evidence: dict | None = None,
    dedupe_key: str | None = None,
    request: ConsultationRequest | None = None,
    visit=None,
    kind: RecordedBy = RecordedBy.SYSTEM,
    actor: User | None = None,
    note: str | None = None,
    at: datetime | None = None,
) -> tuple[Breach, bool]:
    """The breach of `dedupe_key` (created, updated or restored); True when created now."""
    if kind_of(type_code) is None:
        raise ValueError(f"unknown breach type {type_code!r}")
    evidence = dict(evidence or {})
    at = at or now_utc()
    existing = by_key(dedupe_key) if dedupe_key else None
    if existing is not None:
        _refresh(existing, evidence, actor, at)
        return existing, False
    breach = Breach(
        type_code=str(BreachType(type_code)),
        region_id=region_id,
        unit_type=unit_type,
        request_id=request.id if request is not None else None,
        visit_id=visit.id if visit is not None else None,
        recorded_by_kind=kind,
        recorded_by_id=actor.id if actor is not None else None,
        recorded_at=at,
        evidence=evidence,
        note=(note or "").strip() or None,
        dedupe_key=dedupe_key,
    )
    db.session.add(breach)
    db.session.flush()
    audit.record(
        "breach.record",
        breach,
        actor=actor,
        after={
            "type": breach.type_code,
            "evidence": evidence,
            "key": dedupe_key,
            "request_id": breach.request_id,
        },
        at=at,
    )
    _queue_pemda_email(breach, request)
    return breach, True


def restore_breach(
    breach: Breach,
    *,
    actor: User | None,
    at: datetime,
    evidence: dict | None = None,
    reason: str | None = None,
) -> Breach:
    """Clear the void of `breach` (it counts again), audited with the void it undoes."""
    evidence = breach.evidence if evidence is None else evidence
    after = {"evidence": evidence} | ({"reason": reason} if reason else {})
    audit.record(
        "breach.restore",
        breach,
        actor=actor,
        before={"void_reason": breach.void_reason, "evidence": breach.evidence},
        after=after,
        at=at,
    )
    breach.voided_at = breach.voided_by_id = breach.void_reason = None
    breach.evidence = evidence
    return breach


def _refresh(breach: Breach, evidence: dict, actor: User | None, at: datetime) -> None:
    if breach.voided:
        restore_breach(breach, actor=actor, at=at, evidence=evidence)
    elif breach.evidence != evidence:
        audit.record(
            "breach.evidence",
            breach,
            actor=actor,
            before={"evidence": breach.evidence},
            after={"evidence": evidence},
            at=at,
        )
        breach.evidence = evidence


def void_breach(breach: Breach, *, reason: str, actor: User | None, at: datetime | None = None) -> Breach:
    """Keep the record, marked void with `reason` (a breach is never deleted)."""
    if breach.voided:
        return breach
    at = at or now_utc()
    breach.voided_at = at
    breach.voided_by_id = actor.id if actor is not None else None
    breach.void_reason = reason
    audit.record(
        "breach.void", breach, actor=actor, after={"reason": reason, "evidence": breach.evidence}, at=at
    )
    return breach


def reconcile(
    findings, *, keys: dict, actor: User | None, record_kwargs: dict, void_reason: str
) -> list[Breach]:
    """Make the records of `keys` ({type: dedupe key}) match `findings`: record or update each
    finding, void the records of the other types. Returns the live breaches."""
    found = {f.code: f for f in findings}
    out = []
    for code, key in keys.items():
        if code in found:
            breach, _created = record_breach(
                code, evidence=found[code].evidence, dedupe_key=key, actor=actor, **record_kwargs
            )
            out.append(breach)
        else:
            stale = by_key(key)
            if stale is not None and not stale.voided:
                void_breach(stale, reason=void_reason, actor=actor)
    return out


def add_note(breach: Breach, text: str, actor: User) -> Breach:
    """Append a note (who wrote it goes with it and to the audit log)."""
    text = (text or "").strip()
    if not text:
        raise ValueError("a note needs text")
    line = f"{actor.name}: {text}"
    before = breach.note
    breach.note = f"{before}\n{line}" if before else line
    audit.record("breach.note", breach, actor=actor, before={"note": before}, after={"note": breach.note})
    return breach


def pemda_emails(region_id: int, unit_type: UnitType, req: ConsultationRequest | None = None) -> list[str]:
    """Who hears about a Pemda's breach: the session's contact and filer, else its operators."""
    if req is not None:
        from app.scheduling.emails import pemda_recipients

        return pemda_recipients(req)
    users = db.session.scalars(
        select(User).where(User.role == Role.PEMDA, User.region_id == region_id, User.unit_type == unit_type)
    )
    return sorted({u.email.lower() for u in users if u.is_active})


def _queue_pemda_email(breach: Breach, req: ConsultationRequest | None) -> None:
    to = pemda_emails(breach.region_id, breach.unit_type, req)
    if not to:
        return
    mail.queue_email(
        to,
        "compliance/breach_recorded",
        dedupe_key=f"breach:{breach.id}",
        request_id=req.id if req is not None else None,
        breach=breach,
        req=req,
        # Callables, not text: the template renders in a request context (even from a job),
        # where the translations are.
        breach_label=label,
        evidence_text=evidence_text,
        zone=breach.region.timezone if breach.region else "Asia/Jakarta",
    )
