"""Account services: registration, email verification, login checks, password changes.

Each function changes rows and writes the audit record in the caller's transaction and sends
the email the change calls for; the route commits once. Answers that could tell a stranger
whether an email is registered (registration, resend, reset request) are the same either way.
"""

import enum
import hashlib
import hmac
import logging
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import func, select

from app.auth import sessions, tokens
from app.auth.models import Role, UnitType, User
from app.auth.passwords import hash_password, needs_rehash, verify_password
from app.core import audit
from app.core.clock import now_utc
from app.core.mail import queue_email
from app.core.urls import public_url_for
from app.extensions import db

log = logging.getLogger("konsultasi.auth")


class Refusal(enum.StrEnum):
    """Why a login was refused."""

    BAD_CREDENTIALS = "bad_credentials"
    UNVERIFIED = "unverified"
    NOT_ACTIVATED = "not_activated"
    DEACTIVATED = "deactivated"


@dataclass(frozen=True)
class LoginResult:
    user: User | None
    refusal: Refusal | None = None

    @property
    def ok(self) -> bool:
        return self.refusal is None


def normalize_email(email: str) -> str:
    return (email or "").strip().lower()


def find_user(email: str) -> User | None:
    wanted = normalize_email(email)
    if not wanted:
        return None
    return db.session.scalars(select(User).where(func.lower(User.email) == wanted)).first()


def is_safe_next(target: str | None) -> bool:
    """True for a same-site path ("/akun"), never for "//evil.example" or "https://..."."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def _send_verification(user: User) -> None:
    link = public_url_for("auth.verify_email", token=tokens.email_token(user))
    queue_email(user.email, "auth/verify_email", user=user, link=link)


def register_pemda(
    *, name: str, email: str, phone: str, region_id: int, unit_type: UnitType | str, password: str
) -> User | None:
    """Create an unverified, not yet activated Pemda operator and email the verification link.

    Registering an email that already has an account does not say so on the page, which would
    let anyone find out who has an account. The page reads the same ("check your email") and
    the owner of the address gets a note instead, with links to log in or reset the password.
    Returns the new user, or None when the email was already taken.
    """
    existing = find_user(email)
    if existing is not None:
        # The same work as a new account (a password hash), so that the answer's timing does
        # not tell a taken email from a free one.
        hash_password(password)
        queue_email(
            existing.email,
            "auth/already_registered",
            user=existing,
            login_link=public_url_for("auth.login"),
            reset_link=public_url_for("auth.forgot_password"),
        )
        log.info("registration attempt for an existing account %s", existing.id)
        return None
    user = User(
        email=normalize_email(email),
        name=name.strip(),
        phone=phone,
        password_hash=hash_password(password),
        role=Role.PEMDA,
        region_id=region_id,
        unit_type=UnitType(unit_type),
        created_at=now_utc(),
        session_version=1,
    )
    db.session.add(user)
    db.session.flush()
    audit.record(
        "auth.register",
        user,
        actor=user,
        after={
            "email": user.email,
            "name": user.name,
            "phone": user.phone,
            "region_id": user.region_id,
            "unit_type": user.unit_type,
            "role": user.role,
        },
    )
    _send_verification(user)
    return user


def verify_email(token: str) -> User:
    """Mark the email of the token's user verified; raises tokens.TokenInvalid/TokenExpired."""
    user = tokens.user_for_email_token(token)
    if user.email_verified_at is None:
        user.email_verified_at = now_utc()
        audit.record(
            "auth.verify_email",
            user,
            actor=user,
            before={"email_verified_at": None},
            after={"email_verified_at": user.email_verified_at},
        )
    return user


def resend_verification(email: str) -> None:
    """Send a fresh verification link when `email` belongs to an unverified account."""
    user = find_user(email)
    if user is not None and user.email_verified_at is None and user.deactivated_at is None:
        _send_verification(user)


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return hash_password("no account has this password")


