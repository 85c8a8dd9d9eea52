"""What a Pemda (or DJPK staff) may see of requests, and the data a request form starts from."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import abort
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from app.auth.models import User
from app.catalog.models import Topic
from app.core.access import can_see, owns, visible_requests
from app.core.audit import AuditLog
from app.core.clock import now_utc
from app.domain.policy import WIB, PolicyValues, one_year_before
from app.extensions import db
from app.policy.services import policy_in_force, values_of
from app.requests.forms import DELEGATION_ROWS, RequestForm
from app.requests.models import ConsultationRequest, PreferredWindow

# Requests per page of the Pemda's dashboard.
PER_PAGE = 20


def requests_of(user: User, page: int = 1):
    """One page (Flask-SQLAlchemy's Pagination) of the requests of the user's Pemda (its region
    and unit type), newest first, with what the dashboard shows of each loaded alongside: its
    topics, preferred windows, policy version (the confirmation window) and arrival."""
    R = ConsultationRequest
    query = (
        select(R)
        .where(visible_requests(user))
        .options(
            selectinload(R.topics),
            selectinload(R.windows),
            selectinload(R.visit),
            joinedload(R.policy_version),
        )
        .order_by(R.submitted_at.desc(), R.id.desc())
    )
    return db.paginate(query, page=page, per_page=PER_PAGE, error_out=False)


R = ConsultationRequest


def page_options() -> tuple:
    """What the request's own pages show of it, loaded with it (a statement per collection,
    not one per use); the policy version gives the confirmation window without a query.
    The rating is a backref of app.satisfaction, found through the configured mapper."""
    rating = sa_inspect(R).attrs["rating"].class_attribute
    return (
        joinedload(R.region),
        joinedload(R.policy_version),
        joinedload(R.letter),
        joinedload(R.visit),
        joinedload(R.confirmation),
        joinedload(R.room),
        joinedload(rating),
        selectinload(R.topics),
        selectinload(R.windows),
        selectinload(R.delegation),
    )


def _load(request_id: int, full: bool) -> ConsultationRequest | None:
    if not full:
        return db.session.get(R, request_id)
    return db.session.scalars(select(R).where(R.id == request_id).options(*page_options())).first()


def get_visible(user: User, request_id: int, *, full: bool = False) -> ConsultationRequest:
    """The request if `user` may see it (app.core.access.can_see), else 404; `full`: with what
    its pages show (page_options())."""
    req = _load(request_id, full)
    if req is None or not can_see(user, req):
        abort(404)
    return req


def get_owned(user: User, request_id: int, *, full: bool = False) -> ConsultationRequest:
    """The request if it belongs to `user`'s Pemda, else 404 (never reveal another's)."""
    req = _load(request_id, full)
    if req is None or not owns(user, req):
        abort(404)
    return req


def history(req: ConsultationRequest) -> list[AuditLog]:
    return list(
        db.session.scalars(
            select(AuditLog)
            .where(AuditLog.object_type == "ConsultationRequest", AuditLog.object_id == str(req.id))
            .order_by(AuditLog.at, AuditLog.id)
        )
    )


def actors_of(entries: list[AuditLog]) -> dict[int, User]:
    ids = {e.actor_id for e in entries if e.actor_id}
    if not ids:
        return {}
    return {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))}


def topics_for(req: ConsultationRequest | None = None) -> list[Topic]:
    """Active topics, plus those already on `req` (a topic retired since stays selectable)."""
    topics = list(
        db.session.scalars(select(Topic).where(Topic.active.is_(True)).order_by(Topic.sort_order, Topic.code))
    )
    if req is not None:
        topics += [t for t in req.topics if t not in topics]
    return topics


def policy_for(req: ConsultationRequest | None, now: datetime | None = None):
    """(version, values): a request keeps the policy version it was submitted under."""
    if req is not None:
        return req.policy_version, values_of(req.policy_version)
    return policy_in_force(now or now_utc())


def prepare_form(form: RequestForm, topics: list[Topic], values: PolicyValues) -> None:
    form.set_topic_choices(topics)
    form.pad_delegation(max(DELEGATION_ROWS, values.max_guests_ftf, values.max_guests_vc))


def initial_data(user: User, req: ConsultationRequest | None = None) -> dict:
    """What the form shows before anything is posted: the request, or the user's contact."""
    if req is None:
        return {"contact_name": user.name, "contact_email": user.email, "contact_phone": user.phone or ""}
    zone = req.region.timezone
    data = {
        "mode": req.mode.value,
        "topics": [t.id for t in req.topics],
        "agenda": req.agenda,
        "contact_name": req.contact_name,
        "contact_email": req.contact_email,
        "contact_phone": req.contact_phone,
        "windows": [_window_data(w, zone) for w in req.windows],
        "delegation": [
            {
                "name": m.name,
                "title": m.title,
                "email": m.email or "",
                "phone": m.phone or "",
                "is_regional_head": m.is_regional_head,
            }
            for m in req.delegation
        ],
    }
    if req.letter is not None:
        data.update(
            letter_number=req.letter.number,
            letter_date=req.letter.letter_date,
            letter_signatory=req.letter.signatory,
            letter_addressee=req.letter.addressee,
        )
    return data


def _window_data(w: PreferredWindow, zone: str) -> dict:
    start, end = w.start.astimezone(ZoneInfo(zone)), w.end.astimezone(ZoneInfo(zone))
    return {"day": start.date(), "start": start.time(), "end": end.time()}


def form_window_utc(window, zone: str) -> tuple[datetime, datetime] | None:
    """A complete window row of the form as aware UTC datetimes; it was entered in `zone`."""
    day, start, end = window.day.data, window.start.data, window.end.data
    if day is None or start is None or end is None or window.day.errors:
        return None
    tz = ZoneInfo(zone)
    return (
        datetime.combine(day, start, tzinfo=tz).astimezone(UTC),
        datetime.combine(day, end, tzinfo=tz).astimezone(UTC),
    )


def letter_date_bounds() -> tuple[str, str]:
    """(earliest, latest) date a letter may carry today, as ISO dates for the date input."""
    today = now_utc().astimezone(WIB).date()
    return one_year_before(today).isoformat(), today.isoformat()


def service_hours(values: PolicyValues, zone: str) -> tuple[str, str]:
    """DJPK's service hours (set in WIB) as clock times in `zone`, e.g. ("09.00", "17.00")."""
    wib, tz = ZoneInfo("Asia/Jakarta"), ZoneInfo(zone)
    day = now_utc().astimezone(wib).date()
    start = datetime.combine(day, values.service_start, tzinfo=wib).astimezone(tz)
    end = datetime.combine(day, values.service_end, tzinfo=wib).astimezone(tz)
    return start.strftime("%H.%M"), end.strftime("%H.%M")
