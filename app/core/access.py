"""Access control: role decorators and the rule that a Pemda sees only its own records.

A Pemda is one region and one unit type (executive or DPRD); every operator of it sees the
same records, and nobody else's. Records of another Pemda answer 404, never 403, so that
their existence is not revealed.
"""

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from app.auth.models import Role


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


def can_see(user, record) -> bool:
    if user.role == Role.PEMDA:
        return owns(user, record)
    return user.role in (Role.COORDINATOR, Role.ADMIN, Role.RECEPTIONIST, Role.NARASUMBER)
