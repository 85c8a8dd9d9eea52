"""What a coordinator plans with: slot suggestions for a request (the review page's, with the
same ranking) and the narasumber's availability over a range of days (their sessions and
leave), both read with the scheduling services the web pages use."""

from datetime import UTC, date, datetime, time, timedelta

from flask_babel import gettext as _
from marshmallow import fields, validate

from app.api import ApiBlueprint, pagination
from app.api.auth import require_role, requires
from app.api.problems import ApiProblem
from app.api.resources.requests import blp as requests_blp
from app.api.schemas import ApiSchema, day_field
from app.api.scopes import COORDINATORS
from app.core.clock import WIB, now_utc
from app.extensions import db
from app.requests.models import ConsultationRequest
from app.scheduling import suggestions

blp = ApiBlueprint(
    "api_narasumber",
    __name__,
    tag="Narasumber",
    url_prefix="/api/v1/narasumber",
    description="Resource persons (narasumber) and their availability.",
)
MAX_DAYS = 31


def _coordinator() -> None:
    require_role(COORDINATORS, _("Hanya koordinator DJPK yang dapat membaca data perencanaan."))


class SuggestedPersonSchema(ApiSchema):
    narasumber_id = fields.Integer(required=True)
    name = fields.String(required=True)
    covers = fields.List(
        fields.String(), required=True, metadata={"description": "The request's topics they know."}
    )
    continuity = fields.List(
        fields.String(),
        required=True,
        metadata={"description": "Of those, the ones they advised this Pemda on before."},
    )
    sessions_this_month = fields.Integer(required=True)


class RoomSchema(ApiSchema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    capacity = fields.Integer(required=True)


class SlotSchema(ApiSchema):
    start = fields.AwareDateTime(required=True)
    end = fields.AwareDateTime(required=True)
    preferred_window = fields.Integer(
        allow_none=True,
        required=True,
        metadata={"description": "Which preferred window (0 first) it lies in; null for another day."},
    )
    narasumber = fields.List(fields.Nested(SuggestedPersonSchema), required=True)
    room = fields.Nested(RoomSchema, allow_none=True, required=True)


class SlotListSchema(ApiSchema):
    items = fields.List(fields.Nested(SlotSchema), required=True)


class SuggestionArgs(ApiSchema):
    limit = fields.Integer(load_default=5, validate=validate.Range(min=1, max=20))


@requests_blp.route("/<int:request_id>/suggestions")
@requires("requests:read")
@requests_blp.arguments(SuggestionArgs, location="query", as_kwargs=True)
@requests_blp.response(200, SlotListSchema)
@requests_blp.alt_response(404, response="NOT_FOUND")
def slot_suggestions(request_id: int, limit: int):
    """Free slots for the request, best first, each with the narasumber who cover its topics and,
    face to face, a room: what the coordinator's review page suggests."""
    _coordinator()
    req = db.session.get(ConsultationRequest, request_id)
    if req is None:
        raise ApiProblem(404)
    found = suggestions.suggest_slots(req, now=now_utc(), limit=limit)
    return {
        "items": [
            {
                "start": s.start,
                "end": s.end,
                "preferred_window": s.window_index,
                "narasumber": [
                    {
                        "narasumber_id": rp.person.id,
                        "name": rp.person.name,
                        "covers": list(rp.covers),
                        "continuity": list(rp.continuity),
                        "sessions_this_month": rp.month_count,
                    }
                    for rp in s.people
                ],
                "room": {"id": s.room.id, "name": s.room.name, "capacity": s.room.capacity}
                if s.room
                else None,
            }
            for s in found
        ]
    }


class AvailabilityArgs(ApiSchema):
    start = day_field("First day (WIB).")
    end = day_field("Last day (WIB), at most 31 days after start.")


class BusySchema(ApiSchema):
    start = fields.AwareDateTime(required=True)
    end = fields.AwareDateTime(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(["session", "leave"]))


class AvailabilitySchema(ApiSchema):
    narasumber_id = fields.Integer(required=True)
    name = fields.String(required=True)
    unit = fields.String(allow_none=True, required=True)
    topics = fields.List(fields.String(), required=True)
    working_hours = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.List(fields.String())),
        required=True,
        metadata={"description": 'Weekday (0 Monday) to periods in WIB, e.g. {"0": [["08:00", "16:00"]]}.'},
    )
    max_per_day = fields.Integer(required=True)
    max_per_week = fields.Integer(required=True)
    busy = fields.List(fields.Nested(BusySchema), required=True)


class AvailabilityListSchema(ApiSchema):
    items = fields.List(fields.Nested(AvailabilitySchema), required=True)


@blp.route("/availability")
@requires("sessions:read")
@blp.arguments(AvailabilityArgs, location="query", as_kwargs=True)
@blp.response(200, AvailabilityListSchema)
@blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
def availability(start: date, end: date):
    """Every active narasumber with their working hours, limits, and what takes their time from
    `start` to `end` (their sessions and leave)."""
    _coordinator()
    pagination.check_days(start, end, MAX_DAYS)
    horizon = (
        datetime.combine(start, time.min, WIB),
        datetime.combine(end + timedelta(days=1), time.min, WIB),
    )
    team = suggestions.load_team()
    people: dict[int, dict] = {}
    for pid, name, unit, hours, per_day, per_week, _topic_id, code in team:
        person = people.setdefault(
            pid,
            {
                "narasumber_id": pid,
                "name": name,
                "unit": unit,
                "topics": [],
                "working_hours": _hours_json(hours),
                "max_per_day": per_day,
                "max_per_week": per_week,
                "busy": [],
            },
        )
        if code is not None:
            person["topics"].append(code)
    occupancy = suggestions.load_occupancy(list(people), horizon, request_id=None)
    for kind, by_person in (("session", occupancy.sessions), ("leave", occupancy.unavailable)):
        for pid, intervals in by_person.items():
            if pid in people:
                people[pid]["busy"].extend(
                    {"start": _moment(a), "end": _moment(b), "kind": kind} for a, b in intervals
                )
    for person in people.values():
        person["busy"].sort(key=lambda item: item["start"])
    return {"items": sorted(people.values(), key=lambda p: (p["name"].lower(), p["narasumber_id"]))}


def _moment(value) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromtimestamp(value, UTC)


def _hours_json(stored) -> dict:
    import json

    raw = json.loads(stored) if isinstance(stored, str) and stored else (stored or {})
    return {str(day): [list(period) for period in periods] for day, periods in dict(raw).items()}
