"""Server-side login sessions: one `user_sessions` row per login, checked on every request.

The signed Flask session cookie holds only a random opaque id (SESSION_KEY); the table keeps
its SHA-256, so a copy of the table cannot be replayed as cookies. A request of a logged-in
user is accepted only while its row is open, of the user's current session version, used in
the last SESSION_IDLE_STAFF_MINUTES / SESSION_IDLE_PEMDA_MINUTES and younger than
SESSION_MAX_HOURS. Logout, "end my other sessions", a new password and deactivation end rows
on the server, so a copied cookie is worthless afterwards.

The check runs in the Flask-Login user loader (app/auth/__init__.py) and only reads; writes
(the end of a stale row, last_seen_at at most once a minute) happen in `after_load`, called
by a before-request hook that commits at once.
"""

import hashlib
import secrets
from datetime import datetime, timedelta
from functools import cache
from hashlib import sha512

from flask import current_app, request, session
from sqlalchemy import ForeignKey, Integer, Select, String, bindparam, select
from sqlalchemy.orm import Mapped, joinedload, mapped_column

from app.auth.models import STAFF_ROLES, User
from app.core import audit
from app.core.clock import now_utc
from app.core.types import UTCDateTime
from app.extensions import db

# The key of the raw session id in the signed Flask session cookie.
SESSION_KEY = "_sid"
# What the loader found out about this request, kept in the WSGI environ (an app context and
# its g may outlive one request in tests).
ENDED = "konsultasi.session_ended"
CURRENT = "konsultasi.session_row"
CHECKED = "konsultasi.session_checked"
LOADED = "konsultasi.session_loaded"
USER_AGENT_LENGTH = 255
# last_seen_at is written at most this often, not on every request.
TOUCH_EVERY = timedelta(minutes=1)


class EndReason:
    """Why a session row was ended (user_sessions.end_reason)."""

    LOGOUT = "logout"
    UNKNOWN = "unknown"  # no row, another user's row, or a row ended already
    IDLE = "idle"
    EXPIRED = "expired"
    ENDED_BY_USER = "ended_by_user"
    PASSWORD_CHANGED = "password_changed"
    PASSWORD_RESET = "password_reset"
    DEACTIVATED = "deactivated"
    ACCOUNT_CHANGED = "account_changed"  # the session version moved on (role, second factor)
    REPLACED = "replaced"  # a new login in the same browser


class UserSession(db.Model):
    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # SHA-256 (hex) of the random id kept in the session cookie; the raw id is never stored.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The user's session_version at login: a later bump (role change, ...) ends the row too.
    session_version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    end_reason: Mapped[str | None] = mapped_column(String(32))
    ip: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(USER_AGENT_LENGTH))


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def session_identifier() -> str:
    """Flask-Login's "strong" protection identifier: the client address as the server sees it
    (after ProxyFix, which trusts only PROXY_COUNT proxies) and the browser. Flask-Login's own
    reads a raw X-Forwarded-For header, which any client can send."""
    base = f"{request.remote_addr}|{request.headers.get('User-Agent', '')}"
    return sha512(base.encode("utf-8", errors="replace")).hexdigest()


def idle_limit(user: User) -> timedelta:
    config = current_app.config
    minutes = (
        config["SESSION_IDLE_STAFF_MINUTES"]
        if user.role in STAFF_ROLES
        else config["SESSION_IDLE_PEMDA_MINUTES"]
    )
    return timedelta(minutes=minutes)


def max_age() -> timedelta:
    return timedelta(hours=current_app.config["SESSION_MAX_HOURS"])


def open_session(user: User) -> str:
    """A new row for `user` in the caller's transaction; returns the raw id for the cookie."""
    token = secrets.token_urlsafe(32)
    now = now_utc()
    db.session.add(
        UserSession(
            user_id=user.id,
            token_hash=_hash(token),
            session_version=user.session_version,
            created_at=now,
            last_seen_at=now,
            ip=request.remote_addr,
            user_agent=(request.headers.get("User-Agent") or "")[:USER_AGENT_LENGTH] or None,
        )
    )
    return token


def row_for(token: object) -> UserSession | None:
    if not isinstance(token, str) or not token:
        return None
    return db.session.scalars(select(UserSession).where(UserSession.token_hash == _hash(token))).first()


def current_row() -> UserSession | None:
    """This browser's row, whatever its state."""
    return row_for(session.get(SESSION_KEY))


@cache
def _load_statement() -> Select:
    """load()'s statement, built once (it runs on every request)."""
    return (
        select(User, UserSession)
        .join(UserSession, UserSession.user_id == User.id)
        .options(joinedload(User.region))  # a Pemda's pages show its name and time zone
        .where(UserSession.token_hash == bindparam("token_hash"), User.id == bindparam("user_id"))
    )


