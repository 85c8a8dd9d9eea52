"""Fixtures after flaskr's: app, client, runner, an `auth` helper that logs in as a role.

The suite runs on SQLite (in memory) by default and on PostgreSQL when TEST_DATABASE_URL is
set. Tests marked `postgres` need PostgreSQL: they are left out of the SQLite pass (they run
in the PostgreSQL pass), and they fail rather than skip when CI is set and PostgreSQL cannot
be reached.
"""

import logging
import os

import pytest
from sqlalchemy import text

from app import create_app
from app.core import kept
from app.extensions import db, limiter
from config import psycopg_url

pytest_plugins = ["tests.people"]

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
ON_POSTGRES = bool(TEST_DATABASE_URL)
# Rows kept from one test to the next: loaded once per session.
KEPT_TABLES = {"regions", "report_data_version"}  # the version row is made with the table


def pytest_configure(config):
    config.addinivalue_line("markers", "postgres: needs PostgreSQL (TEST_DATABASE_URL)")
    config.addinivalue_line("markers", "e2e: drives a real browser")


def pytest_collection_modifyitems(config, items):
    if ON_POSTGRES:
        return
    keep, dropped = [], []
    for item in items:
        (dropped if item.get_closest_marker("postgres") else keep).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = keep


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    # A file, not ":memory:", so that the end-to-end server thread has its own connection.
    db_file = tmp_path_factory.mktemp("db") / "test.db"
    overrides = {
        "UPLOAD_DIR": str(tmp_path_factory.mktemp("uploads")),
        "SQLALCHEMY_DATABASE_URI": psycopg_url(TEST_DATABASE_URL) if ON_POSTGRES else f"sqlite:///{db_file}",
    }
    app = create_app("testing", **overrides)
    with app.app_context():
        if ON_POSTGRES:
            _require_postgres()
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
                conn.execute(text("CREATE EXTENSION IF NOT EXISTS btree_gist"))
        db.create_all()
        from app.regions.services import load_regions

        load_regions()
        db.session.commit()
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


def _require_postgres() -> None:
    try:
        with db.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # pragma: no cover - depends on the machine
        pytest.fail(f"PostgreSQL at TEST_DATABASE_URL is unreachable: {exc}")


@pytest.fixture(autouse=True)
def _keep_root_logger():
    """A production app adds its JSON handler to the root logger (app.core.logs): removed after
    the test, or later tests (and the SMTP server's thread) would write JSON to the terminal."""
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    yield
    root.handlers[:], root.level = saved


@pytest.fixture(autouse=True)
def _keep_limiter():
    """Every create_app() calls init_app on the one global `limiter`: a production app made by
    a test points its storage at that app's REDIS_URL (tests/hardening: 127.0.0.1:9). Restored
    after the test, or every later test fails in limiter.reset() (seen with random order)."""
    saved = dict(vars(limiter))
    yield
    vars(limiter).clear()
    vars(limiter).update(saved)


@pytest.fixture(autouse=True)
def _clean_state(request):
    """Each test starts with empty tables (but the regions) and fresh rate limits."""
    if "app" not in request.fixturenames:
        yield
        return
    app = request.getfixturevalue("app")
    with app.app_context():
        limiter.reset()
        yield
        db.session.rollback()
        db.session.remove()
        kept.forget(app)  # the wipe below bypasses the report data version
        tables = [t for t in reversed(db.metadata.sorted_tables) if t.name not in KEPT_TABLES]
        with db.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                names = ", ".join(f'"{t.name}"' for t in tables)
                # The audit log refuses TRUNCATE (a trigger); only this cleanup lifts that,
                # inside its own transaction.
                conn.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only"))
                conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
                conn.execute(text("ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only"))
            else:
                for table in tables:
                    conn.execute(table.delete())


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def postgres_url():
    """The PostgreSQL URL of the PostgreSQL pass; fails (never skips) under CI without it."""
    if not TEST_DATABASE_URL:
        if os.environ.get("CI"):
            pytest.fail("TEST_DATABASE_URL is not set but this test needs PostgreSQL")
        pytest.skip("needs PostgreSQL: set TEST_DATABASE_URL")
    return psycopg_url(TEST_DATABASE_URL)


class AuthActions:
    """Logs the test client in as a user (made by the factories) through the real login form."""

    def __init__(self, client):
        self._client = client

    def login(self, user, password: str = "kata-sandi-uji-123"):
        """The password, then (for a user with a second factor) the code of the test secret."""
        from tests import factories

        response = self._client.post(
            "/masuk", data={"email": user.email, "password": password}, follow_redirects=False
        )
        return factories.pass_code_step(self._client, response, user.email)

    def logout(self):
        return self._client.post("/keluar")


@pytest.fixture
def auth(client):
    return AuthActions(client)
