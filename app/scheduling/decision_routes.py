"""The coordinator's decision routes: approve and schedule, reschedule, cancel (booking people
and rooms through app.scheduling.services), reject, request changes, convert FTF to VC
(app.scheduling.decisions).

Each parses its form, calls one service, commits once, sends the queued email, flashes and
redirects. A refused form, an illegal transition or a booking conflict shows the review page
again with the message and the values entered; nothing is half saved.
"""

from flask import flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.core.access import coordinator_required
from app.core.mail import drop_queued, send_queued
from app.domain.policy import Mode
from app.domain.states import IllegalTransition
from app.extensions import db
from app.requests.models import ConsultationRequest
from app.scheduling import bp, decisions, services
from app.scheduling.forms import (
    CancelForm,
    ConvertForm,
    ReasonForm,
    RequestChangesForm,
    RescheduleForm,
    ScheduleForm,
)
from app.scheduling.routes import get_request, prepare_schedule_form, render_detail, room_choices
from app.scheduling.services import SchedulingConflict

# Where a conflict's field (as the booking service names it) is shown on our forms.
_FIELD_OF = {"start": "start_time", "end": "end_time"}


def _show_conflict(form, exc: SchedulingConflict) -> None:
    name = _FIELD_OF.get(exc.field or "", exc.field)
    if name and name in form:
        form[name].errors = [*form[name].errors, exc.message]
    flash(exc.message, "error")


def _done(req: ConsultationRequest, message: str):
    send_queued()
    flash(message, "success")
    return redirect(url_for("scheduling.detail", request_id=req.id))


def _illegal(req: ConsultationRequest, exc: IllegalTransition):
    db.session.rollback()
    drop_queued()
    flash(decisions.illegal_message(exc), "error")
    return redirect(url_for("scheduling.detail", request_id=req.id))


# Decisions that book people and rooms ------------------------------------------------------


@bp.route("/permohonan/<int:request_id>/jadwalkan", methods=["POST"])
@coordinator_required
def approve(request_id: int):
    req = get_request(request_id)
    form = ScheduleForm()
    prepare_schedule_form(form, req)
    if not form.validate():
        return render_detail(req, open_panel="approve", schedule_form=form)
    start, end = form.span()
    chosen = list(form.narasumber_ids.data)
    try:
        services.schedule(
            req,
            start=start,
            end=end,
            narasumber_ids=chosen,
            room_id=form.room_id.data if req.mode == Mode.FTF else None,
            meeting_url=(form.meeting_url.data or "").strip() or None if req.mode == Mode.VC else None,
            actor=current_user,
            override_reason=(form.override_reason.data or "").strip() or None if form.is_override() else None,
            breach_override_reason=(form.breach_override_reason.data or "").strip() or None,
        )
        services.commit_or_conflict()
    except IllegalTransition as exc:
        return _illegal(req, exc)
    except SchedulingConflict as exc:
        _show_conflict(form, exc)
        return render_detail(req, open_panel="approve", schedule_form=form)
    return _done(req, _("Permohonan %(ref)s disetujui dan dijadwalkan.", ref=req.reference))


@bp.route("/permohonan/<int:request_id>/jadwal-ulang", methods=["POST"])
@coordinator_required
def reschedule(request_id: int):
    req = get_request(request_id)
    form = RescheduleForm()
    form.room_id.choices = room_choices()
    if not form.validate():
        return render_detail(req, open_panel="reschedule", reschedule_form=form)
    start, end = form.span()
    try:
        services.reschedule(
            req,
            start=start,
            end=end,
            actor=current_user,
            reason=form.reason.data,
            room_id=form.room_id.data if req.mode == Mode.FTF else None,
        )
        services.commit_or_conflict()
    except IllegalTransition as exc:
        return _illegal(req, exc)
    except SchedulingConflict as exc:
        _show_conflict(form, exc)
        return render_detail(req, open_panel="reschedule", reschedule_form=form)
    return _done(req, _("Jadwal %(ref)s telah diubah.", ref=req.reference))


@bp.route("/permohonan/<int:request_id>/batalkan", methods=["POST"])
@coordinator_required
def cancel(request_id: int):
    req = get_request(request_id)
    form = CancelForm()
    if not form.validate():
        return render_detail(req, open_panel="cancel", cancel_form=form)
    try:
        services.cancel_session(req, actor=current_user, reason=form.reason.data)
        services.commit_or_conflict()
    except IllegalTransition as exc:
        return _illegal(req, exc)
    except SchedulingConflict as exc:
        _show_conflict(form, exc)
        return render_detail(req, open_panel="cancel", cancel_form=form)
    return _done(req, _("Permohonan %(ref)s telah dibatalkan.", ref=req.reference))


# Decisions that book nobody ----------------------------------------------------------------


def _reason_decision(request_id: int, form_class, form_name: str, panel: str, decide, message: str):
    req = get_request(request_id)
    form = form_class()
    if not form.validate():
        return render_detail(req, open_panel=panel, **{form_name: form})
    try:
        decide(req, form)
    except IllegalTransition as exc:
        return _illegal(req, exc)
    except decisions.DecisionRefused as exc:
        db.session.rollback()
        if exc.field and exc.field in form:
            form[exc.field].errors = [*form[exc.field].errors, exc.message]
        else:  # a refusal about the session, not a field: never silent
            flash(exc.message, "error")
        return render_detail(req, open_panel=panel, **{form_name: form})
    db.session.commit()
    return _done(req, message(req.reference))


@bp.route("/permohonan/<int:request_id>/tolak", methods=["POST"])
@coordinator_required
def reject(request_id: int):
    return _reason_decision(
        request_id,
        ReasonForm,
        "reject_form",
        "reject",
        lambda req, form: decisions.reject(req, actor=current_user, reason=form.reason.data),
        lambda ref: _("Permohonan %(ref)s ditolak.", ref=ref),
    )


@bp.route("/permohonan/<int:request_id>/minta-perbaikan", methods=["POST"])
@coordinator_required
def request_changes(request_id: int):
    return _reason_decision(
        request_id,
        RequestChangesForm,
        "changes_form",
        "request_changes",
        lambda req, form: decisions.request_changes(req, actor=current_user, reason=form.reason.data),
        lambda ref: _("Permintaan perbaikan untuk %(ref)s telah dikirim ke Pemda.", ref=ref),
    )


@bp.route("/permohonan/<int:request_id>/ubah-ke-vc", methods=["POST"])
@coordinator_required
def convert(request_id: int):
    return _reason_decision(
        request_id,
        ConvertForm,
        "convert_form",
        "convert",
        lambda req, form: decisions.convert_to_vc(
            req, actor=current_user, reason=form.reason.data, meeting_url=form.meeting_url.data
        ),
        lambda ref: _("Permohonan %(ref)s diubah menjadi video conference.", ref=ref),
    )
