"""Email about bookings, queued in the transaction and sent after the commit (app.core.mail).

To the Pemda's contact: scheduled, rescheduled, cancelled. To a narasumber: an assignment
(new or moved) and its release. To the coordinators: a declined assignment, with replacement
suggestions. Times are shown in the Pemda's zone (with WIB) to the Pemda, in WIB to DJPK.
"""

from datetime import datetime

from sqlalchemy import select

from app.auth.models import Role, User
from app.core.clock import now_utc
from app.core.mail import queue_email
from app.domain.states import RequestState
from app.extensions import db
from app.requests.labels import mode_label
from app.requests.models import ConsultationRequest
from app.scheduling.booking import active_rows
from app.scheduling.models import NarasumberAssignment

WIB = "Asia/Jakarta"


def pemda_recipients(req: ConsultationRequest) -> list[str]:
    return sorted({req.contact_email.lower(), req.created_by.email.lower()})


def invite_parts(req: ConsultationRequest) -> list[dict]:
    """The session's current calendar invite (REQUEST, or CANCEL once cancelled) as an
    attachment whose MIME method parameter equals the METHOD inside (RFC 6047)."""
    from app.invites import services as invites  # app.invites imports booking code

    if not invites.available(req):
        return []
    invite = invites.invite(req)
    return [{"filename": invite.filename, "content_type": invite.content_type, "data": invite.content}]


def _to_pemda(req: ConsultationRequest, name: str, **context) -> None:
    queue_email(
        pemda_recipients(req),
        name,
        req=req,
        zone=req.region.timezone,
        mode_label=mode_label,
        attachments=invite_parts(req),
        **context,
    )


def queue_scheduled(req: ConsultationRequest) -> None:
    _to_pemda(req, "scheduling/scheduled")


def queue_rescheduled(req: ConsultationRequest, old_start: datetime, old_end: datetime, reason: str) -> None:
    _to_pemda(req, "scheduling/rescheduled", old_start=old_start, old_end=old_end, reason=reason)


def queue_cancelled(req: ConsultationRequest, reason: str | None) -> None:
    _to_pemda(req, "scheduling/cancelled", reason=reason)


def queue_assignment(
    assignment: NarasumberAssignment, previous: tuple[datetime, datetime] | None = None
) -> None:
    """Tell the narasumber about a session they are asked to attend (or its new time)."""
    queue_email(
        assignment.narasumber.user.email,
        "scheduling/assignment",
        attachments=invite_parts(assignment.request),
        assignment=assignment,
        req=assignment.request,
        zone=WIB,
        mode_label=mode_label,
        previous=previous,
    )


def queue_released(assignment: NarasumberAssignment, reason: str | None) -> None:
    """Tell the narasumber they are no longer expected (cancelled, moved to others, replaced)."""
    cancelled = assignment.request.state == RequestState.CANCELLED
    queue_email(
        assignment.narasumber.user.email,
        "scheduling/assignment_released",
        attachments=invite_parts(assignment.request) if cancelled else [],
        assignment=assignment,
        req=assignment.request,
        zone=WIB,
        mode_label=mode_label,
        reason=reason,
    )


def coordinator_emails() -> list[str]:
    users = db.session.scalars(select(User).where(User.role == Role.COORDINATOR).order_by(User.email))
    return [u.email for u in users if u.is_active]


def queue_decline_alert(assignment: NarasumberAssignment, suggestions: list) -> None:
    """Alert every active coordinator: find someone else (with the suggestions, if any)."""
    to = coordinator_emails()
    if not to:
        return
    queue_email(
        to,
        "scheduling/declined",
        assignment=assignment,
        req=assignment.request,
        zone=WIB,
        mode_label=mode_label,
        suggestions=suggestions,
    )


def replacement_suggestions(req, declined: NarasumberAssignment, limit: int = 5) -> list[dict]:
    """Up to `limit` replacements for the alert: {"name", "reasons"} (empty without the module)."""
    try:
        from app.scheduling.suggestions import reason_text, suggest_people
    except ModuleNotFoundError as exc:
        if exc.name != "app.scheduling.suggestions":
            raise
        return []
    exclude = {declined.narasumber_id} | {a.narasumber_id for a in active_rows(NarasumberAssignment, req)}
    ranked = suggest_people(req, req.scheduled_start, req.scheduled_end, now=now_utc(), exclude_ids=exclude)
    return [
        {"name": rp.person.name, "reasons": [reason_text(r) for r in rp.reasons]}
        for rp in list(ranked)[:limit]
    ]
