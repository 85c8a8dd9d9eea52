"""Account administration: pending Pemda registrations and staff accounts.

Every function checks the actor's role, changes the rows, writes the audit log and queues
email; the route then calls commit(), which sends the queued email only once the
transaction has succeeded. Problems a user can fix come back as AdminError, with the form
field the message belongs to.
"""

import secrets
from dataclasses import dataclass

from flask import abort
from flask_babel import gettext as _
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from app.auth import sessions
from app.auth.models import STAFF_ROLES, Role, User
from app.auth.passwords import hash_password, password_problem
from app.catalog.models import NarasumberProfile
from app.core import audit
from app.core.clock import now_utc
from app.core.mail import drop_queued, queue_email, send_queued
from app.core.urls import public_url_for
from app.extensions import db

# Mon-Fri 08:00-16:00 WIB: the working hours a new narasumber starts with.
DEFAULT_WORKING_HOURS = {str(day): [["08:00", "16:00"]] for day in range(5)}
DEFAULT_UNIT = "Direktorat Jenderal Perimbangan Keuangan"


class AdminError(Exception):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def commit() -> None:
    """Commit once; then (and only then) send the queued email."""
    db.session.commit()
    send_queued()


def rollback() -> None:
    db.session.rollback()
    drop_queued()


def require_role(actor: User, *roles: Role) -> None:
    if actor is None or not actor.is_authenticated or actor.role not in roles:
        abort(403)


def snapshot(user: User) -> dict:
    return {
        "name": user.name,
        "phone": user.phone,
        "role": user.role,
        "activated_at": user.activated_at,
        "deactivated_at": user.deactivated_at,
    }


def password_message(code: str) -> str:
    return {
        "too_short": _("Kata sandi terlalu pendek; paling sedikit 8 karakter."),
        "too_long": _("Kata sandi terlalu panjang; paling banyak 128 karakter."),
        "common": _("Kata sandi ini terlalu umum dan mudah ditebak. Pilih yang lain."),
        "personal": _("Kata sandi tidak boleh sama dengan email atau nama pengguna."),
    }[code]


def generate_password() -> str:
    """A random password that is easy to read out: four groups of four characters."""
    alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "-".join("".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(4))


# Registrations -------------------------------------------------------------------------


