"""What a caller does to one request through the API, with the web pages' forms and services:
a Pemda withdraws its request, confirms who attends or rates a held session; a coordinator
approves it with a slot,
rejects it, asks for changes or cancels it (POST /api/v1/requests/{id}/decisions)."""

from flask_babel import gettext as _
from flask_login import current_user
from marshmallow import fields, validate

from app.api import form_bridge, idempotency
from app.api.auth import require_role, requires
from app.api.idempotency import idempotent
from app.api.problems import ApiProblem
from app.api.resources.requests import _one, blp
from app.api.schemas import ApiSchema, RequestSchema
from app.api.scopes import COORDINATORS, PEMDA
from app.attendance import services as attendance_services
from app.attendance.forms import ConfirmForm
from app.core.access import owns
from app.core.mail import drop_queued, send_queued
from app.domain.policy import Mode
from app.domain.states import IllegalTransition
from app.extensions import db
from app.requests import services as request_services
from app.requests.forms import WithdrawForm
from app.requests.models import ConsultationRequest
from app.satisfaction import services as rating_services
from app.satisfaction.forms import RatingForm
from app.scheduling import decisions
from app.scheduling import services as scheduling_services
from app.scheduling.forms import CancelForm, ReasonForm, RequestChangesForm, ScheduleForm
from app.scheduling.routes import prepare_schedule_form


class WithdrawSchema(ApiSchema):
    reason = fields.String(load_default=None, validate=validate.Length(max=1000))


class RatingSchema(ApiSchema):
    service_score = fields.Integer(required=True, validate=validate.Range(min=1, max=5))
    substance_score = fields.Integer(required=True, validate=validate.Range(min=1, max=5))
    comment = fields.String(load_default=None, validate=validate.Length(max=2000))


class RatingResultSchema(ApiSchema):
    request_id = fields.Integer(required=True)
    service_score = fields.Integer(required=True)
    substance_score = fields.Integer(required=True)
    comment = fields.String(allow_none=True, required=True)
    rated_at = fields.AwareDateTime(required=True)


class GuestSchema(ApiSchema):
    name = fields.String(required=True, validate=validate.Length(max=120))
    title = fields.String(required=True, validate=validate.Length(max=160))
    is_regional_head = fields.Boolean(load_default=False)


class AttendanceSchema(ApiSchema):
    guests = fields.List(fields.Nested(GuestSchema), required=True, validate=validate.Length(min=1, max=60))
    regional_head_attends = fields.Boolean(required=True)
    version = fields.Integer(
        load_default=None,
        metadata={
            "description": "The confirmation's version the caller last read (0: none yet); a change "
            "made since is refused (409). Omitted: the confirmation as it is now is replaced."
        },
    )


DECISIONS = ("approve", "reject", "request_changes", "cancel")


class DecisionSchema(ApiSchema):
    action = fields.String(required=True, validate=validate.OneOf(DECISIONS))
    reason = fields.String(
        load_default=None,
        validate=validate.Length(max=2000),
        metadata={"description": "Required to reject, ask for changes or cancel; the Pemda reads it."},
    )
    day = fields.Date(load_default=None, metadata={"description": "approve: the day (WIB)."})
    start_time = fields.String(
        load_default=None, validate=validate.Length(max=5), metadata={"description": "approve: HH:MM, WIB."}
    )
    end_time = fields.String(
        load_default=None, validate=validate.Length(max=5), metadata={"description": "approve: HH:MM, WIB."}
    )
    narasumber_ids = fields.List(
        fields.Integer(), load_default=list, metadata={"description": "approve: the resource persons."}
    )
    room_id = fields.Integer(load_default=None, metadata={"description": "approve, face to face: the room."})
    meeting_url = fields.String(
        load_default=None,
        validate=validate.Length(max=500),
        metadata={"description": "approve, video conference (empty: made for you)."},
    )
    override_reason = fields.String(load_default=None, validate=validate.Length(max=2000))
    breach_override_reason = fields.String(load_default=None, validate=validate.Length(max=2000))


