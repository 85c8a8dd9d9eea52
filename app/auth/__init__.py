"""Accounts: registration, email verification, activation, login, password reset."""

from flask import Blueprint

from app.extensions import db, login

bp = Blueprint("auth", __name__)


@login.user_loader
def load_user(session_id: str):
    from app.auth.models import User

    user_id, _, version = session_id.partition(":")
    if not user_id.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    # A changed password (or a forced logout) bumps session_version and ends old sessions.
    if user is None or str(user.session_version) != version or not user.is_active:
        return None
    return user


from app.auth import routes  # noqa: E402,F401
