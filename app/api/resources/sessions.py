"""/api/v1/sessions: scheduled consultation sessions in a range of days, as the caller may see
them (the coordinators' calendar, a narasumber's sessions, a Pemda's own, the front desk's day)."""

from datetime import date, datetime, time, timedelta

from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from app.api import ApiBlueprint, pagination
from app.api.auth import requires
from app.api.schemas import SessionArgs, SessionPageSchema
from app.core.access import visible_requests
from app.core.clock import WIB
from app.domain.states import RequestState
from app.extensions import db
from app.requests.models import ConsultationRequest as R

blp = ApiBlueprint(
    "api_sessions",
    __name__,
    tag="Sessions",
    url_prefix="/api/v1/sessions",
    description="Scheduled consultation sessions.",
)

SESSION_STATES = (RequestState.SCHEDULED, RequestState.CONFIRMED, RequestState.HELD, RequestState.NO_SHOW)
MAX_DAYS = 92


@blp.route("")
@requires("sessions:read")
@blp.etag
@blp.arguments(SessionArgs, location="query", as_kwargs=True)
@blp.response(200, SessionPageSchema)
def list_sessions(start: date, end: date, cursor, limit):
    """Sessions from `start` to `end` (days in WIB, both included, at most 92 days), in time order."""
    pagination.check_days(start, end, MAX_DAYS)
    first = datetime.combine(start, time.min, WIB)
    last = datetime.combine(end + timedelta(days=1), time.min, WIB)
    query = (
        select(R)
        .where(
            R.scheduled_start >= first,
            R.scheduled_start < last,
            R.state.in_(SESSION_STATES),
            visible_requests(current_user),
        )
        .options(joinedload(R.region), joinedload(R.room), selectinload(R.topics))
    )
    rows, next_cursor = pagination.page(
        db.session,
        query,
        columns=(R.scheduled_start, R.id),
        kinds=(datetime, int),
        cursor=cursor,
        limit=limit,
        descending=False,
    )
    return {"items": rows, "next_cursor": next_cursor}
