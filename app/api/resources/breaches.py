"""/api/v1/breaches: breach records (the S-38/SE-1 rules), a Pemda its own, coordinators and
administrators the whole ledger."""

from datetime import datetime

from flask_babel import gettext as _
from flask_login import current_user
from marshmallow import fields, validate
from sqlalchemy import and_, select
from sqlalchemy.orm import joinedload

from app.api import ApiBlueprint, idempotency, pagination
from app.api.auth import require_role, requires
from app.api.idempotency import idempotent
from app.api.problems import ApiProblem
from app.api.schemas import ApiSchema, BreachListArgs, BreachPageSchema, BreachSchema
from app.api.scopes import COORDINATORS
from app.auth.models import Role, service_user_name
from app.compliance import ledger
from app.compliance.labels import evidence_text
from app.compliance.models import Breach, RecordedBy
from app.core.db_setup import lock_row
from app.core.mail import drop_queued, send_queued
from app.domain.breaches import label
from app.extensions import db
from app.regions.models import Region

blp = ApiBlueprint(
    "api_breaches",
    __name__,
    tag="Breaches",
    url_prefix="/api/v1/breaches",
    description="Breach records (pelanggaran) of the S-38/SE-1 rules.",
)


@blp.route("")
@requires("breaches:read")
@blp.etag
@blp.arguments(BreachListArgs, location="query", as_kwargs=True)
@blp.response(200, BreachPageSchema)
def list_breaches(cursor, limit, include_voided=False):
    """Breach records, newest first; voided ones only with `include_voided=true`."""
    query = select(Breach).options(joinedload(Breach.region))
    if current_user.role == Role.PEMDA:
        query = query.where(
            and_(Breach.region_id == current_user.region_id, Breach.unit_type == current_user.unit_type)
        )
    if not include_voided:
        query = query.where(Breach.voided_at.is_(None))
    rows, next_cursor = pagination.page(
        db.session,
        query,
        columns=(Breach.recorded_at, Breach.id),
        kinds=(datetime, int),
        cursor=cursor,
        limit=limit,
        descending=True,
    )
    return {"items": [as_dict(b) for b in rows], "next_cursor": next_cursor}


def as_dict(b: Breach) -> dict:
    return {
        "id": b.id,
        "type_code": b.type_code,
        "label": label(b.type_code),
        "service_user": service_user_name(b.region.display_name, b.unit_type),
        "request_id": b.request_id,
        "recorded_at": b.recorded_at,
        "recorded_by_kind": RecordedBy(b.recorded_by_kind).value,
        "evidence": evidence_text(b.type_code, b.evidence),
        "note": b.note,
        "voided_at": b.voided_at,
        "void_reason": b.void_reason,
    }


def _render(breach_id: int) -> dict:
    return BreachSchema().dump(as_dict(db.session.get(Breach, breach_id)))


idempotency.RENDERERS["breach"] = _render


class RecordSchema(ApiSchema):
    type_code = fields.String(
        required=True,
        validate=validate.Length(max=32),
        metadata={"description": "A breach type of the catalogue."},
    )
    region_code = fields.String(
        required=True,
        validate=validate.Length(max=8),
        metadata={"description": 'The region\'s code, e.g. "33.29".'},
    )
    unit_type = fields.String(load_default="pemda", validate=validate.OneOf(["pemda", "dprd"]))
    session = fields.String(
        load_default=None,
        validate=validate.Length(max=40),
        metadata={"description": "A booking code or request reference, if the breach is about a session."},
    )
    note = fields.String(required=True, validate=validate.Length(max=1000))


class VoidSchema(ApiSchema):
    reason = fields.String(required=True, validate=validate.Length(max=1000))


def _coordinator() -> None:
    require_role(COORDINATORS, _("Hanya koordinator DJPK yang dapat mencatat atau membatalkan pelanggaran."))


def _refused(exc: ledger.BreachRefused) -> ApiProblem:
    db.session.rollback()
    drop_queued()
    field = {"region_id": "region_code", "evidence_file": "evidence"}.get(exc.field, exc.field)
    return ApiProblem(422, errors={field or "_": [exc.message]})


@blp.route("", methods=["POST"])
@requires("breaches:write")
@blp.arguments(RecordSchema)
@blp.response(201, BreachSchema)
@blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
@idempotent
def record(data):
    """Record a breach a coordinator observed (the Pemda is told by email, as from the page)."""
    _coordinator()
    region = db.session.scalar(select(Region).where(Region.code == data["region_code"].strip()))
    entry = ledger.ManualBreach(
        type_code=data["type_code"],
        region_id=region.id if region else None,
        unit_type=data["unit_type"],
        session=data["session"],
        note=data["note"],
    )
    try:
        breach = ledger.record_by_hand(current_user, entry)
    except ledger.BreachRefused as exc:
        raise _refused(exc) from None
    idempotency.remember("breach", breach.id)
    db.session.commit()
    send_queued()
    return as_dict(breach)


@blp.route("/<int:breach_id>/void", methods=["POST"])
@requires("breaches:write")
@blp.arguments(VoidSchema)
@blp.response(200, BreachSchema)
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
def void(data, breach_id: int):
    """Void a breach with a reason (it stays on record, no longer counted)."""
    _coordinator()
    breach = db.session.get(Breach, breach_id)
    if breach is None:
        raise ApiProblem(404)
    lock_row(db.session, breach)
    try:
        ledger.void_by_hand(current_user, breach, data["reason"])
    except ledger.BreachRefused as exc:
        raise _refused(exc) from None
    db.session.commit()
    send_queued()
    return as_dict(db.session.get(Breach, breach_id))
