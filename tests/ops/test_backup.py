"""Backups on real dumps: `flask backup check` restores a `pg_dump -Fc` file of a migrated
database with real audit rows into a scratch database, reports its row counts and verifies
the audit chain; a tampered, truncated or foreign file fails naming why; deploy/backup.sh
dumps, checks and prunes. The databases are this module's own (`<test database>_src`...),
never the suite's test database."""

import os
import re
import shutil
import stat
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine
from flask_migrate import upgrade
from sqlalchemy import create_engine, func, inspect, select, table, text
from sqlalchemy.engine import make_url

from app import create_app
from app.core import audit, audit_chain
from app.domain.policy import Mode
from app.extensions import db
from app.ops import backup
from app.ops.checks import migrations_head
from config import psycopg_url
from tests import factories

pytestmark = pytest.mark.postgres

ROOT = Path(__file__).resolve().parents[2]
MADE_AT = datetime(2026, 3, 2, 3, 4, tzinfo=UTC)  # 10:04 WIB


def _need(tool: str) -> str:
    found = shutil.which(tool)
    if not found:
        if os.environ.get("CI"):
            pytest.fail(f"{tool} is not on PATH but the backup tests need it")
        pytest.skip(f"needs {tool} (postgresql-client)")
    return found


def _url(base: str, name: str) -> str:
    return make_url(base).set(database=name).render_as_string(hide_password=False)


