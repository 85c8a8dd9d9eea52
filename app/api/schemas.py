"""What the API answers and accepts, as marshmallow schemas (the OpenAPI document's components).

Times are RFC 3339 with an offset (UTC, "+00:00"); codes (states, modes, breach types) are the
stable English values of the application's enums, with an Indonesian or English label beside
them where a person reads them.
"""

from datetime import date

import marshmallow as ma
from marshmallow import fields, validate

from app.api import messages
from app.domain.months import FIRST_YEAR, LAST_YEAR
from app.domain.policy import Mode
from app.domain.states import RequestState
from app.requests.labels import state_label


class ApiSchema(ma.Schema):
    """Every schema of the API: its validation messages come from app.api.messages."""

    class Meta:
        unknown = ma.RAISE

    def handle_error(self, error, data, **kwargs):
        for messages_of_field in _leaves(error.messages):
            messages_of_field[:] = [
                messages.translate(m) if isinstance(m, str) else m for m in messages_of_field
            ]
        raise error


def _leaves(tree):
    if isinstance(tree, list):
        yield tree
    elif isinstance(tree, dict):
        for value in tree.values():
            yield from _leaves(value)


class _ValueEnum(fields.Enum):
    def _serialize(self, value, attr, obj, **kwargs):
        # A column just assigned holds the plain value until the row is loaded again.
        if value is not None and not isinstance(value, self.enum):
            value = self.enum(value)
        return super()._serialize(value, attr, obj, **kwargs)


def _enum(cls, **kwargs):
    """An enum field by its stable values ("changes_requested"), listed in the document."""
    return _ValueEnum(cls, by_value=True, **kwargs)


class ProblemSchema(ApiSchema):
    """An error, as RFC 9457 describes it, with the way out (`hint`)."""

    type = fields.String(required=True, metadata={"description": "A URI naming the kind of problem."})
    title = fields.String(required=True, metadata={"description": "The rule that refused the call."})
    status = fields.Integer(required=True)
    detail = fields.String(metadata={"description": "What exactly was wrong with this call."})
    hint = fields.String(metadata={"description": "What to do about it."})
    errors = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.String()),
        metadata={"description": "Messages per field, as the web form shows them."},
    )


class CursorArgs(ApiSchema):
    cursor = fields.String(
        load_default=None,
        validate=validate.Length(max=200),
        metadata={"description": "The `next_cursor` of the previous page; omit for the first."},
    )
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


class PageSchema(ApiSchema):
    next_cursor = fields.String(
        allow_none=True, required=True, metadata={"description": "null on the last page"}
    )


class TopicSchema(ApiSchema):
    code = fields.String(required=True)
    name = fields.String(required=True)


class WindowSchema(ApiSchema):
    start = fields.AwareDateTime(required=True)
    end = fields.AwareDateTime(required=True)


class RegionSchema(ApiSchema):
    id = fields.Integer(required=True)
    code = fields.String(required=True)
    name = fields.String(required=True, attribute="display_name")
    timezone = fields.String(required=True)


class DelegateSchema(ApiSchema):
    name = fields.String(required=True)
    title = fields.String(required=True)
    email = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    is_regional_head = fields.Boolean(required=True)


class LetterSchema(ApiSchema):
    number = fields.String(required=True)
    letter_date = fields.Date(required=True)
    signatory = fields.String(required=True)
    addressee = fields.String(required=True)
    filename = fields.String(required=True, attribute="original_filename")
    size = fields.Integer(required=True)
    sha256 = fields.String(required=True)


class RequestSummarySchema(ApiSchema):
    id = fields.Integer(required=True)
    reference = fields.String(required=True, metadata={"description": 'As printed: "KNS-2026-00042".'})
    state = _enum(RequestState, required=True)
    state_label = fields.Function(
        lambda r: str(state_label(r.state)),
        required=True,
        metadata={
            "type": "string",
            "description": "The state as the pages write it, in the caller's language.",
        },
    )
    mode = _enum(Mode, required=True)
    service_user = fields.String(required=True, attribute="service_user_name")
    region = fields.Nested(RegionSchema, required=True)
    unit_type = fields.String(required=True)
    topics = fields.List(fields.Nested(TopicSchema), required=True)
    submitted_at = fields.AwareDateTime(required=True)
    updated_at = fields.AwareDateTime(required=True)
    scheduled_start = fields.AwareDateTime(allow_none=True, required=True)
    scheduled_end = fields.AwareDateTime(allow_none=True, required=True)
    booking_code = fields.String(allow_none=True, required=True)


class RequestSchema(RequestSummarySchema):
    agenda = fields.String(required=True)
    contact_name = fields.String(required=True)
    contact_email = fields.String(required=True)
    contact_phone = fields.String(required=True)
    state_reason = fields.String(allow_none=True, required=True)
    preferred_windows = fields.List(fields.Nested(WindowSchema), required=True, attribute="windows")
    delegation = fields.List(fields.Nested(DelegateSchema), required=True)
    regional_head_attends = fields.Boolean(required=True)
    room = fields.Function(lambda r: r.room.name if r.room else None, allow_none=True, required=True)
    meeting_url = fields.String(allow_none=True, required=True)
    letter = fields.Nested(LetterSchema, allow_none=True, required=True)


