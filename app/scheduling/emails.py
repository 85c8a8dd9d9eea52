"""Email about bookings, queued in the transaction and sent after the commit (app.core.mail).

To the Pemda's contact: scheduled, rescheduled, cancelled. To a narasumber: an assignment
(new or moved) and its release. To the front desk (an ATTENDEE of every face-to-face invite):
the invite of each change of a visit. To the coordinators: a declined assignment, with
replacement suggestions. Times are shown in the Pemda's zone (with WIB) to the Pemda, in WIB
to DJPK. Each email to a narasumber or the front desk carries the calendar invite that keeps
their calendar right: a REQUEST, or a CANCEL when they are no longer expected.
"""

from datetime import datetime

from sqlalchemy import select

from app.auth.models import Role, User
from app.core.clock import now_utc
from app.core.mail import queue_email
from app.domain.policy import Mode
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
    return [_part(invites.invite(req))]


def _part(invite) -> dict:
    return {"filename": invite.filename, "content_type": invite.content_type, "data": invite.content}


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
    queue_front_desk(req, "new")


def queue_rescheduled(req: ConsultationRequest, old_start: datetime, old_end: datetime, reason: str) -> None:
    _to_pemda(req, "scheduling/rescheduled", old_start=old_start, old_end=old_end, reason=reason)
    queue_front_desk(req, "changed", reason=reason, old_start=old_start, old_end=old_end)


def queue_cancelled(req: ConsultationRequest, reason: str | None) -> None:
    _to_pemda(req, "scheduling/cancelled", reason=reason)
    queue_front_desk(req, "cancelled", reason=reason)


def queue_front_desk(req: ConsultationRequest, kind: str, *, reason: str | None = None, **context):
    """Send the front desk the invite of a face-to-face session: kind "new", "changed",
    "cancelled" (the session's own REQUEST or CANCEL), or "converted" (the session became a
    video conference: a CANCEL for the front desk only, as nobody will visit).

    The dedupe key holds the invite's SEQUENCE: one email per version of the invite.
    Returns the OutboxMessage (None when the front desk is not concerned).
    """
    from app.invites import services as invites

    if not invites.available(req):
        return None
    if kind == "converted":
        invite = invites.personal_cancel(req, front_desk(), converted=True)
        sequence = invites.sequence_of(req, "REQUEST")  # the version that dropped the visit
    elif req.mode == Mode.FTF:
        invite = invites.invite(req)
        sequence = invites.sequence_of(req, invite.method)
    else:
        return None  # a video conference brings nobody to the front desk
    return queue_email(
        invites.setting("FRONT_DESK_EMAIL"),
        "scheduling/front_desk_invite",
        dedupe_key=f"scheduling/front_desk_invite:{req.id}:{sequence}:{invite.method}",
        attachments=[_part(invite)],
        req=req,
        kind=kind,
        invite=invite,
        reason=reason,
        zone=WIB,
        mode_label=mode_label,
        **context,
    )


def front_desk():
    """The front desk as the invites name it (an ATTENDEE that does not take part)."""
    from app.invites import services as invites

    return invites.ics.Person(
        invites.setting("FRONT_DESK_EMAIL"), invites.setting("FRONT_DESK_NAME"), "NON-PARTICIPANT"
    )


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
    """Tell the narasumber they are no longer expected (cancelled, moved to others, replaced).

    A cancelled session: its CANCEL. A session that goes on without them: a CANCEL of their
    own (same UID, the raised SEQUENCE, only them), so that their calendar drops it too.
    """
    req = assignment.request
    if req.state == RequestState.CANCELLED:
        attachments = invite_parts(req)
    else:
        from app.invites import services as invites

        user = assignment.narasumber.user
        person = invites.ics.Person(user.email, user.name)
        attachments = [_part(invites.personal_cancel(req, person))] if invites.available(req) else []
    queue_email(
        assignment.narasumber.user.email,
        "scheduling/assignment_released",
        attachments=attachments,
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
