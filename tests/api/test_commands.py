"""`flask api-token ...`: an operator makes, lists and revokes tokens at the shell."""

from sqlalchemy import select

from app.api.models import ApiToken, TokenKind
from app.auth.models import Role
from app.core.audit import AuditLog
from app.extensions import db
from tests import factories
from tests.api.helpers import bearer


def test_an_operator_makes_lists_and_revokes_a_token(app, client, runner):
    factories.user(Role.COORDINATOR, email="crm@djpk.go.id")
    db.session.commit()
    refused = runner.invoke(
        args=[
            "api-token",
            "create",
            "--owner",
            "crm@djpk.go.id",
            "--name",
            "CRM",
            "--scope",
            "requests:write",
            "--scope",
            "nope",
        ]
    )
    assert refused.exit_code != 0 and "not nope" in refused.output
    made = runner.invoke(
        args=[
            "api-token",
            "create",
            "--owner",
            "CRM@djpk.go.id",
            "--name",
            "CRM Contact Center",
            "--scope",
            "sessions:read",
            "--days",
            "30",
        ]
    )
    assert made.exit_code == 0, made.output
    secret = made.stdout.strip().splitlines()[0]
    assert secret.startswith("kdjpk_")
    token = db.session.scalars(select(ApiToken)).one()
    assert (
        token.kind == TokenKind.INTEGRATION
        and token.created_by_id is None
        and token.scopes == ["sessions:read"]
    )
    entry = db.session.scalars(select(AuditLog).where(AuditLog.action == "api_token.created")).one()
    assert entry.actor_id is None and entry.after["via"] == "cli"
    assert (
        client.get("/api/v1/sessions?start=2026-12-01&end=2026-12-02", headers=bearer(secret)).status_code
        == 200
    )
    listed = runner.invoke(args=["api-token", "list"])
    assert "crm@djpk.go.id" in listed.output and "active" in listed.output and secret not in listed.output
    assert runner.invoke(args=["api-token", "revoke", str(token.id)]).exit_code == 0
    assert (
        client.get("/api/v1/sessions?start=2026-12-01&end=2026-12-02", headers=bearer(secret)).status_code
        == 401
    )
    assert runner.invoke(args=["api-token", "revoke", "999"]).exit_code != 0
