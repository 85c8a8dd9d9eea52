"""Checking a backup by restoring it (`flask backup check`, app.ops.backup_commands).

A backup is a `pg_dump -Fc` file of the whole database (deploy/backup.sh makes one a day); a
plain SQL dump (`pg_dump --no-owner --no-privileges`) is accepted too. The check restores it
into a scratch database on the same server as DATABASE_URL with the PostgreSQL client tools
on PATH, reads what a restore would give back (schema revision, row counts, the newest
activity) and walks the audit chain of the restored rows with the same code as
`flask audit verify` (app.core.audit_chain). The live database is only used to issue CREATE
and DROP DATABASE for the scratch one: its data is never read or written.
"""

import os
import re
import secrets
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import create_engine, func, inspect, select, table, text
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from app.core import audit_chain

CUSTOM, PLAIN = "custom", "plain"
# Newest activity a restore gives back: (label, table, column); a missing one reads "n/a".
FACTS = (
    ("latest request submitted", "consultation_requests", "submitted_at"),
    ("latest session scheduled for", "consultation_requests", "scheduled_start"),
    ("latest login activity", "user_sessions", "last_seen_at"),
    ("latest audit row", "audit_log", "at"),
)
MAX_ERROR_LINES = 8


class CheckFailed(Exception):
    """The check cannot go on; the message says what failed, for the operator."""


@dataclass(frozen=True)
class Dump:
    path: str
    kind: str  # CUSTOM or PLAIN
    size: int
    modified: float


@dataclass
class Restored:
    """What the restored database holds."""

    revision: str | None
    counts: dict[str, int]
    facts: list[tuple[str, datetime | None]]
    verdict: audit_chain.Verdict | None = None
    chain_error: str | None = None
    missing_tables: list[str] = field(default_factory=list)


def open_dump(path: str) -> Dump:
    """The dump's format, from its first bytes: custom archives start with PGDMP."""
    try:
        with open(path, "rb") as file:
            head = file.read(4096)
        stat = os.stat(path)
    except OSError as exc:
        raise CheckFailed(f"cannot read {path}: {exc.strerror}") from exc
    if head.startswith(b"PGDMP"):
        return Dump(path, CUSTOM, stat.st_size, stat.st_mtime)
    if b"-- PostgreSQL database dump" in head:
        return Dump(path, PLAIN, stat.st_size, stat.st_mtime)
    raise CheckFailed(f"{path} is not a pg_dump file (neither a custom-format archive nor a plain SQL dump)")


def client_tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise CheckFailed(f"{name} is not on PATH: install the PostgreSQL client (postgresql-client)")
    return found


def _major(version_text: str) -> int | None:
    match = re.search(r"(\d+)(?:\.\d+)*", version_text)
    return int(match.group(1)) if match else None


def tool_major(tool: str) -> int | None:
    """15 for "pg_restore (PostgreSQL) 15.20 (Debian ...)"."""
    out = subprocess.run([tool, "--version"], capture_output=True, text=True, check=False).stdout
    return _major(out.split(")", 1)[-1])


def dumped_by(dump: Dump, tool: str) -> str | None:
    """The version of the pg_dump that made the file (refuses a file pg_restore cannot read)."""
    if dump.kind == PLAIN:
        with open(dump.path, "rb") as file:
            head = file.read(4096).decode("utf-8", "replace")
        match = re.search(r"^-- Dumped by pg_dump version (.+)$", head, re.MULTILINE)
        return match.group(1).strip() if match else None
    listing = subprocess.run([tool, "--list", dump.path], capture_output=True, text=True, check=False)
    if listing.returncode != 0:
        error = _last_lines(listing.stderr)
        if "unsupported version" in error:
            raise CheckFailed(
                f"{os.path.basename(tool)} is older than the pg_dump that made the file: {error}"
            )
        raise CheckFailed(f"pg_restore cannot read {dump.path}: {error}")
    match = re.search(r"Dumped by pg_dump version: (.+)$", listing.stdout, re.MULTILINE)
    return match.group(1).strip() if match else None


def check_tool_version(tool: str, dump_version: str | None) -> None:
    ours, theirs = tool_major(tool), _major(dump_version or "")
    if ours is not None and theirs is not None and ours < theirs:
        raise CheckFailed(
            f"{os.path.basename(tool)} {ours} is older than the pg_dump {dump_version} that made the"
            " file: install the PostgreSQL client of that version or newer"
        )


def _last_lines(output: str) -> str:
    lines = [line for line in output.strip().splitlines() if line.strip()]
    return "\n".join(lines[-MAX_ERROR_LINES:]) or "no message"


