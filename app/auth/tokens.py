"""Signed, time-limited tokens for email verification and password reset.

Tokens are itsdangerous URL-safe timed signatures keyed on SECRET_KEY, one salt per purpose
so that a token of one kind never passes as another. A verification token names the user and
the email it was sent to (a changed email voids it); a reset token names the user and a
fingerprint of the current password hash, so it stops working as soon as the password has
been changed: it can be used once.
"""

import hashlib

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from app.auth.models import User
from app.extensions import db

VERIFY_SALT = "konsultasi.auth.verify-email"
RESET_SALT = "konsultasi.auth.reset-password"
# An operator's `flask setup --invite` / `flask users create|reset-password --invite` link:
# the reset page accepts it for ACCOUNT_INVITE_TOKEN_MAX_AGE (24 hours), once, like a reset token.
INVITE_SALT = "konsultasi.auth.invite-password"


class TokenInvalid(Exception):
    """The token is malformed, tampered with, or no longer matches the account."""


class TokenExpired(TokenInvalid):
    """The token was genuine but is older than its maximum age."""


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def _password_fingerprint(password_hash: str) -> str:
    # Only a digest goes into the token: the hash itself never leaves the database.
    return hashlib.sha256(password_hash.encode()).hexdigest()[:20]


def _load(salt: str, token: str, max_age: int) -> dict:
    try:
        data = _serializer(salt).loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise TokenExpired from exc
    except BadSignature as exc:
        raise TokenInvalid from exc
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        raise TokenInvalid
    return data


def email_token(user: User) -> str:
    return _serializer(VERIFY_SALT).dumps({"u": user.id, "e": user.email})


def user_for_email_token(token: str) -> User:
    data = _load(VERIFY_SALT, token, current_app.config["EMAIL_TOKEN_MAX_AGE"])
    user = db.session.get(User, data["u"])
    if user is None or user.email != data.get("e"):
        raise TokenInvalid
    return user


def reset_token(user: User) -> str:
    return _serializer(RESET_SALT).dumps({"u": user.id, "p": _password_fingerprint(user.password_hash)})


def invite_token(user: User) -> str:
    return _serializer(INVITE_SALT).dumps({"u": user.id, "p": _password_fingerprint(user.password_hash)})


def user_for_reset_token(token: str) -> User:
    """The user of a reset token (2 hours) or of an operator's invite token (24 hours)."""
    try:
        data = _load(RESET_SALT, token, current_app.config["RESET_TOKEN_MAX_AGE"])
    except TokenExpired:
        raise
    except TokenInvalid:
        data = _load(INVITE_SALT, token, current_app.config["ACCOUNT_INVITE_TOKEN_MAX_AGE"])
    user = db.session.get(User, data["u"])
    if user is None or data.get("p") != _password_fingerprint(user.password_hash):
        raise TokenInvalid
    if user.deactivated_at is not None:
        raise TokenInvalid
    return user
