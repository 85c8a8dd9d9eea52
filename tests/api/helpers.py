"""Tokens for the API tests, made through the service (the pages are tested on their own)."""

from app.api import tokens
from app.api.models import TokenKind
from app.extensions import db


def token_for(user, *scopes: str, days: int = 30, kind: TokenKind = TokenKind.PERSONAL) -> str:
    """A committed token of `user` holding `scopes` (all its role may hold when none named)."""
    from app.api.scopes import allowed_for

    _token, secret = tokens.create_token(
        user, name="Uji", scopes=list(scopes) or allowed_for(user.role), days=days, kind=kind
    )
    db.session.commit()
    return secret


def bearer(secret: str, **headers) -> dict:
    return {"Authorization": f"Bearer {secret}", **headers}