def libpq(url: URL) -> tuple[str, dict[str, str]]:
    """A URL the client tools understand, and the environment with its password (kept out of
    the command line, which other users of the machine can read)."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    # Not url.set(password=None), which keeps the password.
    target = URL.create("postgresql", url.username, None, url.host, url.port, url.database, query=url.query)
    return target.render_as_string(hide_password=False), env


def restore(dump: Dump, tool: str, url: URL) -> None:
    target, env = libpq(url)
    if dump.kind == CUSTOM:
        command = [tool, "--no-owner", "--no-privileges", "--exit-on-error", "-d", target, dump.path]
    else:
        command = [tool, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", target, "-f", dump.path]
    result = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if result.returncode != 0:
        name = os.path.basename(tool)
        raise CheckFailed(f"restore failed ({name} exit {result.returncode}): {_last_lines(result.stderr)}")


def _engine(url: URL, **options):
    return create_engine(url, poolclass=NullPool, **options)


def _same_database(a: URL, b: URL) -> bool:
    return (a.host or "", a.port or 5432, a.database) == (b.host or "", b.port or 5432, b.database)


@dataclass(frozen=True)
class Scratch:
    url: URL
    created: bool  # False: a --scratch-url database that existed (emptied, never dropped)


@contextmanager
def scratch_database(live: URL, given: URL | None = None, *, keep: bool = False) -> Iterator[Scratch]:
    """A new, empty database for the restore: `<live name>_check_<random>` on the live
    server, or `given`. Dropped afterwards unless `keep`; a `given` database that existed
    (it must then be empty) is emptied instead of dropped."""
    if given is None:
        url = live.set(database=f"{(live.database or 'konsultasi')[:40]}_check_{secrets.token_hex(4)}")
    else:
        url = make_url(given) if isinstance(given, str) else given
        if not url.drivername.startswith("postgresql"):
            raise CheckFailed("--scratch-url must be a PostgreSQL database")
        if _same_database(url, live):
            raise CheckFailed("--scratch-url names the live database: give another one")
        url = url.set(drivername=live.drivername)
    # Created from a connection to the live database (or, on another server, "postgres"):
    # CREATE and DROP DATABASE only, never a statement on its tables.
    admin_url = live if (url.host, url.port) == (live.host, live.port) else url.set(database="postgres")
    admin = _engine(admin_url, isolation_level="AUTOCOMMIT")
    name = url.database.replace('"', '""')
    created = was_empty = False
    try:
        with admin.connect() as conn:
            exists = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": url.database})
            if not exists:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
                created = True
        if not created:
            if _has_tables(url):
                raise CheckFailed(f"scratch database {url.database} is not empty: give an empty or new one")
            was_empty = True
        yield Scratch(url, created)
    except SQLAlchemyError as exc:
        message = _first_line(exc)
        if "permission denied to create database" in message:
            message += (
                " (grant CREATEDB to the database user, or give --scratch-url an empty database it owns)"
            )
        raise CheckFailed(f"scratch database {url.database}: {message}") from exc
    finally:
        try:
            if keep:
                pass
            elif created:
                with admin.connect() as conn:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            elif was_empty:  # only what the restore put there
                _empty(url)
        except SQLAlchemyError as exc:
            raise CheckFailed(f"scratch database {url.database} was not removed: {_first_line(exc)}") from exc
        finally:
            admin.dispose()


def _first_line(exc: Exception) -> str:
    return str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]


def _has_tables(url: URL) -> bool:
    engine = _engine(url)
    try:
        with engine.connect() as conn:
            return bool(inspect(conn).get_table_names(schema="public"))
    finally:
        engine.dispose()


def _empty(url: URL) -> None:
    engine = _engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    finally:
        engine.dispose()


def read_restored(url: URL, expected_tables: set[str]) -> Restored:
    """Revision, row counts, newest activity and the audit chain of the restored database."""
    engine = _engine(url)
    try:
        with engine.connect() as conn:
            names = sorted(inspect(conn).get_table_names(schema="public"))
            counts = {name: conn.scalar(select(func.count()).select_from(table(name))) for name in names}
            revision = None
            if "alembic_version" in names:
                revision = conn.scalar(text("SELECT version_num FROM alembic_version"))
            facts = [(label, _latest(conn, names, t, c)) for label, t, c in FACTS]
            restored = Restored(revision, counts, facts, missing_tables=sorted(expected_tables - set(names)))
            if "audit_log" not in names:
                restored.chain_error = "the dump has no audit_log table"
                return restored
            try:
                restored.verdict = audit_chain.verify(conn)
            except SQLAlchemyError as exc:
                restored.chain_error = f"the audit log could not be read: {_first_line(exc)}"
            return restored
    except SQLAlchemyError as exc:
        raise CheckFailed(f"the restored database could not be read: {_first_line(exc)}") from exc
    finally:
        engine.dispose()


def _latest(conn: Connection, names: list[str], table_name: str, column: str) -> datetime | None:
    if table_name not in names:
        return None
    columns = {c["name"] for c in inspect(conn).get_columns(table_name, schema="public")}
    if column not in columns:
        return None
    return conn.scalar(text(f'SELECT max("{column}") FROM "{table_name}"'))
