"""Migrations: `flask db upgrade` on an empty database gives exactly the models' schema, and
downgrading to base and upgrading again works, on SQLite and on PostgreSQL."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from app import create_app
from app.extensions import db
from tests.machine import scratch_database


def _schema_diff(app) -> list:
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def _tables(app) -> set[str]:
    return set(inspect(db.engine).get_table_names())


def _check_round_trip(url: str, tmp_path) -> None:
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url, UPLOAD_DIR=str(tmp_path / "up"))
    with app.app_context():
        upgrade()
        assert _schema_diff(app) == []
        assert _tables(app) >= {t.name for t in db.metadata.sorted_tables}
        _check_report_snapshots_dropped()
        downgrade(revision="base")
        assert _tables(app) == {"alembic_version"}
        upgrade()
        assert _schema_diff(app) == []
        if db.engine.dialect.name == "postgresql":
            # Alembic's comparison does not see exclusion constraints: check them by name.
            with db.engine.connect() as conn:
                names = set(conn.scalars(text("SELECT conname FROM pg_constraint WHERE contype = 'x'")))
            assert names == {"ex_narasumber_assignments_no_overlap", "ex_room_bookings_no_overlap"}
        db.session.remove()
        db.engine.dispose()


def _check_report_snapshots_dropped() -> None:
    """The data version row exists; any migration run drops the stored reports."""
    with db.engine.begin() as conn:
        [(row_id, version)] = conn.execute(text("SELECT id, value FROM report_data_version")).all()
        assert row_id == 1
        conn.execute(
            text(
                "INSERT INTO report_snapshots (month, data_version, code_version, payload, built_at)"
                " VALUES ('2023-04-01', :version, 'x', '{}', '2023-05-01 00:00:00')"
            ),
            {"version": version},
        )
    upgrade()  # nothing left to apply: the version is raised and the stored reports dropped
    with db.engine.connect() as conn:
        assert conn.scalar(text("SELECT count(*) FROM report_snapshots")) == 0
        assert conn.scalar(text("SELECT value FROM report_data_version")) == version + 1


def test_sqlite_upgrade_downgrade_upgrade(tmp_path):
    _check_round_trip(f"sqlite:///{tmp_path / 'migrations.db'}", tmp_path)


@pytest.mark.postgres
def test_postgres_upgrade_downgrade_upgrade(postgres_url, tmp_path):
    with scratch_database(postgres_url, "_migrations") as url:
        _check_round_trip(url, tmp_path)
