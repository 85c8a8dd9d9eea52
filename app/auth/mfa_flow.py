"""Where a login stands between the password and the second factor, and how recent the last
full check (password and code) was.

After the right password a user with a second factor (or a staff member who must enrol one)
is not logged in yet: the session only holds a pending marker (user id, session version,
time, where to go next) that expires after MFA_PENDING_SECONDS. The login starts in
routes._start_session once the code is right.

Sensitive changes (roles, the policy, other people's accounts) need a full check no older
than REAUTH_MINUTES: `fresh_auth_required` sends a stale request to /masuk/konfirmasi
instead of running the view, so a stale POST changes nothing.
"""

from functools import wraps
from urllib.parse import urlsplit

from flask import current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.models import User
from app.auth.services import is_safe_next
from app.core.clock import now_utc
from app.extensions import db

PENDING = "mfa_pending"
FRESH = "auth_checked_at"


def needs_second_step(user: User) -> bool:
    return user.mfa_enabled or user.mfa_required


def begin(user: User, target: str | None) -> str:
    """Remember the half-done login; the endpoint of the page that asks for the code."""
    session[PENDING] = {
        "user_id": user.id,
        "version": user.session_version,
        "at": int(now_utc().timestamp()),
        "next": target if is_safe_next(target) else None,
    }
    return "auth.mfa_code" if user.mfa_enabled else "auth.mfa_enrol"


def pending_user() -> User | None:
    """The user whose password was right a moment ago, or None (no marker, expired, stale)."""
    marker = session.get(PENDING)
    if not isinstance(marker, dict):
        return None
    age = now_utc().timestamp() - marker.get("at", 0)
    if not 0 <= age <= current_app.config.get("MFA_PENDING_SECONDS", 300):
        session.pop(PENDING, None)
        return None
    user = db.session.get(User, marker.get("user_id"))
    if user is None or user.session_version != marker.get("version") or not user.is_active:
        session.pop(PENDING, None)
        return None
    return user


def pending_key() -> str:
    """The rate-limit key of the code pages: the account, never the client's choice."""
    if current_user.is_authenticated:
        return f"mfa:{current_user.id}"
    marker = session.get(PENDING)
    user_id = marker.get("user_id") if isinstance(marker, dict) else None
    return f"mfa:{user_id}"


def next_target() -> str:
    marker = session.get(PENDING) or {}
    return marker.get("next") or url_for("main.index")


def mark_checked() -> None:
    """The password and the code were both checked just now (after _start_session)."""
    session[FRESH] = int(now_utc().timestamp())


def is_fresh() -> bool:
    checked = session.get(FRESH)
    if not isinstance(checked, int):
        return False
    age = now_utc().timestamp() - checked
    return 0 <= age <= current_app.config.get("REAUTH_MINUTES", 15) * 60


def _return_to() -> str:
    """Where to come back after the confirmation: this page, or for a form sent here the page
    that showed it (a POST cannot be replayed, the person sends it again)."""
    if request.method == "GET":
        return request.full_path.rstrip("?")
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc == request.host and is_safe_next(referrer.path):
        return referrer.path + (f"?{referrer.query}" if referrer.query else "")
    if request.url_rule is not None and "GET" in (request.url_rule.methods or ()):
        return request.path
    return url_for("main.index")


def fresh_auth_required(view):
    """Run `view` only when the password and code were checked in the last REAUTH_MINUTES.

    Put it below the role decorator, so that a person without the role gets 403 first.
    """

    @wraps(view)
    def wrapped(*args, **kwargs):
        if current_user.is_authenticated and not is_fresh():
            if request.method != "GET":
                flash(_("Perubahan belum disimpan. Konfirmasi dulu bahwa ini memang Anda."), "warning")
            return redirect(url_for("auth.reauth", next=_return_to()))
        return view(*args, **kwargs)

    return wrapped
