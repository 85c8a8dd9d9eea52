"""The OpenAPI document: valid OpenAPI 3.1 (openapi-spec-validator), every API route in it,
and what the API answers matches it (each body validated by openapi-schema-validator against
the schema the document gives for that operation and status, media type included)."""

from datetime import UTC, datetime

import pytest
from openapi_schema_validator import OAS31Validator
from openapi_spec_validator import validate
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from app.auth.models import Role
from app.domain.policy import Mode
from app.extensions import db
from tests import factories
from tests.api.helpers import bearer, token_for
from tests.people import frozen_at

NOW = datetime(2026, 12, 8, 2, 10, tzinfo=UTC)
frozen = frozen_at(NOW)


@pytest.fixture
def spec(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    return response.get_json()


def test_the_document_is_valid_openapi_3_1(spec):
    assert spec["openapi"].startswith("3.1")
    validate(spec)


def test_every_api_route_is_documented_with_its_security(app, spec):
    documented = set(spec["paths"])
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or rule.endpoint.startswith(("api-docs.", "api_docs.")):
            continue
        path = (
            rule.rule.replace("<int:", "{")
            .replace("<string(maxlength=40):", "{")
            .replace("<string(length=7):", "{")
            .replace(">", "}")
        )
        assert path in documented, rule.rule
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue  # the path's own parameters
            if path.startswith("/api/v1/verification"):
                assert "security" not in operation  # public
                continue
            [requirement] = operation["security"]
            assert list(requirement) == ["token"] and requirement["token"], (method, path)
            assert {"401", "403"} <= set(operation["responses"]), (method, path)


def _validator(spec, path, method, status, media_type):
    operation = spec["paths"][path][method]
    response = operation["responses"].get(str(status)) or operation["responses"]["default"]
    while "$ref" in response:
        response = spec["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
    assert media_type in response["content"], (path, status, media_type, list(response["content"]))
    registry = Registry().with_resource(
        "urn:spec", Resource.from_contents(spec, default_specification=DRAFT202012)
    )
    schema = {**response["content"][media_type]["schema"]}
    schema = _rebase(schema)
    return OAS31Validator(schema, registry=registry)


def _rebase(node):
    if isinstance(node, dict):
        return {
            k: ("urn:spec" + v if k == "$ref" and v.startswith("#") else _rebase(v)) for k, v in node.items()
        }
    if isinstance(node, list):
        return [_rebase(v) for v in node]
    return node


def test_answers_match_the_document(client, spec, frozen):
    from tests.checkin import helpers as desk

    owner = factories.pemda_user()
    coordinator = factories.user(Role.COORDINATOR)
    session = desk.session(owner)
    factories.consultation(owner, mode=Mode.FTF)
    db.session.commit()
    secret = token_for(coordinator)
    day = session.scheduled_start.date().isoformat()
    calls = [
        ("/api/v1/requests", "/api/v1/requests", {}),
        ("/api/v1/requests", "/api/v1/requests?limit=1", {}),
        ("/api/v1/requests", "/api/v1/requests?limit=0", {}),
        ("/api/v1/requests", "/api/v1/requests", {"Authorization": "Bearer kdjpk_x"}),
        ("/api/v1/requests/{request_id}", f"/api/v1/requests/{session.id}", {}),
        ("/api/v1/requests/{request_id}", "/api/v1/requests/987654", {}),
        ("/api/v1/sessions", f"/api/v1/sessions?start={day}&end={day}", {}),
        ("/api/v1/sessions", "/api/v1/sessions?start=x", {}),
        ("/api/v1/breaches", "/api/v1/breaches?include_voided=true", {}),
        ("/api/v1/reports/monthly/{month}", "/api/v1/reports/monthly/2026-12", {}),
        ("/api/v1/reports/monthly/{month}", "/api/v1/reports/monthly/1999-01", {}),
        ("/api/v1/verification/{code}", f"/api/v1/verification/{session.booking_code}", {}),
        ("/api/v1/verification/{code}", "/api/v1/verification/nothing", {}),
    ]
    statuses = set()
    for path, url, extra in calls:
        response = client.get(url, headers={**bearer(secret), **extra})
        statuses.add(response.status_code)
        _validator(spec, path, "get", response.status_code, response.mimetype).validate(
            response.get_json(force=True)
        )
    assert statuses == {200, 401, 404, 422}
