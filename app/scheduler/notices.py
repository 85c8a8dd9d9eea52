"""What the attendance steps do: the email of each step (one row per recipient, each with its
own dedupe key) and the flag, audit and optional cancellation at the confirmation deadline.

Called by app.scheduler.tasks inside the transaction that inserts the step's marker.
Times are shown in the Pemda's zone (with WIB beside it) to the Pemda, in WIB to DJPK.
"""

import hashlib
from contextlib import contextmanager
from datetime import datetime

from flask import current_app, has_request_context
from flask_babel import gettext as _

from app.core import audit
from app.core.mail import queue_email
from app.domain import attendance
from app.domain.policy import Mode, PolicyValues
from app.domain.states import RequestState
from app.requests.labels import mode_label
from app.requests.models import ConsultationRequest
from app.scheduling.emails import coordinator_emails, pemda_recipients
from app.scheduling.models import AssignmentStatus

WIB = "Asia/Jakarta"
KEY_LENGTH = 200  # OutboxMessage.dedupe_key


def dedupe_key(marker: str, email: str) -> str:
    """One email row per step, session, start time and recipient."""
    key = f"{marker}:{email.lower()}"
    if len(key) <= KEY_LENGTH:
        return key
    return f"{marker}:{hashlib.sha256(email.lower().encode()).hexdigest()[:32]}"[:KEY_LENGTH]


def _deadline(req: ConsultationRequest, policy: PolicyValues) -> datetime:
    from app.policy.services import work_calendar

    return attendance.confirmation_deadline(req.scheduled_start, policy, work_calendar())


def _send(to: str, name: str, marker: str, req: ConsultationRequest, **context) -> None:
    queue_email(to, name, dedupe_key=dedupe_key(marker, to), req=req, mode_label=mode_label, **context)


def confirmation_request(req: ConsultationRequest, policy: PolicyValues, marker: str) -> None:
    """Ask the Pemda (contact and operator) to confirm the delegation and the regional head."""
    deadline = _deadline(req, policy)
    for to in pemda_recipients(req):
        _send(
            to,
            "attendance/confirmation_request",
            marker,
            req,
            zone=req.region.timezone,
            deadline=deadline,
            cancel_unconfirmed=bool(policy.cancel_unconfirmed),
        )


def unconfirmed(req: ConsultationRequest, policy: PolicyValues, now: datetime, marker: str) -> None:
    """The deadline passed without a confirmation: flag the session (and cancel it when the
    policy says so), audit it, and tell the Pemda and the coordinators."""
    from app.scheduling.services import cancel_unconfirmed

    cancelled = bool(policy.cancel_unconfirmed)
    deadline = _deadline(req, policy)
    before = {"state": str(req.state), "unconfirmed_flagged_at": req.unconfirmed_flagged_at}
    if cancelled:
        cancel_unconfirmed(req, reason=unconfirmed_reason())
    req.unconfirmed_flagged_at = now
    after = {"state": str(req.state), "unconfirmed_flagged_at": now, "deadline": deadline}
    audit.record("request.unconfirmed", req, actor=None, before=before, after=after)
    common = {"deadline": deadline, "cancelled": cancelled}
    for to in pemda_recipients(req):
        _send(to, "attendance/unconfirmed", marker, req, zone=req.region.timezone, for_djpk=False, **common)
    for to in coordinator_emails():
        _send(to, "attendance/unconfirmed", marker, req, zone=WIB, for_djpk=True, **common)


def reminder_recipients(req: ConsultationRequest) -> list[tuple[str, str, str, str]]:
    """(email, name, audience, zone) of everyone reminded: the Pemda's contact and operator,
    each narasumber still assigned (accepted or not yet answered) and, face to face, the
    front desk."""
    people = [(to, req.contact_name, "pemda", req.region.timezone) for to in pemda_recipients(req)]
    for a in sorted(req.assignments, key=lambda a: a.id):
        if a.active and a.status in (AssignmentStatus.ASSIGNED, AssignmentStatus.ACCEPTED):
            user = a.narasumber.user
            people.append((user.email.lower(), user.name, "narasumber", WIB))
    front_desk = current_app.config.get("FRONT_DESK_EMAIL")
    if req.mode == Mode.FTF and front_desk:
        people.append((front_desk.lower(), current_app.config.get("FRONT_DESK_NAME", ""), "front_desk", WIB))
    unique: dict[str, tuple[str, str, str, str]] = {}
    for person in people:
        unique.setdefault(person[0], person)  # the same address once (its first role)
    return list(unique.values())


def reminder(req: ConsultationRequest, policy: PolicyValues, marker: str) -> None:
    deadline = _deadline(req, policy)
    confirmed = req.state == RequestState.CONFIRMED
    for to, name, audience, zone in reminder_recipients(req):
        _send(
            to,
            "scheduling/reminder",
            marker,
            req,
            zone=zone,
            reader=name,
            audience=audience,
            deadline=deadline,
            confirmed=confirmed,
        )


@contextmanager
def _babel_context():
    """Flask-Babel needs a request; a job has none (the default locale, Indonesian, applies)."""
    if has_request_context():
        yield
        return
    with current_app.test_request_context("/"):
        yield


def unconfirmed_reason() -> str:
    """The reason stored on a session cancelled for want of a confirmation."""
    with _babel_context():
        return _("Kehadiran tidak dikonfirmasi sampai batas waktu konfirmasi.")