def _libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@pytest.fixture(scope="module")
def server():
    """An AUTOCOMMIT engine on the PostgreSQL server of TEST_DATABASE_URL, and its URL."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        if os.environ.get("CI"):
            pytest.fail("TEST_DATABASE_URL is not set but this test needs PostgreSQL")
        pytest.skip("needs PostgreSQL: set TEST_DATABASE_URL")
    base = psycopg_url(base)
    engine = create_engine(base, isolation_level="AUTOCOMMIT")
    yield engine, base
    engine.dispose()


def _recreate(engine, name: str, template: str | None = None) -> None:
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")))


def _drop(engine, name: str) -> None:
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def _databases(engine, prefix: str) -> list[str]:
    with engine.connect() as conn:
        return list(
            conn.scalars(
                text("SELECT datname FROM pg_database WHERE starts_with(datname, :p)"), {"p": prefix}
            )
        )


@pytest.fixture(scope="module")
def source(server, tmp_path_factory):
    """A database made by the migrations with a few rows, audit rows written by the app's
    audit code, its row counts and the chain's last hash; the app whose "live" database it
    is (scratch databases go on the same server)."""
    engine, base = server
    name = f"{make_url(base).database}_src"
    _recreate(engine, name)
    url = _url(base, name)
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url, UPLOAD_DIR=str(tmp_path_factory.mktemp("up")))
    with app.app_context():
        upgrade()
        from app.regions.services import load_regions

        load_regions()
        with time_machine.travel(MADE_AT, tick=False):
            owner = factories.pemda_user()
            coordinator = factories.user()
            factories.consultation(owner, mode=Mode.FTF)  # with its letter, stored in the database
            for n in range(3):
                audit.record("backup.test", ("Thing", n), actor=coordinator, after={"n": n})
            db.session.commit()
        last_hash = audit_chain.verify(db.session).last_hash
        db.session.remove()
        with db.engine.connect() as conn:
            names = inspect(conn).get_table_names()
            counts = {t: conn.scalar(select(func.count()).select_from(table(t))) for t in names}
        db.engine.dispose()
    yield {"name": name, "url": url, "app": app, "counts": counts, "last_hash": last_hash}
    _drop(engine, name)


def _dump(url: str, path: Path, *options: str) -> Path:
    subprocess.run([_need("pg_dump"), *options, "-f", str(path), _libpq(url)], check=True)
    return path


@pytest.fixture(scope="module")
def dump(source, tmp_path_factory):
    return _dump(source["url"], tmp_path_factory.mktemp("dumps") / "good.dump", "-Fc")


def _check(app, *args: str, tools: bool = True):
    if tools:
        _need("pg_restore")
    result = app.test_cli_runner().invoke(args=["backup", "check", *map(str, args)])
    with app.app_context():
        db.engine.dispose()
    return result


def _reported_counts(output: str) -> dict[str, int]:
    section = output.split("Rows (", 1)[1].split("\n", 1)[1]
    counts = {}
    for line in section.splitlines():
        match = re.fullmatch(r"  (\w+) +([\d,]+)", line)
        if not match:
            break
        counts[match.group(1)] = int(match.group(2).replace(",", ""))
    return counts


def test_a_good_dump_restores_with_its_counts_and_chain(server, source, dump):
    result = _check(source["app"], dump)
    assert result.exit_code == 0, result.output
    out = result.output
    assert f"Schema revision: {migrations_head()} (the code's head)" in out
    assert _reported_counts(out) == source["counts"]
    assert source["counts"]["audit_log"] == 3 and source["counts"]["stored_files"] >= 1
    assert "Latest request submitted      2026-03-02 03:04 UTC (2026-03-02 10:04 WIB)" in out
    assert "Latest audit row              2026-03-02 03:04 UTC" in out
    assert f"Audit chain: OK, 3 rows; last hash {source['last_hash']}" in out
    assert out.rstrip().endswith("Backup check passed.")
    assert _databases(server[0], f"{source['name']}_check_") == []


def test_an_altered_audit_row_fails_the_check_naming_it(server, source, tmp_path):
    engine, base = server
    name = f"{source['name']}_tampered"
    _recreate(engine, name, template=source["name"])
    try:
        tampered = create_engine(_url(base, name))
        with tampered.begin() as conn:
            # The append-only trigger refuses UPDATE; its owner can lift it, as an attacker would.
            conn.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only"))
            row_id = conn.scalar(text("SELECT id FROM audit_log WHERE seq = 2"))
            conn.execute(text("UPDATE audit_log SET after = '{\"n\": 99}' WHERE seq = 2"))
            conn.execute(text("ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only"))
        tampered.dispose()
        path = _dump(_url(base, name), tmp_path / "tampered.dump", "-Fc")
    finally:
        _drop(engine, name)
    result = _check(source["app"], path)
    assert result.exit_code == 1, result.output
    assert f"Audit chain: BROKEN, row id={row_id} (seq 2) was changed" in result.output
    assert f"Backup check FAILED: audit chain broken: row id={row_id} (seq 2) was changed" in result.output
    assert _databases(engine, f"{source['name']}_check_") == []


def test_garbage_and_truncated_files_fail_clearly_and_leave_no_scratch(server, source, dump, tmp_path):
    garbage = tmp_path / "notes.dump"
    garbage.write_bytes(b"hello, not a dump\n" * 10)
    result = _check(source["app"], garbage)
    assert result.exit_code == 1
    assert f"Backup check FAILED: {garbage} is not a pg_dump file" in result.output

    result = _check(source["app"], tmp_path / "missing.dump")
    assert result.exit_code == 1
    assert "Backup check FAILED: cannot read" in result.output

    truncated = tmp_path / "truncated.dump"
    data = dump.read_bytes()
    truncated.write_bytes(data[: len(data) - 200])  # the last table's data cut short
    result = _check(source["app"], truncated)
    assert result.exit_code == 1, result.output
    assert "Restoring into scratch database" in result.output
    assert "Backup check FAILED: restore failed (pg_restore exit 1)" in result.output
    assert "end of file" in result.output
    assert _databases(server[0], f"{source['name']}_check_") == []


def test_a_plain_sql_dump_is_accepted(source, tmp_path):
    _need("psql")
    path = _dump(source["url"], tmp_path / "plain.sql", "--no-owner", "--no-privileges")
    result = _check(source["app"], path)
    assert result.exit_code == 0, result.output
    assert "(plain format, pg_dump " in result.output
    assert _reported_counts(result.output) == source["counts"]


def _tables(url: str) -> list[str]:
    engine = create_engine(url)
    with engine.connect() as conn:
        names = inspect(conn).get_table_names()
    engine.dispose()
    return names


def test_a_given_scratch_database_is_emptied_kept_or_refused(server, source, dump):
    engine, base = server
    name = f"{source['name']}_given"
    given = _url(base, name)
    _recreate(engine, name)  # an empty database given by the operator: used, then emptied
    try:
        result = _check(source["app"], dump, "--scratch-url", given)
        assert result.exit_code == 0, result.output
        assert f"Scratch database {name} emptied." in result.output
        assert _databases(engine, name) == [name] and _tables(given) == []

        _drop(engine, name)  # a missing one is created; --keep leaves it for a look
        result = _check(source["app"], dump, "--scratch-url", given, "--keep")
        assert result.exit_code == 0, result.output
        assert f"Scratch database {name} kept (drop it with: dropdb {name})." in result.output
        assert "audit_log" in _tables(given)

        result = _check(source["app"], dump, "--scratch-url", given)
        assert result.exit_code == 1
        assert f"Backup check FAILED: scratch database {name} is not empty" in result.output
        assert "audit_log" in _tables(given)  # neither dropped nor emptied

        result = _check(source["app"], dump, "--scratch-url", source["url"])
        assert result.exit_code == 1
        assert "--scratch-url names the live database" in result.output
    finally:
        _drop(engine, name)


def test_a_missing_or_older_pg_restore_is_named(source, dump, tmp_path, monkeypatch):
    real = _need("pg_restore")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    monkeypatch.setenv("PATH", str(bin_dir))
    result = _check(source["app"], dump, tools=False)
    assert result.exit_code == 1
    assert "Backup check FAILED: pg_restore is not on PATH" in result.output

    fake = bin_dir / "pg_restore"
    fake.write_text(
        '#!/bin/sh\nif [ "$1" = --version ]; then echo "pg_restore (PostgreSQL) 9.6.24"; exit 0; fi\n'
        f'exec {real} "$@"\n'
    )
    fake.chmod(0o755)
    result = _check(source["app"], dump, tools=False)
    assert result.exit_code == 1
    assert re.search(r"Backup check FAILED: pg_restore 9 is older than the pg_dump \d+", result.output)


def _run_backup_sh(
    database_url: str, backup_dir: Path, tmp_path: Path, *, bin_dir: Path | None = None
) -> subprocess.CompletedProcess:
    """deploy/backup.sh with a production-like environment; `bin_dir`: fake tools first."""
    if bin_dir is None:
        _need("pg_dump")
        _need("pg_restore")
    env = {
        "PATH": f"{bin_dir}:{os.environ['PATH']}" if bin_dir else os.environ["PATH"],
        "HOME": str(tmp_path),
        "LANG": "C.UTF-8",
        # As in production: the app refuses to start without these (Redis is never contacted).
        "APP_ENV": "production",
        "SECRET_KEY": "k" * 40,
        "PUBLIC_URL": "https://konsultasi.example",
        "REDIS_URL": "redis://127.0.0.1:1/0",
        "DATABASE_URL": make_url(database_url).set(drivername="postgresql").render_as_string(False),
        "UPLOAD_DIR": str(tmp_path / "uploads"),
        "BACKUP_DIR": str(backup_dir),
        "BACKUP_KEEP_DAYS": "3",
        "APP_DIR": str(ROOT),
        "PYTHON": sys.executable,
        "FLASK": str(Path(sys.executable).with_name("flask")),
    }
    return subprocess.run(
        ["sh", str(ROOT / "deploy" / "backup.sh")], env=env, capture_output=True, text=True, timeout=120
    )


def _aged(path: Path, days: float) -> Path:
    path.write_bytes(b"old")
    then = time.time() - days * 86400
    os.utime(path, (then, then))
    return path


def test_backup_sh_dumps_checks_and_prunes(server, source, tmp_path):
    backup_dir = tmp_path / "backups"
    backup_dir.mkdir()
    old = _aged(backup_dir / "konsultasi-20260101-0230.dump", 4)
    recent = _aged(backup_dir / "konsultasi-20260104-0230.dump", 2)
    other = _aged(backup_dir / "notes.txt", 30)
    result = _run_backup_sh(source["url"], backup_dir, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Backup check passed." in result.stdout
    assert f"backup: removed {old}" in result.stdout
    made = sorted(set(backup_dir.iterdir()) - {recent, other})
    assert len(made) == 1 and re.fullmatch(r"konsultasi-\d{8}-\d{4}\.dump", made[0].name), made
    assert made[0].read_bytes().startswith(b"PGDMP")
    assert stat.S_IMODE(made[0].stat().st_mode) == 0o600  # personal data: the service user's only
    assert recent.exists() and other.exists() and not old.exists()
    assert _databases(server[0], f"{source['name']}_check_") == []


def test_backup_sh_fails_on_a_broken_chain_and_prunes_nothing(server, source, tmp_path):
    engine, base = server
    name = f"{source['name']}_broken"
    _recreate(engine, name, template=source["name"])
    try:
        broken = create_engine(_url(base, name))
        with broken.begin() as conn:
            conn.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only"))
            conn.execute(text("DELETE FROM audit_log WHERE seq = 1"))
            conn.execute(text("ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only"))
        broken.dispose()
        backup_dir = tmp_path / "backups"
        backup_dir.mkdir()
        old = _aged(backup_dir / "konsultasi-20260101-0230.dump", 10)
        result = _run_backup_sh(_url(base, name), backup_dir, tmp_path)
    finally:
        _drop(engine, name)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Backup check FAILED: audit chain broken" in result.stderr
    assert "seq 1..1 missing" in result.stderr
    assert "FAILED (dump kept, older dumps not removed)" in result.stderr
    assert old.exists()
    assert len(list(backup_dir.glob("konsultasi-*.dump"))) == 2
    assert not list(backup_dir.glob(".*.partial"))


SECRET_URL = "postgresql+psycopg://app:s%40cret%20pw@db.invalid:5433/konsultasi?sslmode=require"


def test_the_password_stays_off_the_command_line():
    target, env = backup.libpq(make_url(SECRET_URL))
    assert target == "postgresql://app@db.invalid:5433/konsultasi?sslmode=require"
    assert env["PGPASSWORD"] == "s@cret pw"


def test_backup_sh_passes_the_password_aside_and_leaves_no_partial_dump(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    seen = tmp_path / "seen"
    fake = bin_dir / "pg_dump"
    # Writes part of its file, records what it was given, then fails (a dropped connection).
    fake.write_text(
        "#!/bin/sh\n"
        'for a; do case $a in --file=*) echo part > "${a#--file=}" ;; esac; done\n'
        f'printf "%s\\n" "$@" "PGPASSWORD=$PGPASSWORD" > {seen}\n'
        "echo 'pg_dump: error: connection to server lost' >&2\nexit 1\n"
    )
    fake.chmod(0o755)
    backup_dir = tmp_path / "backups"
    result = _run_backup_sh(SECRET_URL, backup_dir, tmp_path, bin_dir=bin_dir)
    assert result.returncode == 1
    assert "connection to server lost" in result.stderr
    *args, password = seen.read_text().splitlines()
    assert "postgresql://app@db.invalid:5433/konsultasi?sslmode=require" in args
    assert not any("cret" in arg for arg in args)
    assert password == "PGPASSWORD=s@cret pw"
    assert list(backup_dir.iterdir()) == []  # the partial file removed, nothing checked or pruned
