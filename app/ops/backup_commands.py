"""`flask backup check FILE`: restore a dump into a scratch database and report what it holds.

Prints the dump's schema revision against the code's, the row count of every table, the
newest activity it holds (how fresh the backup is) and the audit chain's verdict with its
last hash (compare it with the one kept elsewhere). Exit status 0 when the restore succeeded
and the chain verifies, 1 otherwise, naming what failed. The scratch database is dropped
afterwards unless --keep. Output in English, for the operator, like the other commands.
"""

import time
from datetime import UTC, datetime

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy.engine import make_url

from app.core.clock import WIB
from app.extensions import db
from app.ops import backup
from app.ops.checks import migrations_head

backup_cli = AppGroup("backup", help="Backups of the database (pg_dump).")


@backup_cli.command("check")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option(
    "--scratch-url",
    help="Restore into this database (created when missing, else it must be empty) instead of"
    " a new one named <database>_check_<random> on the server of DATABASE_URL.",
)
@click.option("--keep", is_flag=True, help="Leave the scratch database in place afterwards.")
def check_command(file: str, scratch_url: str | None, keep: bool) -> None:
    """Restore FILE (pg_dump -Fc, or plain SQL) into a scratch database and check it."""
    try:
        problems = run_check(file, scratch_url, keep)
    except backup.CheckFailed as exc:
        problems = [str(exc)]
    if problems:
        for problem in problems:
            click.echo(f"Backup check FAILED: {problem}", err=True)
        raise SystemExit(1)
    click.echo("Backup check passed.")


def run_check(file: str, scratch_url: str | None, keep: bool) -> list[str]:
    """Prints the report; returns what failed (empty: the backup is good)."""
    live = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    if live.get_backend_name() != "postgresql":
        raise backup.CheckFailed("the check needs PostgreSQL: DATABASE_URL is not a PostgreSQL database")
    dump = backup.open_dump(file)
    tool = backup.client_tool("pg_restore" if dump.kind == backup.CUSTOM else "psql")
    version = backup.dumped_by(dump, tool)
    backup.check_tool_version(tool, version)
    click.echo(
        f"Dump: {dump.path} ({dump.kind} format, pg_dump {version or 'version unknown'}, "
        f"{_size(dump.size)}, written {_when(datetime.fromtimestamp(dump.modified, UTC))})"
    )
    expected = {t.name for t in db.metadata.sorted_tables}
    with backup.scratch_database(live, make_url(scratch_url) if scratch_url else None, keep=keep) as scratch:
        url = scratch.url
        click.echo(f"Restoring into scratch database {url.database} ...")
        started = time.monotonic()
        backup.restore(dump, tool, url)
        click.echo(f"Restored in {time.monotonic() - started:.1f} s.")
        restored = backup.read_restored(url, expected)
        _report(restored)
    if keep:
        click.echo(f"Scratch database {url.database} kept (drop it with: dropdb {url.database}).")
    else:
        click.echo(f"Scratch database {url.database} {'removed' if scratch.created else 'emptied'}.")
    if restored.chain_error:
        return [restored.chain_error]
    if not restored.verdict.ok:
        return [f"audit chain broken: {restored.verdict.message}"]
    return []


def _report(restored: backup.Restored) -> None:
    head = migrations_head()
    if restored.revision is None:
        click.echo("WARNING: no alembic_version in the dump: its schema was not made by the migrations.")
    elif restored.revision != head:
        click.echo(
            f"WARNING: schema revision {restored.revision} differs from the code's {head}: "
            "run `flask db upgrade` on a database restored from it."
        )
    else:
        click.echo(f"Schema revision: {restored.revision} (the code's head)")
    for name in restored.missing_tables:
        click.echo(f"WARNING: table {name} of the code is not in the dump.")
    click.echo(f"Rows ({len(restored.counts)} tables):")
    width = max((len(name) for name in restored.counts), default=0)
    digits = max((len(f"{n:,}") for n in restored.counts.values()), default=0)
    for name, count in restored.counts.items():
        click.echo(f"  {name:<{width}}  {count:>{digits},}")
    label_width = max(len(label) for label, _ in restored.facts)
    for label, at in restored.facts:
        click.echo(f"{label.capitalize():<{label_width}}  {_when(at) if at else 'n/a'}")
    verdict = restored.verdict
    if verdict is not None and verdict.ok:
        click.echo(f"Audit chain: {verdict.message}; last hash {verdict.last_hash}")
    elif verdict is not None:
        click.echo(f"Audit chain: BROKEN, {verdict.message}")


def _when(at: datetime) -> str:
    at = at.astimezone(UTC)
    return f"{at:%Y-%m-%d %H:%M} UTC ({at.astimezone(WIB):%Y-%m-%d %H:%M} WIB)"


def _size(size: int) -> str:
    value = float(size)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"  # pragma: no cover
