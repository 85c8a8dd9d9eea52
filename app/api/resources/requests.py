"""/api/v1/requests: consultation requests, as the caller may see them on the web pages
(a Pemda its own, a coordinator or administrator all, a narasumber those assigned to them)."""

from datetime import datetime

from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from app.api import ApiBlueprint, idempotency, pagination, request_form
from app.api.auth import require_role, requires
from app.api.idempotency import idempotent
from app.api.problems import ApiProblem
from app.api.schemas import RequestListArgs, RequestPageSchema, RequestSchema
from app.api.scopes import PEMDA
from app.catalog.models import Topic
from app.core.access import visible_requests
from app.core.clock import now_utc
from app.core.mail import drop_queued
from app.extensions import db
from app.requests import queries, services
from app.requests.models import ConsultationRequest as R
from app.scheduling.queue import QueueFilters, filter_conditions

blp = ApiBlueprint(
    "api_requests",
    __name__,
    tag="Requests",
    url_prefix="/api/v1/requests",
    description="Consultation requests (permohonan): read, submit, withdraw, confirm, rate, decide.",
)


@blp.route("")
@requires("requests:read")
@blp.etag
@blp.arguments(RequestListArgs, location="query", as_kwargs=True)
@blp.response(200, RequestPageSchema)
def list_requests(cursor, limit, state=None, **filters):
    """The requests the token's owner may see, newest first.

    A Pemda's token lists its own Pemda's requests; a coordinator's or administrator's the
    whole queue, with the queue page's filters (state, mode, topic, region, time zone, and a
    range of submission or session days); a narasumber's those assigned to them."""
    query = (
        select(R)
        .where(visible_requests(current_user), *filter_conditions(_queue_filters(**filters)))
        .options(joinedload(R.region), selectinload(R.topics))
    )
    if state is not None:
        query = query.where(R.state == state)
    rows, next_cursor = pagination.page(
        db.session,
        query,
        columns=(R.submitted_at, R.id),
        kinds=(datetime, int),
        cursor=cursor,
        limit=limit,
        descending=True,
    )
    return {"items": rows, "next_cursor": next_cursor}


def _queue_filters(
    mode=None, topic=None, region=None, zone=None, date_field="submitted", date_from=None, date_to=None
):
    topic_id = None
    if topic:  # an unknown code matches nothing
        topic_id = (
            db.session.scalar(select(Topic.id).where(func.upper(Topic.code) == topic.strip().upper())) or -1
        )
    return QueueFilters(
        mode=mode.value if mode else "",
        topic_id=topic_id,
        region=region or "",
        zone=zone or "",
        date_field=date_field,
        date_from=date_from,
        date_to=date_to,
    )


@blp.route("/<int:request_id>")
@requires("requests:read")
@blp.etag
@blp.response(200, RequestSchema)
@blp.alt_response(404, response="NOT_FOUND")
def get_request(request_id):
    """One request, with its windows, delegation, letter and schedule."""
    req = _one(request_id)
    if req is None:  # another Pemda's request is not found, as on the web pages
        raise ApiProblem(404)
    return req


def _one(request_id: int) -> R | None:
    return db.session.scalar(
        select(R)
        .where(R.id == request_id, visible_requests(current_user))
        .options(
            joinedload(R.region),
            joinedload(R.room),
            joinedload(R.letter),
            selectinload(R.topics),
            selectinload(R.windows),
            selectinload(R.delegation),
        )
    )


def render_request(request_id: int) -> dict:
    return RequestSchema().dump(_one(request_id))


idempotency.RENDERERS["request"] = render_request


@blp.route("", methods=["POST"])
@requires("requests:write")
@blp.doc(
    requestBody={
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": request_form.body_schema(),
                "encoding": {"letter_file": {"contentType": "application/pdf"}},
            }
        },
    }
)
@blp.response(201, RequestSchema, headers={"Location": {"schema": {"type": "string"}}})
@blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
@blp.alt_response(413, response="REQUEST_ENTITY_TOO_LARGE")
@idempotent
def create_request():
    """Submit a request for the token owner's Pemda, under the same rules as the web form.

    The policy in force (lead time, service hours, the guest limit, the letter for a face-to-face
    consultation, the daily limit) is checked as on the page; what it refuses comes back as 422
    with each message on its field. Send an Idempotency-Key so that a retry never submits twice."""
    require_role(PEMDA, _("Hanya operator Pemda yang dapat mengajukan permohonan."))
    _version, values = queries.policy_for(None, now_utc())
    topics = request_form.active_topics()
    form = request_form.form_from_call(topics)
    queries.prepare_form(form, topics, values)
    try:
        req = services.submit_request(current_user, form)
    except services.RequestRefused as refused:
        db.session.rollback()
        drop_queued()
        raise ApiProblem(
            422,
            title=_("Permohonan belum diajukan."),
            detail=" ".join(p for p in refused.problems if ":" not in p) or None,
            hint=_("Perbaiki isian yang disebut di `errors`, lalu kirim lagi."),
            errors=request_form.errors_of(form) or {"_": refused.problems},
        ) from None
    idempotency.remember("request", req.id)
    services.commit()
    return req, 201, {"Location": url_for("api_requests.get_request", request_id=req.id)}