def _owned(request_id: int) -> ConsultationRequest:
    req = db.session.get(ConsultationRequest, request_id)
    if req is None or not owns(current_user, req):
        raise ApiProblem(404)
    return req


def _illegal(exc: IllegalTransition, message: str) -> ApiProblem:
    db.session.rollback()
    drop_queued()
    return ApiProblem(
        409,
        slug="illegal-transition",
        title=message,
        hint=_("Muat ulang permohonan untuk melihat statusnya sekarang."),
    )


@blp.route("/<int:request_id>/withdraw", methods=["POST"])
@requires("requests:write")
@blp.arguments(WithdrawSchema)
@blp.response(200, RequestSchema)
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="CONFLICT")
def withdraw(data, request_id: int):
    """The Pemda withdraws its request (a session booked is released; after the confirmation
    deadline a withdrawal is recorded as a late cancellation, as on the web page)."""
    require_role(PEMDA, _("Hanya Pemda pemilik permohonan yang dapat menariknya."))
    req = _owned(request_id)
    form = form_bridge.bind(WithdrawForm, {**data, "confirm": True})
    if not form.validate():
        raise form_bridge.refuse(form)
    try:
        request_services.withdraw_request(current_user, req, form.reason.data)
    except IllegalTransition as exc:
        raise _illegal(exc, request_services.illegal_message(exc)) from None
    request_services.commit()
    return _reloaded(req.id)


@blp.route("/<int:request_id>/attendance", methods=["POST"])
@requires("requests:write")
@blp.arguments(AttendanceSchema)
@blp.response(200, RequestSchema)
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="CONFLICT")
def confirm_attendance(data, request_id: int):
    """The Pemda confirms who comes to a scheduled session, within the confirmation window (or
    changes its confirmation), under the guest limit, as on the web page."""
    require_role(PEMDA, _("Hanya Pemda pemilik sesi yang dapat mengonfirmasi kehadiran."))
    req = _owned(request_id)
    version = data["version"]
    if version is None:
        version = req.confirmation.version if req.confirmation is not None else 0
    fields_ = {
        "regional_head_attends": "ya" if data["regional_head_attends"] else "tidak",
        "version": version,
    }
    for i, guest in enumerate(data["guests"]):
        fields_[f"guests-{i}-name"] = guest["name"]
        fields_[f"guests-{i}-title"] = guest["title"]
        fields_[f"guests-{i}-is_regional_head"] = guest["is_regional_head"]
    form = form_bridge.bind(ConfirmForm, fields_)
    try:
        attendance_services.confirm(current_user, req, form)
    except IllegalTransition as exc:
        raise _illegal(exc, request_services.illegal_message(exc)) from None
    except attendance_services.ConfirmRefused as refused:
        attendance_services.rollback()
        raise ApiProblem(
            409 if refused.stale else 422,
            title=_("Konfirmasi kehadiran belum tersimpan."),
            detail=" ".join(str(p) for p in refused.problems),
            errors=form_bridge.errors_of(form, row="{list}.{i}.{field}") or None,
        ) from None
    attendance_services.commit()
    return _reloaded(req.id)


def _rating_of(request_id: int) -> dict:
    rating = db.session.get(ConsultationRequest, request_id).rating
    return RatingResultSchema().dump(_rating_dict(request_id, rating))


def _rating_dict(request_id: int, rating) -> dict:
    return {
        "request_id": request_id,
        "service_score": rating.service_score,
        "substance_score": rating.substance_score,
        "comment": rating.comment,
        "rated_at": rating.rated_at,
    }


idempotency.RENDERERS["rating"] = _rating_of


