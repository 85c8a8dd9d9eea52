"""The coordinator's decisions that book nobody: reject, request changes, convert FTF to VC.

Each checks the transition (app.domain.states), changes the request, writes the audit log
(the Pemda reads it, with the reason, on its request page) and queues an email to the Pemda's
contact; the route commits once and then calls app.core.mail.send_queued(). Booking decisions (approve and
schedule, reschedule, cancel) live in app.scheduling.services.
"""

from flask import current_app
from flask_babel import gettext as _

from app.auth.models import User
from app.core import audit, mail
from app.core.access import require_coordinator
from app.core.clock import now_utc
from app.core.db_setup import lock_row
from app.domain.policy import Mode
from app.domain.states import Action, IllegalTransition, transition
from app.extensions import db
from app.invites import services as invites_services
from app.requests.labels import mode_label, state_label
from app.requests.models import ConsultationRequest
from app.scheduling import emails
from app.scheduling.booking import arrived_message


class DecisionRefused(Exception):
    """The decision cannot be taken as asked; `message` goes beside `field` on the form."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def _decide(req: ConsultationRequest, action: Action, actor: User, reason: str, audit_action: str):
    require_coordinator(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValueError("a reason is required")
    lock_row(db.session, req)  # decide on the state as it is now, not as the page loaded it
    before = req.state
    req.state = transition(req.state, action)
    req.state_reason = reason
    req.updated_at = now_utc()
    audit.record(
        audit_action,
        req,
        actor=actor,
        before={"state": before},
        after={"state": req.state, "reason": reason},
    )


def reject(req: ConsultationRequest, *, actor: User, reason: str) -> ConsultationRequest:
    _decide(req, Action.REJECT, actor, reason, "request.reject")
    queue_email(req, "scheduling/rejected", reason=req.state_reason)
    return req


def request_changes(req: ConsultationRequest, *, actor: User, reason: str) -> ConsultationRequest:
    """Send the request back to the Pemda, which edits and so resubmits it."""
    _decide(req, Action.REQUEST_CHANGES, actor, reason, "request.request_changes")
    queue_email(req, "scheduling/changes_requested", reason=req.state_reason)
    return req


def convert_to_vc(
    req: ConsultationRequest, *, actor: User, reason: str, meeting_url: str | None = None
) -> ConsultationRequest:
    """Make a face-to-face request a video conference (VC is DJPK's preferred mode).

    A scheduled session keeps its time and narasumber, gives up its room and gets a meeting
    link (the one pasted, or one made from MEETING_URL_TEMPLATE).
    """
    require_coordinator(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValueError("a reason is required")
    lock_row(db.session, req)  # a session held or cancelled meanwhile is not converted
    if req.mode != Mode.FTF:
        raise IllegalTransition(req.state, Action.CONVERT_TO_VC)
    new_state = transition(req.state, Action.CONVERT_TO_VC)
    if getattr(req, "visit", None) is not None:
        raise DecisionRefused(arrived_message())
    url = req.meeting_url
    if req.scheduled_start is not None:
        url = (meeting_url or "").strip() or generated_meeting_url(req)
        if not url:
            raise DecisionRefused(
                _("Tempelkan tautan rapat: tidak ada templat tautan yang dikonfigurasi."), "meeting_url"
            )
    before = {"state": req.state, "mode": req.mode, "room_id": req.room_id, "meeting_url": req.meeting_url}
    req.mode = Mode.VC
    req.state = new_state
    req.state_reason = reason
    req.updated_at = now_utc()
    req.meeting_url = url
    for booking in req.room_bookings:
        booking.active = False
    req.room_id = None
    if req.scheduled_start is not None:  # the location changed: a new invite version
        invites_services.touch(req, "REQUEST")
    audit.record(
        "request.convert_to_vc",
        req,
        actor=actor,
        before=before,
        after={
            "state": req.state,
            "mode": req.mode,
            "room_id": None,
            "meeting_url": req.meeting_url,
            "reason": reason,
        },
    )
    # A scheduled session's invite changed (the link replaces the room): everyone gets it.
    scheduled = req.scheduled_start is not None
    queue_email(
        req, "scheduling/converted", reason=reason, attachments=emails.invite_parts(req) if scheduled else []
    )
    if scheduled:
        for assignment in req.assignments:
            if assignment.active:
                emails.queue_assignment(assignment)
    emails.queue_front_desk(req, "converted", reason=reason)  # nobody visits: a CANCEL for it
    return req


def generated_meeting_url(req: ConsultationRequest) -> str | None:
    template = current_app.config.get("MEETING_URL_TEMPLATE") or ""
    return template.format(reference=req.reference) if template else None


def illegal_message(exc: IllegalTransition) -> str:
    return _(
        "Keputusan ini tidak dapat diambil untuk permohonan berstatus \u201c%(state)s\u201d. "
        "Muat ulang halaman untuk melihat keadaannya sekarang.",
        state=state_label(exc.state),
    )


# Email after commit ------------------------------------------------------------------------


def queue_email(req: ConsultationRequest, name: str, **context) -> None:
    """Queue an email to the Pemda (its contact and the operator who filed the request); app.core.mail.send_queued() sends it after the
    commit."""
    mail.queue_email(
        emails.pemda_recipients(req),
        name,
        req=req,
        zone=req.region.timezone,
        mode_label=mode_label,
        **context,
    )