class RequestPageSchema(PageSchema):
    items = fields.List(fields.Nested(RequestSummarySchema), required=True)


class RequestListArgs(CursorArgs):
    """The coordinators' queue filters (app.scheduling.queue), for any caller's own list."""

    state = _enum(RequestState, load_default=None)
    mode = _enum(Mode, load_default=None)
    topic = fields.String(
        load_default=None,
        validate=validate.Length(max=32),
        metadata={"description": 'A topic code, e.g. "DAU".'},
    )
    region = fields.String(
        load_default=None,
        validate=validate.Length(max=100),
        metadata={"description": "Part of the region's name."},
    )
    zone = fields.String(load_default=None, validate=validate.OneOf(["WIB", "WITA", "WIT"]))
    date_field = fields.String(
        load_default="submitted",
        validate=validate.OneOf(["submitted", "session"]),
        metadata={
            "description": "What date_from and date_to bound: the submission, or the session (a preferred window until scheduled)."
        },
    )
    date_from = fields.Date(
        load_default=None, validate=validate.Range(min=date(FIRST_YEAR, 1, 1), max=date(LAST_YEAR, 12, 31))
    )
    date_to = fields.Date(
        load_default=None, validate=validate.Range(min=date(FIRST_YEAR, 1, 1), max=date(LAST_YEAR, 12, 31))
    )


def day_field(description: str):
    """A day (YYYY-MM-DD) within the years the application knows (app.domain.months)."""
    return fields.Date(
        required=True,
        validate=validate.Range(min=date(FIRST_YEAR, 1, 1), max=date(LAST_YEAR, 12, 31)),
        metadata={"description": f"{description} From {FIRST_YEAR} to {LAST_YEAR}."},
    )


class SessionArgs(CursorArgs):
    start = day_field("First day (WIB), inclusive.")
    end = day_field("Last day (WIB), inclusive; at most 92 days after start.")


class SessionSchema(ApiSchema):
    request_id = fields.Integer(required=True, attribute="id")
    reference = fields.String(required=True)
    state = _enum(RequestState, required=True)
    mode = _enum(Mode, required=True)
    service_user = fields.String(required=True, attribute="service_user_name")
    start = fields.AwareDateTime(required=True, attribute="scheduled_start")
    end = fields.AwareDateTime(required=True, attribute="scheduled_end")
    booking_code = fields.String(allow_none=True, required=True)
    room = fields.Function(lambda r: r.room.name if r.room else None, allow_none=True, required=True)
    meeting_url = fields.String(allow_none=True, required=True)
    topics = fields.List(fields.Nested(TopicSchema), required=True)


class SessionPageSchema(PageSchema):
    items = fields.List(fields.Nested(SessionSchema), required=True)


class BreachSchema(ApiSchema):
    id = fields.Integer(required=True)
    type = fields.String(required=True, attribute="type_code")
    label = fields.String(required=True)
    service_user = fields.String(required=True)
    request_id = fields.Integer(allow_none=True, required=True)
    recorded_at = fields.AwareDateTime(required=True)
    recorded_by = fields.String(required=True, attribute="recorded_by_kind")
    evidence = fields.String(required=True, metadata={"description": "What was seen, as a sentence."})
    note = fields.String(allow_none=True, required=True)
    voided_at = fields.AwareDateTime(allow_none=True, required=True)
    void_reason = fields.String(allow_none=True, required=True)


class BreachPageSchema(PageSchema):
    items = fields.List(fields.Nested(BreachSchema), required=True)


class BreachListArgs(CursorArgs):
    include_voided = fields.Boolean(load_default=False)


class VerificationSchema(ApiSchema):
    result = fields.String(required=True, validate=validate.OneOf(["genuine", "cancelled", "not_found"]))
    code = fields.String(allow_none=True, required=True)
    start = fields.AwareDateTime(allow_none=True, required=True)
    mode = _enum(Mode, allow_none=True, required=True)
    service_user = fields.String(allow_none=True, required=True)
    past = fields.Boolean(required=True)


class MonthlyReportSchema(ApiSchema):
    """The document of `flask report monthly --format json` (its parts as that command writes them)."""

    month = fields.String(required=True, metadata={"description": "YYYY-MM"})
    title = fields.String(required=True)
    video_conference = fields.Dict(required=True, metadata={"description": "Sessions by video conference."})
    face_to_face = fields.Dict(required=True, metadata={"description": "Face-to-face sessions."})
    trend = fields.List(fields.Dict(), required=True)
    breaches = fields.Dict(required=True)
    top_service_users = fields.List(fields.Dict(), required=True)
    satisfaction = fields.Dict(required=True)
    summary = fields.List(fields.String(), required=True)
