"""Login limits that stop guessing without locking the owner out, and the owner's warning.

Failed logins are counted per account and address together and per address (LOGIN_LIMIT,
"10 per 5 minutes"): an attacker's failures from one address do not stop the owner logging in
from another. A wider ceiling per account from every address (LOGIN_ACCOUNT_LIMIT) stops
guessing spread over many addresses. When a limit on an account trips, its owner is emailed
once per window of that limit, and a `security.lockout` audit row is written with it.
"""

import logging

from flask import current_app, request
from flask_limiter.util import get_remote_address
from limits import parse
from sqlalchemy import select

from app.auth import services
from app.core import audit, rate_limits
from app.core.clock import now_utc
from app.core.mail import queue_email, send_queued
from app.core.urls import public_url_for
from app.extensions import db, limiter

log = logging.getLogger(__name__)


def _email() -> str:
    return services.normalize_email(request.form.get("email", ""))


def _account_key() -> str:
    # Never empty (an empty key would switch the limit off).
    return "email:" + _email()


def _account_ip_key() -> str:
    return f"email:{_email()}|ip:{get_remote_address()}"


def login_limits(deduct_when):
    """The three limits of the login form, on POST only, counting when deduct_when says so."""

    def decorator(view):
        for limit, key_func, scope in (
            (rate_limits.setting("LOGIN_LIMIT"), _account_ip_key, "login-account-ip"),
            (rate_limits.setting("LOGIN_LIMIT"), get_remote_address, "ip"),
            (rate_limits.setting("LOGIN_ACCOUNT_LIMIT"), _account_key, "login-account"),
        ):
            view = limiter.limit(
                limit, key_func=key_func, scope=scope, methods=["POST"], deduct_when=deduct_when
            )(view)
        return view

    return decorator


def _account_limits() -> list[tuple[str, str, object]]:
    """(scope, limit text, key) of the account limits of this login attempt, as this
    worker enforces them now (app.core.rate_limits)."""
    config = current_app.config
    return [
        ("login-account-ip", rate_limits.current(config["LOGIN_LIMIT"]), _account_ip_key()),
        ("login-account", rate_limits.current(config["LOGIN_ACCOUNT_LIMIT"]), _account_key()),
    ]


def _exhausted(limit_text: str, key: str, scope: str) -> bool:
    """Whether the stored count of a login limit is used up (read as Flask-Limiter keeps it:
    key, then "<endpoint>:<scope>", after the configured prefix)."""
    args = [key, f"auth.login:{scope}"]
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX")
    if prefix:
        args.insert(0, prefix)
    try:
        return not limiter.limiter.test(parse(limit_text), *args)
    except Exception:  # Redis went away since the limit was checked: warn on the next attempt
        log.warning("rate-limit storage unavailable for the lockout warning", exc_info=True)
        return False


def warn_owner() -> None:
    """After a login refused by a limit: when a limit of the account itself is used up (not
    only the address's), tell its owner once per window of that limit and audit the lockout.
    Commits."""
    user = services.find_user(request.form.get("email", ""))
    if user is None:
        return
    locked = [(scope, text) for scope, text, key in _account_limits() if _exhausted(text, key, scope)]
    if not locked:
        return
    scope, text = locked[0]
    window = max(int(parse(text).get_expiry()), 1)
    bucket = int(now_utc().timestamp()) // window
    key = f"security.lockout:{user.id}:{scope}:{bucket}"
    from app.outbox.models import OutboxMessage

    if db.session.scalars(select(OutboxMessage.id).where(OutboxMessage.dedupe_key == key)).first():
        return  # the owner has been told about this window already
    queue_email(
        user.email,
        "auth/lockout",
        dedupe_key=key,
        user=user,
        minutes=max(window // 60, 1),
        reset_link=public_url_for("auth.forgot_password"),
    )
    audit.record("security.lockout", user, after={"scope": scope, "limit": text, "ip": request.remote_addr})
    db.session.commit()
    send_queued()
