"""`flask setup` on an empty database: reference data and the first administrator, no demo
data, safe to run again; `flask seed-demo` refused in production."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import func, select, text

from app import create_app
from app.auth.models import Role, User
from app.auth.passwords import verify_password
from app.catalog.models import Room, Topic
from app.catalog.taxonomy import read_topics
from app.core.audit import AuditLog
from app.extensions import db
from app.history.models import HistorySession
from app.policy.models import PolicyVersion
from app.regions.models import Region
from app.requests.models import ConsultationRequest
from tests.cli.conftest import STRONG, link_path, typed_twice
from tests.history.conftest import write_csv
from tests.machine import scratch_database

ADMIN = "admin@djpk.kemenkeu.go.id"


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def setup(runner, *args, input=None):
    # The suite's schema is made by create_all(), not Alembic (the PostgreSQL test below
    # runs the migrations on a database of its own).
    return runner.invoke(args=["setup", "--skip-migrations", *args], input=input)


def test_setup_creates_reference_data_and_a_verified_admin_and_no_demo_data(runner):
    result = setup(runner, "--email", ADMIN, "--name", "Admin DJPK", input=typed_twice(STRONG))
    assert result.exit_code == 0, result.output
    assert count(Region) > 500
    assert set(db.session.scalars(select(Topic.code))) == {t.code for t in read_topics()}
    assert count(PolicyVersion) == 1
    admin = db.session.scalars(select(User)).one()
    assert (admin.email, admin.name, admin.role) == (ADMIN, "Admin DJPK", Role.ADMIN)
    assert admin.is_active and admin.email_verified_at and not admin.mfa_enabled
    # No demo data: no rooms, no requests, no other account.
    assert count(Room) == count(ConsultationRequest) == 0
    row = db.session.scalars(select(AuditLog).where(AuditLog.action == "user.create")).one()
    assert row.actor_id is None and row.after["via"] == "cli" and row.after["os_user"]
    assert STRONG not in result.output


def test_setup_twice_adds_nothing_and_reports_state(runner):
    assert setup(runner, "--email", ADMIN, input=typed_twice(STRONG)).exit_code == 0
    topics, audit_rows = count(Topic), count(AuditLog)
    again = setup(runner, "--email", ADMIN.upper())
    assert again.exit_code == 0, again.output
    assert "exists already" in again.output
    report = setup(runner)
    assert report.exit_code == 0 and f"administrators: {ADMIN}" in report.output
    assert count(User) == 1 and count(Topic) == topics and count(PolicyVersion) == 1
    assert count(AuditLog) == audit_rows


def test_setup_keeps_a_topic_the_admin_renamed(runner):
    setup(runner)
    dau = db.session.scalars(select(Topic).where(Topic.code == "DAU")).one()
    dau.name = "DAU (diubah)"
    db.session.commit()
    setup(runner)
    assert db.session.scalars(select(Topic.name).where(Topic.code == "DAU")).one() == "DAU (diubah)"


def test_setup_without_an_admin_says_how_to_create_one(runner):
    result = setup(runner)
    assert result.exit_code == 0
    assert "no administrator yet" in result.output and count(User) == 0


def test_setup_refuses_a_weak_or_mismatched_password(runner):
    result = setup(runner, "--email", ADMIN, input="password123\npassword123\n")
    assert result.exit_code == 1  # the prompt asks again, and the input ends
    assert "terlalu umum" in result.output
    assert count(User) == 0
    mismatch = setup(runner, "--email", ADMIN, input=f"{STRONG}\n{STRONG}x\n")
    assert mismatch.exit_code == 1 and "do not match" in mismatch.output
    assert count(User) == 0


def test_setup_refuses_a_malformed_email(runner):
    result = setup(runner, "--email", "admin djpk")
    assert result.exit_code == 1 and "not an email address" in result.output
    assert count(User) == 0


def test_invite_link_works_once_and_for_24_hours(app, runner, client):
    with time_machine.travel(datetime(2026, 3, 2, 2, 0, tzinfo=UTC), tick=False) as traveller:
        result = setup(runner, "--email", ADMIN, "--invite")
        assert result.exit_code == 0, result.output
        assert "Password" not in result.output  # no prompt
        link = link_path(result.output)
        admin = db.session.scalars(select(User)).one()
        assert admin.is_active
        # Longer than a reset link's two hours, shorter than a day.
        traveller.shift(timedelta(hours=23))
        assert client.post(link, data={"password": STRONG, "confirm": STRONG}).status_code == 302
        again = client.post(link, data={"password": STRONG + "!", "confirm": STRONG + "!"})
        assert again.status_code == 400
        db.session.expire_all()
        assert verify_password(db.session.get(User, admin.id).password_hash, STRONG)


def test_invite_link_expires_after_24_hours(app, runner, client):
    with time_machine.travel(datetime(2026, 3, 2, 2, 0, tzinfo=UTC), tick=False) as traveller:
        link = link_path(setup(runner, "--email", ADMIN, "--invite").output)
        traveller.shift(timedelta(seconds=app.config["ACCOUNT_INVITE_TOKEN_MAX_AGE"] + 1))
        response = client.post(link, data={"password": STRONG, "confirm": STRONG})
    assert response.status_code == 400
    assert "sudah kedaluwarsa" in response.get_data(as_text=True)


def test_the_first_history_import_after_setup_knows_the_topics(runner, tmp_path):
    setup(runner, "--email", ADMIN, input=typed_twice(STRONG))
    rows = [
        ("Video Conference", "Kab. Brebes", "3-Apr-23", "DAU"),
        ("Tatap Muka", "Kota Balikpapan", "5 April 2023", "DBH dan DAU"),
        ("VC", "Kabupaten Sleman", "06/04/2023", "Dana Desa; DAK Fisik"),
    ]
    result = runner.invoke(args=["import", "sessions", str(write_csv(tmp_path / "riwayat.csv", rows))])
    assert result.exit_code == 0, result.output
    assert "Topik tidak dikenali" not in result.output
    assert count(HistorySession) == 3


def test_seed_demo_is_refused_in_production(app, runner, monkeypatch):
    monkeypatch.setitem(app.config, "REFUSE_UNSAFE_START", True)  # what APP_ENV=production sets
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 1
    assert "production" in result.output
    assert count(User) == count(Topic) == 0


@pytest.mark.postgres
def test_setup_on_a_fresh_postgres_database_runs_the_migrations(postgres_url, tmp_path):
    with scratch_database(postgres_url, "_setup") as url:
        _setup_twice(create_app("testing", SQLALCHEMY_DATABASE_URI=url))


def _setup_twice(app) -> None:
    try:
        runner = app.test_cli_runner()
        first = runner.invoke(args=["setup", "--email", ADMIN], input=typed_twice(STRONG))
        assert first.exit_code == 0, first.output
        second = runner.invoke(args=["setup", "--email", ADMIN])
        assert second.exit_code == 0, second.output
        with app.app_context():
            assert db.session.scalar(text("SELECT count(*) FROM alembic_version")) == 1
            assert count(Region) > 500 and count(PolicyVersion) == 1
            assert count(Topic) == len(read_topics())
            assert db.session.scalars(select(User.email)).all() == [ADMIN]
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