def load(user_id: int) -> tuple[User | None, UserSession | None]:
    """The user and this browser's row of that user, in one statement (the loader's look-up,
    on every request); the row is None when the cookie names no row of this user.

    Both are kept in the environ until the request ends: the session's identity map holds
    rows weakly, and the hooks that drop Flask-Login's cached user would otherwise load the
    user (and after_load the row) again."""
    token = session.get(SESSION_KEY)
    loaded = request.environ.get(LOADED)
    if loaded is not None and loaded[0] == (user_id, token):
        return loaded[1]
    found = None
    if isinstance(token, str) and token:
        found = db.session.execute(
            _load_statement(), {"token_hash": _hash(token), "user_id": user_id}
        ).first()
    user, row = found if found is not None else (db.session.get(User, user_id), None)
    request.environ[LOADED] = ((user_id, token), (user, row))
    return user, row


def problem(row: UserSession | None, user: User, now: datetime) -> str | None:
    """Why `row` cannot carry a request of `user` now (an EndReason), or None when it can."""
    if row is None or row.user_id != user.id or row.ended_at is not None:
        return EndReason.UNKNOWN
    if row.session_version != user.session_version:
        return EndReason.ACCOUNT_CHANGED
    if now - row.created_at >= max_age():
        return EndReason.EXPIRED
    if now - row.last_seen_at >= idle_limit(user):
        return EndReason.IDLE
    return None


def check(user: User, row: UserSession | None) -> bool:
    """The loader's test: may this request go on as `user`, with this browser's `row` (see
    load())? Notes the outcome in the environ.

    The loader may run several times in one request (hooks drop the cached user): the
    answer for one user and cookie is worked out once.
    """
    asked = (user.id, session.get(SESSION_KEY))
    done = request.environ.get(CHECKED)
    if done is not None and done[0] == asked:
        return done[1]
    reason = problem(row, user, now_utc())
    if reason is None:
        request.environ[CURRENT] = row.id
    else:
        # Only a row of this user is ended by after_load(); an unknown one is left alone.
        request.environ[ENDED] = (row.id if reason != EndReason.UNKNOWN else None, reason)
    request.environ[CHECKED] = (asked, reason is None)
    return reason is None


def _end(rows: list[UserSession], reason: str, user_id: int, actor_id: int | None) -> None:
    now = now_utc()
    open_rows = [row for row in rows if row.ended_at is None]
    for row in open_rows:
        row.ended_at = now
        row.end_reason = reason
    if open_rows:
        audit.record(
            "auth.session_ended",
            ("User", user_id),
            actor=actor_id,
            after={"reason": reason, "sessions": [row.id for row in open_rows]},
        )


def end_current(reason: str) -> bool:
    """End this browser's row (caller commits). True when a row was open."""
    row = current_row()
    if row is None or row.ended_at is not None:
        return False
    _end([row], reason, row.user_id, row.user_id)
    return True


def end_all(user: User, reason: str, *, actor: User | None = None, keep_current: bool = False) -> None:
    """End every open row of `user` (but this browser's, with keep_current); caller commits."""
    query = select(UserSession).where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
    current_id = request.environ.get(CURRENT) if keep_current else None
    rows = [row for row in db.session.scalars(query) if row.id != current_id]
    _end(rows, reason, user.id, (actor or user).id)


def active_sessions(user: User) -> list[UserSession]:
    """The user's sessions that would still be accepted now, newest first."""
    now = now_utc()
    query = (
        select(UserSession)
        .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
        .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())
    )
    return [row for row in db.session.scalars(query) if problem(row, user, now) is None]


def after_load() -> str | None:
    """After the loader ran: end the stale row it found, or note activity on a live one.

    Commits at once (nothing else of the request is pending this early). Returns the reason
    a session just ended (the caller logs the browser out), or None.
    """
    ended = request.environ.get(ENDED)
    if ended is not None:
        row_id, reason = ended
        row = db.session.get(UserSession, row_id) if row_id is not None else None
        if row is not None and row.ended_at is None:
            _end([row], reason, row.user_id, None)
            db.session.commit()
        return reason
    row_id = request.environ.get(CURRENT)
    if row_id is not None:
        row = db.session.get(UserSession, row_id)
        now = now_utc()
        if row is not None and now - row.last_seen_at >= TOUCH_EVERY:
            row.last_seen_at = now
            db.session.commit()
    return None


# (marker in the User-Agent, name shown), most specific first: Edge and Opera also say Chrome,
# Chrome also says Safari.
_BROWSERS = (
    ("Edg/", "Microsoft Edge"),
    ("OPR/", "Opera"),
    ("SamsungBrowser/", "Samsung Internet"),
    ("Firefox/", "Firefox"),
    ("Chrome/", "Chrome"),
    ("Chromium/", "Chromium"),
    ("Safari/", "Safari"),
)
_SYSTEMS = (
    ("Android", "Android"),
    ("iPhone", "iOS"),
    ("iPad", "iPadOS"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("CrOS", "ChromeOS"),
    ("Linux", "Linux"),
)


def browser_label(user_agent: str | None) -> str | None:
    """The browser and system of a User-Agent header ("Chrome, Android"), or None."""
    agent = user_agent or ""
    browser = next((name for marker, name in _BROWSERS if marker in agent), None)
    system = next((name for marker, name in _SYSTEMS if marker in agent), None)
    return ", ".join(part for part in (browser, system) if part) or None
