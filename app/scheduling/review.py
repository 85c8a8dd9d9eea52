"""What the coordinator reads before deciding: the policy checks as they stand now, letters
whose number another request already used, and the Pemda's earlier requests.

The checks are re-run with the policy version the request was submitted under and the
current time, so a request that was fine when sent but has since run out of lead time shows
it.
"""

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from app.auth.models import User
from app.catalog.models import Topic
from app.core.audit import AuditLog
from app.domain.policy import Mode, RequestDraft, Rule, Window, check_request
from app.domain.states import RequestState
from app.extensions import db
from app.policy.messages import violation_message
from app.policy.services import values_of, work_calendar
from app.requests.models import ConsultationRequest, RequestLetter, request_topics

_TIME_RULES = {
    Rule.LEAD_TIME,
    Rule.SERVICE_DAY,
    Rule.SERVICE_HOURS,
    Rule.WINDOW_TOO_SHORT,
    Rule.WINDOW_IN_PAST,
}


@dataclass
class Check:
    label: str
    ok: bool
    messages: list[str] = field(default_factory=list)
    note: str | None = None  # shown when the rule does not apply


def policy_checks(req: ConsultationRequest, now: datetime) -> list[Check]:
    """Every rule of the request's policy version, passed or failed, as of `now`."""
    values = values_of(req.policy_version)
    letter = req.letter
    draft = RequestDraft(
        mode=Mode(req.mode),
        windows=tuple(Window(w.start, w.end) for w in req.windows),
        delegation_size=len(req.delegation),
        has_letter=letter is not None,
        letter_addressee=letter.addressee if letter else None,
    )
    violations = check_request(draft, values, work_calendar(), now)

    def messages(rules) -> list[str]:
        out = []
        for v in violations:
            if v.rule in rules:
                text = violation_message(v)
                if v.index is not None and len(req.windows) > 1:
                    text = _("Pilihan %(n)d: %(message)s", n=v.index + 1, message=text)
                out.append(text)
        return out

    time_messages = messages(_TIME_RULES)
    failing_windows = {v.index for v in violations if v.rule in _TIME_RULES}
    checks = [
        Check(
            _("Waktu yang diinginkan: jam layanan dan batas waktu pengajuan"),
            # One preferred window that still fits is enough to schedule.
            ok=len(failing_windows) < len(req.windows),
            messages=time_messages,
        ),
        Check(
            _("Jumlah delegasi (paling banyak %(limit)d orang)", limit=values.max_guests(Mode(req.mode))),
            ok=not messages({Rule.DELEGATION_SIZE, Rule.DELEGATION_EMPTY}),
            messages=messages({Rule.DELEGATION_SIZE, Rule.DELEGATION_EMPTY}),
        ),
    ]
    required = values.letter_required(Mode(req.mode))
    checks.append(
        Check(
            _("Surat permohonan dilampirkan"),
            ok=letter is not None or not required,
            messages=messages({Rule.LETTER_REQUIRED}),
            note=None
            if letter is not None or required
            else _("Tidak diwajibkan untuk jenis konsultasi ini."),
        )
    )
    if letter is not None or required:
        checks.append(
            Check(
                _("Surat ditujukan kepada Direktur Jenderal Perimbangan Keuangan"),
                ok=letter is not None and not messages({Rule.LETTER_ADDRESSEE}),
                messages=messages({Rule.LETTER_ADDRESSEE}),
            )
        )
    return checks


def same_letter_number(req: ConsultationRequest) -> list[ConsultationRequest]:
    """Other requests whose letter carries the same number (spaces and case ignored)."""
    if req.letter is None or not req.letter.number.strip():
        return []
    number = "".join(req.letter.number.split()).lower()
    normalised = func.lower(func.replace(RequestLetter.number, " ", ""))
    # IN rather than a join: with the join SQLite walked every request in submission order
    # (to spare the sort) and looked each one's letter up.
    same = select(RequestLetter.request_id).where(normalised == number)
    return list(
        db.session.scalars(
            select(ConsultationRequest)
            .where(ConsultationRequest.id.in_(same), ConsultationRequest.id != req.id)
            .options(joinedload(ConsultationRequest.region))
            .order_by(ConsultationRequest.submitted_at)
        )
    )


def history_with_actors(req: ConsultationRequest) -> tuple[list[AuditLog], dict[int, User]]:
    """The request's audit entries, oldest first, and who made them by id: what
    app.requests.queries.history() and actors_of() give, in one statement."""
    entries, actors = [], {}
    rows = db.session.execute(
        select(AuditLog, User)
        .outerjoin(User, User.id == AuditLog.actor_id)
        .where(AuditLog.object_type == "ConsultationRequest", AuditLog.object_id == str(req.id))
        .order_by(AuditLog.at, AuditLog.id)
    )
    for entry, actor in rows:
        entries.append(entry)
        if actor is not None:
            actors[actor.id] = actor
    return entries, actors


@dataclass
class EarlierRequest:
    """What the review page shows of one of the Pemda's earlier requests."""

    id: int
    submitted_at: datetime
    mode: Mode
    state: RequestState
    scheduled_start: datetime | None
    topic_codes: list[str] = field(default_factory=list)  # in topic order

    reference = property(ConsultationRequest.reference.fget)  # the request's own spelling


def pemda_history(req: ConsultationRequest, limit: int = 20) -> list[EarlierRequest]:
    """The same Pemda's (region and unit) earlier requests, newest first, with their topic
    codes: one statement of plain rows (as objects, the twenty requests and their topics cost
    more to load than to query)."""
    R = ConsultationRequest
    newest = (
        select(R.id)
        .where(
            R.region_id == req.region_id,
            R.unit_type == req.unit_type,
            R.id != req.id,
            R.submitted_at <= req.submitted_at,
        )
        .order_by(R.submitted_at.desc(), R.id.desc())
        .limit(limit)
        .subquery()
    )
    rows = db.session.execute(
        select(R.id, R.submitted_at, R.mode, R.state, R.scheduled_start, Topic.code)
        .join(newest, newest.c.id == R.id)
        .outerjoin(request_topics, request_topics.c.request_id == R.id)
        .outerjoin(Topic, Topic.id == request_topics.c.topic_id)
        .order_by(R.submitted_at.desc(), R.id.desc(), Topic.sort_order)
    )
    found: dict[int, EarlierRequest] = {}
    for rid, submitted_at, mode, state, scheduled_start, code in rows:
        earlier = found.get(rid)
        if earlier is None:
            earlier = found[rid] = EarlierRequest(rid, submitted_at, mode, state, scheduled_start)
        if code is not None:
            earlier.topic_codes.append(code)
    return list(found.values())
