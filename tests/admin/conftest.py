"""Fixtures of the administration tests: log the test client in as a user of some role."""

import pytest

from app.auth.models import Role
from app.extensions import db
from tests import factories


@pytest.fixture
def logged_in(client, auth):
    """logged_in(role_or_user): a user of that role (or the given user), logged in via /masuk."""

    def login(who):
        user = who if hasattr(who, "email") else _make(Role(who))
        db.session.commit()
        response = auth.login(user)
        assert response.status_code == 302, "login through /masuk failed"
        return user

    return login


def _make(role: Role):
    if role == Role.PEMDA:
        return factories.pemda_user()
    return factories.user(role)