@blp.route("/<int:request_id>/rating", methods=["POST"])
@requires("requests:write")
@blp.arguments(RatingSchema)
@blp.response(201, RatingResultSchema)
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="CONFLICT")
@idempotent
def rate(data, request_id: int):
    """The Pemda rates a held session, once (service and substance, 1 to 5)."""
    require_role(PEMDA, _("Hanya Pemda pemilik sesi yang dapat memberi penilaian."))
    req = _owned(request_id)
    form = form_bridge.bind(RatingForm, data)
    if not form.validate():
        raise form_bridge.refuse(form)
    try:
        rating = rating_services.rate(
            current_user, req, form.service_score.data, form.substance_score.data, form.comment.data
        )
    except rating_services.RatingRefused as refused:
        db.session.rollback()
        raise ApiProblem(409, slug="rating-refused", title=str(refused)) from None
    idempotency.remember("rating", req.id)
    db.session.commit()
    send_queued()
    return _rating_dict(req.id, rating)


@blp.route("/<int:request_id>/decisions", methods=["POST"])
@requires("requests:write")
@blp.arguments(DecisionSchema)
@blp.response(200, RequestSchema)
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="CONFLICT")
def decide(data, request_id: int):
    """A coordinator's decision: `approve` (with day, start_time, end_time, narasumber_ids and,
    face to face, room_id), `reject`, `request_changes` or `cancel` (each with a reason)."""
    require_role(COORDINATORS, _("Hanya koordinator DJPK yang dapat memutus permohonan."))
    req = db.session.get(ConsultationRequest, request_id)
    if req is None:
        raise ApiProblem(404)
    action = data.pop("action")
    try:
        if action == "approve":
            _approve(req, data)
        else:
            _decide_with_reason(req, action, data.get("reason"))
    except IllegalTransition as exc:
        raise _illegal(exc, decisions.illegal_message(exc)) from None
    send_queued()
    return _reloaded(req.id)


def _reloaded(request_id: int) -> ConsultationRequest:
    """The request as it is after the decision's commit, with what RequestSchema shows."""
    db.session.expire_all()
    return _one(request_id)


def _approve(req: ConsultationRequest, data: dict) -> None:
    form = form_bridge.bind(ScheduleForm, {k: v for k, v in data.items() if k != "reason"})
    prepare_schedule_form(form, req)
    if not form.validate():
        raise form_bridge.refuse(form)
    start, end = form.span()
    try:
        scheduling_services.schedule(
            req,
            start=start,
            end=end,
            narasumber_ids=list(form.narasumber_ids.data),
            room_id=form.room_id.data if req.mode == Mode.FTF else None,
            meeting_url=(form.meeting_url.data or "").strip() or None if req.mode == Mode.VC else None,
            actor=current_user,
            override_reason=(form.override_reason.data or "").strip() or None if form.is_override() else None,
            breach_override_reason=(form.breach_override_reason.data or "").strip() or None,
        )
        scheduling_services.commit_or_conflict()
    except scheduling_services.SchedulingConflict as exc:
        raise ApiProblem(
            409,
            slug="scheduling-conflict",
            title=exc.message,
            errors={exc.field: [exc.message]} if exc.field else None,
        ) from None


_REASON_FORMS = {
    "reject": (ReasonForm, decisions.reject),
    "request_changes": (RequestChangesForm, decisions.request_changes),
}


def _decide_with_reason(req: ConsultationRequest, action: str, reason: str | None) -> None:
    if action == "cancel":
        form = form_bridge.bind(CancelForm, {"reason": reason})
        if not form.validate():
            raise form_bridge.refuse(form)
        try:
            scheduling_services.cancel_session(req, actor=current_user, reason=form.reason.data)
            scheduling_services.commit_or_conflict()
        except scheduling_services.SchedulingConflict as exc:
            raise ApiProblem(409, slug="scheduling-conflict", title=exc.message) from None
        return
    form_class, decide_ = _REASON_FORMS[action]
    form = form_bridge.bind(form_class, {"reason": reason})
    if not form.validate():
        raise form_bridge.refuse(form)
    try:
        decide_(req, actor=current_user, reason=form.reason.data)
    except decisions.DecisionRefused as exc:
        db.session.rollback()
        raise ApiProblem(
            409 if exc.field is None else 422,
            title=exc.message,
            errors={exc.field: [exc.message]} if exc.field else None,
        ) from None
    db.session.commit()
