"""Attendance confirmation: when a Pemda may confirm, and the confirmation itself.

The Pemda confirms its final delegation (names and positions, within the policy's limit) and
whether the regional head attends, from the confirmation request until the deadline
(app.domain.attendance); until then it may change it, after it the confirmation is locked and
is what the front desk checks. The request's own delegation (DelegationMember) stays as it was.
"""

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from werkzeug.exceptions import NotFound

from app.attendance.forms import ConfirmForm
from app.attendance.models import AttendanceConfirmation, ConfirmedGuest
from app.auth.models import User
from app.core import audit
from app.core.access import owns
from app.core.clock import now_utc
from app.core.db_setup import lock_row
from app.core.mail import drop_queued, queue_email, send_queued
from app.core.templating import fmt_both
from app.domain import attendance as rules
from app.domain.policy import PolicyValues
from app.domain.states import Action, RequestState, allowed, transition
from app.extensions import db
from app.policy.services import work_calendar
from app.requests import labels
from app.requests.labels import mode_label
from app.requests.models import ConsultationRequest
from app.scheduling.suggestions import policy_of

S = RequestState
# States in which a session has a time and a booking code the letter can show.
LETTER_STATES = frozenset({S.SCHEDULED, S.CONFIRMED, S.HELD, S.NO_SHOW})


@dataclass(frozen=True)
class Window:
    """When the Pemda may confirm: opens <= now < deadline."""

    opens: datetime
    deadline: datetime
    policy: PolicyValues

    def phase(self, now: datetime) -> str:
        if now < self.opens:
            return "not_open"
        return "open" if now < self.deadline else "locked"

    def max_guests(self, req: ConsultationRequest) -> int:
        return self.policy.max_guests(req.mode)


class ConfirmRefused(Exception):
    """The confirmation was not saved; `problems` says why, in the user's language."""

    def __init__(self, problems: list[str], *, stale: bool = False):
        super().__init__("; ".join(problems))
        self.problems = problems
        self.stale = stale


def window_of(req: ConsultationRequest, now: datetime | None = None) -> Window | None:
    """The confirmation window of a session with a time, under the request's policy."""
    if req.scheduled_start is None:
        return None
    policy = policy_of(req, now or now_utc())
    calendar = work_calendar()
    start = req.scheduled_start
    return Window(
        rules.confirmation_opens(start, policy, calendar),
        rules.confirmation_deadline(start, policy, calendar),
        policy,
    )


def status_of(req: ConsultationRequest, now: datetime | None = None) -> str | None:
    """confirmed | pending | overdue (deadline passed, not yet flagged) | flagged; None when the
    session has no confirmation to speak of (not scheduled, held, cancelled...)."""
    if req.state == S.CONFIRMED:
        return "confirmed"
    if req.state != S.SCHEDULED:
        return None
    if req.unconfirmed_flagged_at is not None:
        return "flagged"
    window = window_of(req, now)
    if window is not None and (now or now_utc()) >= window.deadline:
        return "overdue"
    return "pending"


def next_step(req: ConsultationRequest, now: datetime | None = None) -> str:
    """The Pemda's next step. A scheduled session's depends on its confirmation window: before
    it opens the step says from when (not "confirm now"), while open until when."""
    if req.state in (S.SCHEDULED, S.CONFIRMED) and getattr(req, "visit", None) is not None:
        return _("Kedatangan delegasi telah dicatat di meja resepsionis")
    if req.state != S.SCHEDULED:
        return labels.next_step(req.state)
    now = now or now_utc()
    window = window_of(req, now)
    if window is None:
        return labels.next_step(req.state)
    zone = req.region.timezone
    phase = window.phase(now)
    if phase == "not_open":
        return _("Konfirmasi kehadiran delegasi mulai %(when)s", when=fmt_both(window.opens, zone))
    if phase == "open":
        return _("Konfirmasi kehadiran delegasi paling lambat %(when)s", when=fmt_both(window.deadline, zone))
    return _(
        "Batas waktu konfirmasi (%(when)s) telah lewat; konfirmasi kehadiran terkunci.",
        when=fmt_both(window.deadline, zone),
    )


def initial_data(req: ConsultationRequest) -> dict:
    """What the form shows first: the confirmation as saved, or else the requested delegation."""
    conf = req.confirmation
    if conf is not None:
        guests = conf.guests
        head = conf.regional_head_attends
        version = conf.version
    else:
        guests = req.delegation
        head = any(m.is_regional_head for m in guests)
        version = 0
    return {
        "guests": [
            {"name": g.name, "title": g.title, "is_regional_head": g.is_regional_head} for g in guests
        ],
        "regional_head_attends": "ya" if head else "tidak",
        "version": str(version),
    }