def pending_registrations(page: int = 1, per_page: int = 50):
    """One page of the registrations waiting for activation, oldest first, with their Pemda."""
    query = (
        select(User)
        .where(User.role == Role.PEMDA, User.activated_at.is_(None), User.deactivated_at.is_(None))
        .options(selectinload(User.region))
        .order_by(User.created_at, User.id)
    )
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def _pending(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None or user.role != Role.PEMDA or user.activated_at or user.deactivated_at:
        abort(404)
    return user


def activate_registration(user_id: int, actor: User) -> User:
    require_role(actor, Role.COORDINATOR, Role.ADMIN)
    user = _pending(user_id)
    if user.email_verified_at is None:
        raise AdminError(
            _(
                "Akun %(email)s belum dapat diaktifkan karena emailnya belum diverifikasi. "
                "Minta pendaftar membuka tautan verifikasi yang dikirim ke emailnya.",
                email=user.email,
            )
        )
    before = snapshot(user)
    user.activated_at = now_utc()
    user.activated_by_id = actor.id
    audit.record("user.activate", user, actor=actor, before=before, after=snapshot(user))
    queue_email(
        user.email,
        "admin/account_activated",
        user=user,
        login_url=public_url_for("auth.login"),
    )
    return user


def reject_registration(user_id: int, reason: str, actor: User) -> User:
    require_role(actor, Role.COORDINATOR, Role.ADMIN)
    user = _pending(user_id)
    before = snapshot(user)
    user.deactivated_at = now_utc()
    user.session_version += 1
    after = snapshot(user) | {"reason": reason}
    audit.record("user.reject", user, actor=actor, before=before, after=after)
    queue_email(user.email, "admin/registration_rejected", user=user, reason=reason)
    return user


# Users ---------------------------------------------------------------------------------


def list_users(*, role: str = "", q: str = "", status: str = "", page: int = 1, per_page: int = 50):
    query = select(User).options(selectinload(User.region)).order_by(User.role, User.name)
    if role:
        query = query.where(User.role == Role(role))
    if q:
        like = f"%{q.strip().lower()}%"
        query = query.where(or_(func.lower(User.name).like(like), func.lower(User.email).like(like)))
    if status == "active":
        query = query.where(
            User.activated_at.is_not(None), User.email_verified_at.is_not(None), User.deactivated_at.is_(None)
        )
    elif status == "pending":
        query = query.where(User.activated_at.is_(None), User.deactivated_at.is_(None))
    elif status == "inactive":
        query = query.where(User.deactivated_at.is_not(None))
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


@dataclass
class NewStaff:
    name: str
    email: str
    role: str
    phone: str | None = None
    unit: str | None = None
    password: str | None = None  # None: generate one


def create_staff(data: NewStaff, actor: User) -> tuple[User, str | None]:
    """A verified, active staff account. Returns the user and the generated password, if any."""
    require_role(actor, Role.ADMIN)
    role = Role(data.role)
    if role not in STAFF_ROLES:
        raise AdminError(_("Pilih peran staf DJPK."), "role")
    email = data.email.strip().lower()
    if db.session.scalars(select(User.id).where(func.lower(User.email) == email)).first():
        raise AdminError(_("Email ini sudah dipakai oleh akun lain."), "email")
    generated = None
    password = data.password
    if not password:
        password = generated = generate_password()
    problem = password_problem(password, email=email, name=data.name)
    if problem:
        raise AdminError(password_message(problem), "password")
    now = now_utc()
    user = User(
        email=email,
        name=data.name.strip(),
        phone=(data.phone or "").strip() or None,
        password_hash=hash_password(password),
        role=role,
        created_at=now,
        email_verified_at=now,
        activated_at=now,
        activated_by_id=actor.id,
        session_version=1,
    )
    db.session.add(user)
    db.session.flush()
    if role == Role.NARASUMBER:
        _ensure_profile(user, data.unit)
    audit.record("user.create", user, actor=actor, after=snapshot(user) | {"email": email})
    return user, generated


def _ensure_profile(user: User, unit: str | None = None) -> None:
    exists = db.session.scalars(select(NarasumberProfile.id).where(NarasumberProfile.user_id == user.id))
    if exists.first() is None:
        db.session.add(
            NarasumberProfile(
                user_id=user.id,
                unit=(unit or "").strip() or DEFAULT_UNIT,
                working_hours=dict(DEFAULT_WORKING_HOURS),
                max_per_day=3,
                max_per_week=10,
            )
        )


def role_choices_for(user: User) -> list[Role]:
    """A Pemda operator stays a Pemda operator; staff move between staff roles only."""
    return [Role.PEMDA] if user.role == Role.PEMDA else list(STAFF_ROLES)


def update_user(user: User, *, name: str, phone: str | None, role: str, actor: User) -> bool:
    """Change name, phone and role. Returns whether anything changed."""
    require_role(actor, Role.ADMIN)
    new_role = Role(role)
    if new_role not in role_choices_for(user):
        raise AdminError(_("Peran ini tidak dapat dipilih untuk akun tersebut."), "role")
    if user.id == actor.id and new_role != Role.ADMIN:
        raise AdminError(_("Anda tidak dapat mencabut peran administrator Anda sendiri."), "role")
    before = snapshot(user)
    user.name = name.strip()
    user.phone = (phone or "").strip() or None
    if new_role != user.role:
        user.role = new_role
        user.session_version += 1  # the old role's pages must not stay open
        if new_role == Role.NARASUMBER:
            _ensure_profile(user)
    after = snapshot(user)
    if after == before:
        return False
    audit.record("user.update", user, actor=actor, before=before, after=after)
    if after["role"] != before["role"]:
        # Also a security event of its own: the audit page's security view lists it.
        audit.record(
            "security.role_change",
            user,
            actor=actor,
            before={"role": before["role"]},
            after={"role": after["role"]},
        )
    return True


def deactivate_user(user: User, actor: User) -> None:
    require_role(actor, Role.ADMIN)
    if user.id == actor.id:
        raise AdminError(_("Anda tidak dapat menonaktifkan akun Anda sendiri."))
    if user.deactivated_at is not None:
        raise AdminError(_("Akun ini sudah nonaktif."))
    apply_deactivation(user, actor)


def apply_deactivation(user: User, actor: User | None) -> None:
    """Deactivate and end every session; actor None is an operator's `flask users deactivate`."""
    before = snapshot(user)
    user.deactivated_at = now_utc()
    user.session_version += 1  # ends every open session of this user
    sessions.end_all(user, sessions.EndReason.DEACTIVATED, actor=actor)
    audit.record("user.deactivate", user, actor=actor, before=before, after=snapshot(user))


def reactivate_user(user: User, actor: User) -> None:
    require_role(actor, Role.ADMIN)
    if user.deactivated_at is None:
        raise AdminError(_("Akun ini sudah aktif."))
    before = snapshot(user)
    user.deactivated_at = None
    audit.record("user.reactivate", user, actor=actor, before=before, after=snapshot(user))
