"""A number in a URL larger than any id (2**31 and up) is no route: 404, never an overflow
in the database driver (500). Found by schemathesis on the API; every GET route with an
<int:> part is asked, signed in as an administrator, and the API with a coordinator's token."""

import re

from app.auth.models import Role
from app.core.converters import IdConverter
from app.extensions import db
from tests import factories
from tests.api.helpers import bearer, token_for
from tests.requests.helpers import login_as

HUGE = "99999999999999999999999"


def _path(rule) -> str:
    """The rule's path with every id part HUGE and any other part a plausible value."""
    path = rule.rule
    for name, converter in rule._converters.items():
        value = HUGE if isinstance(converter, IdConverter) else "2026-11"
        path = re.sub(r"<(?:[a-z]+(?:\([^)]*\))?:)?" + name + ">", value, path)
    return path


def test_ids_beyond_the_column_are_not_found(app, client):
    admin = factories.user(Role.ADMIN)
    coordinator = factories.user(Role.COORDINATOR)
    db.session.commit()
    login_as(client, admin)
    headers = bearer(token_for(coordinator))
    rules = [
        r
        for r in app.url_map.iter_rules()
        if "GET" in r.methods and any(isinstance(c, IdConverter) for c in r._converters.values())
    ]
    assert len(rules) > 20
    for rule in rules:
        response = client.get(_path(rule), headers=headers if rule.rule.startswith("/api/") else {})
        assert response.status_code == 404, (rule.rule, response.status_code)
    assert client.get(f"/api/v1/requests/{2**31 - 1}", headers=headers).status_code == 404