def confirm(
    user: User, req: ConsultationRequest, form: ConfirmForm, now: datetime | None = None
) -> AttendanceConfirmation:
    """Save the Pemda's confirmation (SCHEDULED -> CONFIRMED, or a change while CONFIRMED).

    Raises NotFound for anyone but the owning Pemda, IllegalTransition when the session is not
    one that can be confirmed, ConfirmRefused when the window is closed, the form is wrong or
    somebody changed the confirmation since the form was opened (stale).
    """
    if not owns(user, req):
        raise NotFound()
    now = now or now_utc()
    transition(req.state, Action.CONFIRM)
    window = window_of(req, now)
    refusal = closed_message(req, window, now)
    if refusal:
        raise ConfirmRefused([refusal])
    if not form.check(window.max_guests(req)):
        raise ConfirmRefused(form.problems())

    # One writer at a time: a coordinator's cancellation or a second confirmation waits.
    lock_row(db.session, req)
    conf = req.confirmation
    if conf is not None:
        db.session.refresh(conf)
    new_state = transition(req.state, Action.CONFIRM)
    # Checked again under the lock: a reschedule or the deadline job may have come first.
    window = window_of(req, now)
    refusal = closed_message(req, window, now)
    if refusal:
        raise ConfirmRefused([refusal])
    current = conf.version if conf is not None else 0
    if form.posted_version() != current:
        raise ConfirmRefused(
            [
                _(
                    "Konfirmasi ini telah diubah sejak formulir dibuka. Periksa data terbaru di "
                    "bawah lalu simpan kembali."
                )
            ],
            stale=True,
        )
    before = {"state": req.state, "version": current, **_summary(conf)}
    if conf is None:
        conf = AttendanceConfirmation(
            request=req, confirmed_at=now, confirmed_by_id=user.id, version=1, guests=[]
        )
        db.session.add(conf)
    else:
        conf.version = current + 1
    conf.updated_at = now
    conf.updated_by_id = user.id
    conf.regional_head_attends = form.regional_head_attends.data == "ya"
    conf.guests = [
        ConfirmedGuest(
            position=i,
            name=g.name.data.strip(),
            title=g.title.data.strip(),
            is_regional_head=bool(g.is_regional_head.data),
        )
        for i, g in enumerate(form.filled())
    ]
    req.state = new_state
    req.updated_at = now
    req.unconfirmed_flagged_at = None
    db.session.flush()
    audit.record(
        "request.confirm",
        req,
        actor=user,
        at=now,
        before=before,
        after={"state": new_state, "version": conf.version, **_summary(conf)},
    )
    _queue_copy(req, conf, window)
    return conf


def closed_message(req: ConsultationRequest, window: Window | None, now: datetime) -> str | None:
    """Why the Pemda cannot confirm now, or None when it can."""
    if window is None or not allowed(req.state, Action.CONFIRM):
        return _("Sesi ini tidak dapat dikonfirmasi.")
    if getattr(req, "visit", None) is not None:  # the desk checked it against this list
        return _("Kedatangan delegasi telah dicatat di meja resepsionis; konfirmasi kehadiran terkunci.")
    zone = req.region.timezone
    phase = window.phase(now)
    if phase == "not_open":
        return _("Konfirmasi kehadiran dapat dilakukan mulai %(when)s.", when=fmt_both(window.opens, zone))
    if phase == "locked":
        return _(
            "Batas waktu konfirmasi (%(when)s) telah lewat; konfirmasi kehadiran terkunci.",
            when=fmt_both(window.deadline, zone),
        )
    return None


def commit() -> None:
    """Commit once; then (and only then) send the queued email copy."""
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        drop_queued()
        raise
    send_queued()


def rollback() -> None:
    db.session.rollback()
    drop_queued()


def _summary(conf: AttendanceConfirmation | None) -> dict:
    if conf is None:
        return {}
    return {
        "regional_head_attends": conf.regional_head_attends,
        "guests": [f"{g.name} ({g.title})" for g in conf.guests],
    }


def _queue_copy(req: ConsultationRequest, conf: AttendanceConfirmation, window: Window) -> None:
    from app.scheduling.emails import pemda_recipients

    queue_email(
        pemda_recipients(req),
        "attendance/confirmed",
        dedupe_key=f"attendance/confirmed:{req.id}:{conf.version}",
        req=req,
        confirmation=conf,
        deadline=window.deadline,
        zone=req.region.timezone,
        mode_label=mode_label,
    )
