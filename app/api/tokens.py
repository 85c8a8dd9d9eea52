"""Making, finding and revoking API tokens (app.api.models.ApiToken).

A token reads `kdjpk_` followed by 43 random URL-safe characters (256 bits). Its SHA-256 is
what the database keeps and what a call is looked up by: a token with that much randomness
needs no slow password hash, and a stolen table gives no usable token.
"""

import hashlib
import secrets
from datetime import datetime, timedelta

from flask import abort
from sqlalchemy import or_, select, update
from sqlalchemy.orm import joinedload

from app.api.models import ApiToken, TokenKind
from app.api.scopes import allowed_for
from app.auth.models import User
from app.core import audit
from app.core.clock import now_utc
from app.extensions import db

PREFIX = "kdjpk_"
# How long a token may live, in days, as the forms offer it.
LIFETIMES = (30, 90, 180, 365)
# last_used_at is written at most this often per token (not one write per call).
LAST_USED_PRECISION = timedelta(minutes=1)


class TokenRefused(ValueError):
    """The token cannot be made as asked (a scope the owner's role may not hold, ...)."""


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(
    owner: User,
    *,
    name: str,
    scopes: list[str],
    days: int,
    kind: TokenKind = TokenKind.PERSONAL,
    created_by: User | None = None,
    now: datetime | None = None,
    by_cli: bool = False,
) -> tuple[ApiToken, str]:
    """Add a token for `owner` (not committed) and return it with the secret, the only time
    the secret exists outside the caller's hands. `created_by`: the administrator who makes an
    integration token (the owner otherwise); `by_cli`: an operator's command (no account)."""
    maker = None if by_cli else (created_by or owner)
    now = now or now_utc()
    wanted = [s for s in dict.fromkeys(scopes)]
    allowed = allowed_for(owner.role)
    if not wanted or any(s not in allowed for s in wanted):
        raise TokenRefused(wanted)
    if days not in LIFETIMES:
        raise TokenRefused(days)
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        kind=kind,
        name=name.strip(),
        owner=owner,
        created_by=maker,
        scopes=wanted,
        token_hash=digest(secret),
        prefix=secret[: len(PREFIX) + 6],
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    db.session.add(token)
    db.session.flush()
    audit.record(
        "api_token.created",
        token,
        actor=maker,
        after={"kind": kind.value, "name": token.name, "owner": owner.id, "scopes": wanted, "days": days},
    )
    return token, secret


def find_usable(secret: str, now: datetime | None = None) -> ApiToken | None:
    """The token `secret` names, when it is not revoked, not expired and its owner may still
    sign in; None otherwise."""
    if not secret.startswith(PREFIX) or len(secret) > 100:
        return None
    token = db.session.scalar(
        select(ApiToken).where(ApiToken.token_hash == digest(secret)).options(joinedload(ApiToken.owner))
    )
    now = now or now_utc()
    if token is None or not token.is_usable(now) or not token.owner.is_active:
        return None
    return token


def mark_used(token: ApiToken, now: datetime | None = None) -> None:
    """Note the time of use, at most once per LAST_USED_PRECISION, in its own short commit
    (a read-only call writes nothing else)."""
    now = now or now_utc()
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_PRECISION:
        return
    db.session.execute(
        update(ApiToken)
        .where(
            ApiToken.id == token.id,
            or_(ApiToken.last_used_at.is_(None), ApiToken.last_used_at < now - LAST_USED_PRECISION),
        )
        .values(last_used_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def tokens_of(owner: User) -> list[ApiToken]:
    """The owner's personal tokens, newest first (revoked and expired ones too, for the record)."""
    return list(
        db.session.scalars(
            select(ApiToken)
            .where(ApiToken.owner_id == owner.id, ApiToken.kind == TokenKind.PERSONAL)
            .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
            .limit(100)
        )
    )


def integration_tokens() -> list[ApiToken]:
    """Every integration token, newest first, with its owner."""
    return list(
        db.session.scalars(
            select(ApiToken)
            .where(ApiToken.kind == TokenKind.INTEGRATION)
            .options(joinedload(ApiToken.owner))
            .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
            .limit(200)
        )
    )


def revoke(token_id: int, actor: User, *, kind: TokenKind, now: datetime | None = None) -> ApiToken:
    """Revoke a token: a user their own personal token, an administrator an integration
    token. Any other token answers 404 (its existence is not revealed)."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.kind != kind or (kind == TokenKind.PERSONAL and token.owner_id != actor.id):
        abort(404)
    if token.revoked_at is None:
        token.revoked_at = now or now_utc()
        token.revoked_by_id = actor.id
        audit.record("api_token.revoked", token, actor=actor, after={"name": token.name})
    return token
