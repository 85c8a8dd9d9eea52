"""Access control: role decorators and who may see which consultation request.

Who sees which request, in one place (visible_requests() for lists, can_see() for one row):
- a Pemda: its own (a Pemda is one region and one unit type, executive or DPRD; every
  operator of it sees the same records, and nobody else's);
- a coordinator or an administrator: every request;
- a narasumber: the requests they are or were assigned to (declined or replaced assignments
  included, so that their history stays readable);
- the front desk (receptionist): the face-to-face sessions of its day (today in WIB), and
  nothing else; the visits (walk-ins included) that arrived that day.

A record the user may not see answers 404, never 403, so that its existence is not
revealed; a route the role may never use answers 403 (the decorators below).
"""

from datetime import datetime, time, timedelta
from functools import wraps

from flask import abort
from flask_login import current_user, login_required
from sqlalchemy import ColumnElement, and_, false, select, true

from app.auth.models import Role
from app.core.clock import WIB, now_utc


def roles_required(*roles: Role | str):
    wanted = {Role(r) for r in roles}

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in wanted:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


pemda_required = roles_required(Role.PEMDA)
staff_required = roles_required(Role.COORDINATOR, Role.ADMIN, Role.RECEPTIONIST, Role.NARASUMBER)
coordinator_required = roles_required(Role.COORDINATOR, Role.ADMIN)
admin_required = roles_required(Role.ADMIN)
# A request's own pages (the request page, its letter, its confirmation letter, its invite):
# not the front desk, which sees the sessions of its day through the desk pages only.
request_reader_required = roles_required(Role.PEMDA, Role.COORDINATOR, Role.ADMIN, Role.NARASUMBER)


def require_coordinator(actor) -> None:
    """In a service: only a coordinator or an administrator may go on (403 otherwise); the
    routes check the same with coordinator_required."""
    if actor is None or getattr(actor, "role", None) not in (Role.COORDINATOR, Role.ADMIN):
        abort(403)


def owns(user, record) -> bool:
    """True when `record` (anything with region_id and unit_type) belongs to `user`'s Pemda."""
    return (
        user.role == Role.PEMDA and record.region_id == user.region_id and record.unit_type == user.unit_type
    )


def desk_day(now: datetime | None = None) -> tuple[datetime, datetime]:
    """The instants where the front desk's day (today in WIB) starts and ends."""
    start = datetime.combine((now or now_utc()).astimezone(WIB).date(), time.min, WIB)
    return start, start + timedelta(days=1)


def visible_requests(user, now: datetime | None = None) -> ColumnElement[bool]:
    """The WHERE clause of the consultation requests `user` may see (see the module docstring)."""
    from app.catalog.models import NarasumberProfile
    from app.domain.policy import Mode
    from app.requests.models import ConsultationRequest as R
    from app.scheduling.models import NarasumberAssignment as A

    role = getattr(user, "role", None)
    if role in (Role.COORDINATOR, Role.ADMIN):
        return true()
    if role == Role.PEMDA:
        return and_(R.region_id == user.region_id, R.unit_type == user.unit_type)
    if role == Role.NARASUMBER:
        return (
            select(A.id)
            .join(NarasumberProfile, NarasumberProfile.id == A.narasumber_id)
            .where(A.request_id == R.id, NarasumberProfile.user_id == user.id)
            .exists()
        )
    if role == Role.RECEPTIONIST:
        start, end = desk_day(now)
        return and_(R.mode == Mode.FTF, R.scheduled_start >= start, R.scheduled_start < end)
    return false()


def can_see(user, req, now: datetime | None = None) -> bool:
    """Whether `user` may see the consultation request `req` (the rule of visible_requests)."""
    from app.extensions import db
    from app.requests.models import ConsultationRequest as R

    role = getattr(user, "role", None)
    if role == Role.PEMDA:
        return owns(user, req)
    if role in (Role.COORDINATOR, Role.ADMIN):
        return True
    if role not in (Role.NARASUMBER, Role.RECEPTIONIST):
        return False
    return db.session.scalar(select(R.id).where(R.id == req.id, visible_requests(user, now))) is not None


def can_see_visit(user, visit, now: datetime | None = None) -> bool:
    """Whether a desk user may see a visit: coordinators and administrators any; the front
    desk those that arrived on its day."""
    role = getattr(user, "role", None)
    if role in (Role.COORDINATOR, Role.ADMIN):
        return True
    if role != Role.RECEPTIONIST:
        return False
    start, end = desk_day(now)
    return start <= visit.arrived_at < end