def authenticate(email: str, password: str) -> LoginResult:
    """Check credentials, then the account's state.

    The state (unverified, awaiting activation, deactivated) is told only to someone who gave
    the right password; anyone else hears the same generic refusal.
    """
    user = find_user(email)
    if user is None:
        verify_password(_dummy_hash(), password)  # same work as for a real account
        return LoginResult(None, Refusal.BAD_CREDENTIALS)
    if not verify_password(user.password_hash, password):
        return LoginResult(None, Refusal.BAD_CREDENTIALS)
    if user.deactivated_at is not None:
        return LoginResult(user, Refusal.DEACTIVATED)
    if user.email_verified_at is None:
        return LoginResult(user, Refusal.UNVERIFIED)
    if user.activated_at is None:
        return LoginResult(user, Refusal.NOT_ACTIVATED)
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return LoginResult(user)


def record_login(user: User) -> None:
    before = user.last_login_at
    user.last_login_at = now_utc()
    audit.record(
        "auth.login",
        user,
        actor=user,
        before={"last_login_at": before},
        after={"last_login_at": user.last_login_at},
    )


def record_logout(user: User) -> None:
    audit.record("auth.logout", user, actor=user)


def record_login_failure(email: str) -> None:
    """Audit a failed login. For an unknown email the typed text is not kept (people
    sometimes type their password into the email field): only a keyed digest of it, so that
    repeated attempts on one unknown name can be told apart from a spray over many."""
    user = find_user(email)
    if user is not None:
        audit.record("auth.login_failed", user, after={"reason": Refusal.BAD_CREDENTIALS.value})
        return
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, normalize_email(email).encode(), hashlib.sha256).hexdigest()[:16]
    audit.record(
        "auth.login_failed", ("User", "?"), after={"reason": "unknown_email", "email_digest": digest}
    )


def request_password_reset(email: str) -> None:
    """Email a reset link when `email` belongs to an account that is not deactivated."""
    user = find_user(email)
    if user is None or user.deactivated_at is not None:
        log.info("password reset asked for an unknown or deactivated email")
        return
    link = public_url_for("auth.reset_password", token=tokens.reset_token(user))
    queue_email(user.email, "auth/reset_password", user=user, link=link)


def _set_password(user: User, password: str, action: str, actor: User) -> None:
    before = user.session_version
    user.password_hash = hash_password(password)
    # Every session of this user ends: its server-side row, and the login session id carries
    # the version (the route opens a new session for the person who changed it).
    user.session_version = before + 1
    reason = (
        sessions.EndReason.PASSWORD_RESET
        if action == "auth.password_reset"
        else sessions.EndReason.PASSWORD_CHANGED
    )
    sessions.end_all(user, reason, actor=actor)
    audit.record(
        action,
        user,
        actor=actor,
        before={"session_version": before},
        after={"session_version": user.session_version},
    )


def reset_password(token: str, password: str) -> User:
    """Set a new password with a reset token; raises tokens.TokenInvalid/TokenExpired.

    Following the emailed link proves the address, so an unverified email becomes verified.
    """
    user = tokens.user_for_reset_token(token)
    _set_password(user, password, "auth.password_reset", actor=user)
    if user.email_verified_at is None:
        user.email_verified_at = now_utc()
        audit.record(
            "auth.verify_email", user, actor=user, after={"email_verified_at": user.email_verified_at}
        )
    return user


def change_password(user: User, current: str, new: str) -> bool:
    """Change the password after checking the current one; False when that is wrong."""
    if not verify_password(user.password_hash, current):
        return False
    _set_password(user, new, "auth.password_change", actor=user)
    return True


def set_locale(user: User, locale: str) -> None:
    if user.locale == locale:
        return
    before = user.locale
    user.locale = locale
    audit.record("auth.locale_change", user, actor=user, before={"locale": before}, after={"locale": locale})
