"""Every operation of the API, for every role, with a token holding every scope the role may
hold and with one lacking the operation's scope: who gets through ("ok": 2xx, or 409/422 when
the request's state or the body refused it after the access checks), 403, or 404 for another
Pemda's record (its existence is not revealed).

The world: Brebes (the Pemda) has a scheduled face-to-face session with narasumber Ani
assigned; Balikpapan is the other Pemda; a breach of Brebes is on record."""

import pytest
from sqlalchemy import select

from app.api.scopes import allowed_for
from app.auth.models import Role
from app.compliance.models import Breach, RecordedBy
from app.extensions import db
from tests import factories
from tests.api.conftest import vc_body
from tests.api.helpers import bearer, token_for
from tests.scheduling.coord_helpers import booked, narasumber, wib

OK = "ok"
ROLES = ("pemda", "pemda_other", "coordinator", "admin", "narasumber", "receptionist")


def _only(*roles, others=403, **exceptions):
    return {role: OK if role in roles else exceptions.get(role, others) for role in ROLES}


# (method, path, body, scope or None for public, expected per role)
OPERATIONS = [
    (
        "get",
        "/api/v1/requests",
        None,
        "requests:read",
        _only("pemda", "pemda_other", "coordinator", "admin", "narasumber"),
    ),
    (
        "get",
        "/api/v1/requests/{req}",
        None,
        "requests:read",
        _only("pemda", "coordinator", "admin", "narasumber", pemda_other=404),
    ),
    ("get", "/api/v1/requests/{req}/suggestions", None, "requests:read", _only("coordinator", "admin")),
    ("post", "/api/v1/requests", "form", "requests:write", _only("pemda", "pemda_other")),
    (
        "post",
        "/api/v1/requests/{req}/attendance",
        {"guests": [{"name": "A", "title": "B"}], "regional_head_attends": False},
        "requests:write",
        _only("pemda", pemda_other=404),
    ),
    (
        "post",
        "/api/v1/requests/{req}/rating",
        {"service_score": 5, "substance_score": 5},
        "requests:write",
        _only("pemda", pemda_other=404),
    ),
    (
        "post",
        "/api/v1/requests/{req}/decisions",
        {"action": "reject", "reason": "Di luar kewenangan"},
        "requests:write",
        _only("coordinator", "admin"),
    ),
    ("post", "/api/v1/requests/{req}/withdraw", {}, "requests:write", _only("pemda", pemda_other=404)),
    ("get", "/api/v1/sessions?start=2026-12-01&end=2026-12-31", None, "sessions:read", _only(*ROLES)),
    (
        "get",
        "/api/v1/narasumber/availability?start=2026-12-07&end=2026-12-11",
        None,
        "sessions:read",
        _only("coordinator", "admin"),
    ),
    ("get", "/api/v1/breaches", None, "breaches:read", _only("pemda", "pemda_other", "coordinator", "admin")),
    (
        "post",
        "/api/v1/breaches",
        {"type_code": "walk_in", "region_code": factories.BREBES, "note": "Datang tanpa jadwal"},
        "breaches:write",
        _only("coordinator", "admin"),
    ),
    (
        "post",
        "/api/v1/breaches/{breach}/void",
        {"reason": "Salah catat"},
        "breaches:write",
        _only("coordinator", "admin"),
    ),
    ("get", "/api/v1/reports/monthly/2026-11", None, "reports:read", _only("coordinator", "admin")),
    ("get", "/api/v1/verification/{code}", None, None, _only(*ROLES)),
]


@pytest.fixture
def world(app, operator):
    dau = factories.topic("DAU")
    ani = narasumber("Ani Rahmawati", [dau])
    req = booked(operator, wib("2026-12-08", "09:00"), people=[ani], room=factories.room("Ruang 9A"))
    breach = Breach(
        type_code="walk_in",
        region_id=operator.region_id,
        unit_type=operator.unit_type,
        recorded_by_kind=RecordedBy.RECEPTIONIST,
        recorded_at=wib("2026-11-20", "09:00"),
        evidence={},
    )
    db.session.add(breach)
    users = {
        "pemda": operator,
        "pemda_other": factories.pemda_user(factories.BALIKPAPAN),
        "coordinator": factories.user(Role.COORDINATOR),
        "admin": factories.user(Role.ADMIN),
        "narasumber": ani.user,
        "receptionist": factories.user(Role.RECEPTIONIST),
    }
    req.booking_code = "K7Q2MX9RTA"
    db.session.commit()
    return {"users": users, "req": req.id, "breach": breach.id, "code": req.booking_code}


def _outcome(response) -> object:
    if 200 <= response.status_code < 300 or response.status_code in (409, 422):
        return OK
    return response.status_code


def _call(client, method, path, body, secret, world):
    url = path.format(req=world["req"], breach=world["breach"], code=world["code"])
    headers = bearer(secret) if secret else {}
    if body == "form":
        return client.post(url, headers=headers, data=vc_body())
    if method == "post":
        return client.post(url, headers=headers, json=body)
    return client.get(url, headers=headers)


def test_every_operation_answers_each_role_as_its_rule_says(client, world):
    assert {(m, p.split("?")[0]) for m, p, *_ in OPERATIONS} >= {
        (
            rule_method.lower(),
            rule.rule.replace("<int:request_id>", "{req}")
            .replace("<int:breach_id>", "{breach}")
            .replace("<string(length=7):month>", "2026-11")
            .replace("<string(maxlength=40):code>", "{code}"),
        )
        for rule in client.application.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/")
        and rule.endpoint.split(".")[0].startswith("api_")
        and rule.endpoint != "api_docs.reference"
        for rule_method in rule.methods - {"HEAD", "OPTIONS"}
    }
    secrets = {role: token_for(user) for role, user in world["users"].items()}
    wrong = []
    for method, path, body, _scope, expected in OPERATIONS:
        for role in ROLES:
            got = _outcome(_call(client, method, path, body, secrets[role], world))
            if got != expected[role]:
                wrong.append(f"{method.upper()} {path} as {role}: {got}, expected {expected[role]}")
    assert not wrong, "\n".join(wrong)


def test_a_token_without_the_operations_scope_is_refused(client, world):
    wrong = []
    for method, path, body, scope, _expected in OPERATIONS:
        if scope is None:
            continue
        for role, user in world["users"].items():
            others = [s for s in allowed_for(user.role) if s != scope]
            if not others:
                continue
            response = _call(client, method, path, body, token_for(user, *others), world)
            if response.status_code != 403 or not response.get_json(force=True)["type"].endswith(
                "insufficient-scope"
            ):
                wrong.append(f"{method.upper()} {path} as {role} without {scope}: {response.status_code}")
    assert not wrong, "\n".join(wrong)


def test_without_any_token_only_the_verification_answers(client, world):
    for method, path, body, scope, _expected in OPERATIONS:
        status = _call(client, method, path, body, None, world).status_code
        assert status == (200 if scope is None else 401), (method, path, status)
    assert db.session.scalars(select(Breach)).all()  # nothing was voided by anyone anonymous
