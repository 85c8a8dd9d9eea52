"""`flask users list|create|deactivate|reset-password|reset-mfa`: each change audited as
made by "cli" (no actor, `via: cli` and the OS user in `after`), shown so on the audit page."""

from datetime import UTC, datetime, timedelta

import time_machine
from sqlalchemy import select

from app.auth.models import Role, User
from app.auth.passwords import verify_password
from app.auth.sessions import UserSession
from app.catalog.models import NarasumberProfile
from app.core.audit import AuditLog
from app.extensions import db
from app.outbox.models import OutboxMessage
from tests import factories
from tests.cli.conftest import STRONG, link_path, typed_twice


def users(runner, *args, input=None):
    return runner.invoke(args=["users", *args], input=input)


def cli_rows(action: str) -> list[AuditLog]:
    rows = db.session.scalars(select(AuditLog).where(AuditLog.action == action)).all()
    assert rows and all(r.actor_id is None and r.after["via"] == "cli" for r in rows), rows
    return rows


def by_email(email: str) -> User:
    db.session.expire_all()
    return db.session.scalars(select(User).where(User.email == email)).one()


def test_list_shows_role_state_mfa_and_last_login(runner):
    staff = factories.user(Role.COORDINATOR, email="koordinator@djpk.go.id")
    staff.last_login_at = datetime(2026, 3, 2, 3, 4, tzinfo=UTC)
    factories.pemda_user(email="operator@brebes.go.id", active=False)
    gone = factories.user(Role.RECEPTIONIST, email="resepsionis@djpk.go.id", mfa=False)
    gone.deactivated_at = datetime(2026, 3, 1, tzinfo=UTC)
    db.session.commit()
    lines = users(runner, "list").output.splitlines()
    line = {row.split()[0]: row.split() for row in lines[1:]}
    assert line["koordinator@djpk.go.id"] == [
        "koordinator@djpk.go.id",
        "coordinator",
        "active",
        "yes",
        "2026-03-02",
        "03:04",
    ]
    assert line["operator@brebes.go.id"][1:] == ["pemda", "pending", "no", "-"]
    assert line["resepsionis@djpk.go.id"][1:] == ["receptionist", "deactivated", "no", "-"]


def test_create_with_a_password_prompt(runner):
    result = users(
        runner,
        "create",
        "--email",
        "Narasumber@DJPK.go.id",
        "--name",
        "Ibu Sari",
        "--role",
        "narasumber",
        input=typed_twice(STRONG),
    )
    assert result.exit_code == 0, result.output
    user = by_email("narasumber@djpk.go.id")
    assert user.role == Role.NARASUMBER and user.is_active and verify_password(user.password_hash, STRONG)
    assert db.session.scalars(select(NarasumberProfile).where(NarasumberProfile.user_id == user.id)).one()
    assert cli_rows("user.create")[0].object_id == str(user.id)


def test_create_refuses_a_weak_password_a_taken_email_and_a_pemda_role(runner):
    factories.user(Role.ADMIN, email="admin@djpk.go.id")
    db.session.commit()
    weak = users(
        runner,
        "create",
        "--email",
        "baru@djpk.go.id",
        "--name",
        "Baru",
        "--role",
        "coordinator",
        input=typed_twice("baru@djpk.go.id"),
    )
    assert weak.exit_code == 1 and "tidak boleh sama dengan email" in weak.output
    taken = users(runner, "create", "--email", "ADMIN@djpk.go.id", "--name", "X", "--role", "admin")
    assert taken.exit_code == 1 and "exists already" in taken.output
    pemda = users(runner, "create", "--email", "p@brebes.go.id", "--name", "P", "--role", "pemda")
    assert pemda.exit_code == 2
    assert db.session.scalars(select(User.email)).all() == ["admin@djpk.go.id"]


def test_create_with_invite_prints_a_link_that_sets_the_password(runner, client):
    result = users(
        runner,
        "create",
        "--email",
        "r@djpk.go.id",
        "--name",
        "Resepsionis",
        "--role",
        "receptionist",
        "--invite",
    )
    assert result.exit_code == 0, result.output
    link = link_path(result.output)
    assert client.post(link, data={"password": STRONG, "confirm": STRONG}).status_code == 302
    assert verify_password(by_email("r@djpk.go.id").password_hash, STRONG)


def test_deactivate_ends_every_session(runner, client, auth):
    user = factories.user(Role.COORDINATOR)
    db.session.commit()
    auth.login(user)
    assert client.get("/akun").status_code == 200
    result = users(runner, "deactivate", user.email)
    assert result.exit_code == 0, result.output
    assert by_email(user.email).deactivated_at is not None
    assert client.get("/akun").status_code == 302  # the open session is over
    row = db.session.scalars(select(UserSession).where(UserSession.user_id == user.id)).one()
    assert row.end_reason == "deactivated"
    cli_rows("user.deactivate")
    cli_rows("auth.session_ended")
    assert users(runner, "deactivate", user.email).exit_code == 1  # already
    assert users(runner, "deactivate", "nobody@djpk.go.id").exit_code == 1


def test_reset_password_with_a_prompt_ends_sessions(runner, client, auth):
    user = factories.user(Role.COORDINATOR)
    db.session.commit()
    auth.login(user)
    result = users(runner, "reset-password", user.email, input=typed_twice(STRONG))
    assert result.exit_code == 0, result.output
    assert verify_password(by_email(user.email).password_hash, STRONG)
    assert client.get("/akun").status_code == 302
    cli_rows("auth.password_reset")


def test_reset_password_with_invite_voids_the_old_password_and_the_link_expires(app, runner, client):
    user = factories.user(Role.COORDINATOR)
    db.session.commit()
    with time_machine.travel(datetime(2026, 3, 2, 2, 0, tzinfo=UTC), tick=False) as traveller:
        result = users(runner, "reset-password", user.email, "--invite")
        assert result.exit_code == 0, result.output
        assert not verify_password(by_email(user.email).password_hash, factories.PASSWORD)
        traveller.shift(timedelta(hours=24, seconds=1))
        response = client.post(link_path(result.output), data={"password": STRONG, "confirm": STRONG})
    assert response.status_code == 400


def test_reset_mfa_reuses_the_admin_reset(runner, client, auth):
    user = factories.user(Role.NARASUMBER)
    db.session.commit()
    auth.login(user)
    result = users(runner, "reset-mfa", user.email)
    assert result.exit_code == 0, result.output
    after = by_email(user.email)
    assert not after.mfa_enabled and after.mfa_secret is None
    assert client.get("/akun").status_code == 302
    # Told by email, as from the web page (queued; the sender job delivers it).
    told = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "auth/mfa_reset")).one()
    assert told.recipients == [user.email]
    cli_rows("security.mfa_reset")
    assert users(runner, "reset-mfa", user.email).exit_code == 1  # nothing left to reset


def test_audit_page_shows_cli_as_the_actor(runner, client, auth):
    admin = factories.user(Role.ADMIN)
    target = factories.user(Role.RECEPTIONIST, email="target@djpk.go.id")
    db.session.commit()
    users(runner, "deactivate", target.email)
    auth.login(admin)
    page = client.get("/admin/audit").get_data(as_text=True)
    assert ">cli</span>" in page
