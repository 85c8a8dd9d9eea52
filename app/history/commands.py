"""`flask import sessions FILE [--dry-run] [--alias "AS WRITTEN=REGION CODE" ...] [--keep-unresolved]`.

Prints what the file holds (and, with --dry-run, every row that would be imported), then a
summary and every problem with suggestions. Exit code 0 when the import (or the dry run) has
no problems, 1 when it has, 2 when the file cannot be read. Output is in Indonesian.
"""

import hashlib
import os

import click
from flask.cli import AppGroup
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.history import messages, reader, services, uploads
from app.history.plans import ImportPlan
from app.requests.labels import mode_label

import_cli = AppGroup("import", help="Import history from spreadsheets.")


def _echo_rows(plan: ImportPlan) -> None:
    for row in plan.to_add:
        topics = ", ".join(row.topic_codes)
        click.echo(
            "  "
            + _(
                "Baris %(row)s: %(mode)s, %(date)s, %(user)s, %(topics)s",
                row=row.row,
                mode=mode_label(row.mode),
                date=row.session_date.isoformat(),
                user=row.service_user,
                topics=topics,
            )
        )


def _echo_summary(plan: ImportPlan) -> None:
    click.echo(_("Baris dibaca: %(n)s", n=plan.rows_read))
    click.echo(_("Akan ditambahkan: %(n)s", n=len(plan.to_add)))
    click.echo(_("Sudah ada: %(n)s", n=len(plan.present)))
    kept = plan.kept
    click.echo(_("Disimpan sesuai tulisan (daerah tidak dikenali): %(n)s", n=sum(kept.values())))
    for name, count in sorted(kept.items()):
        click.echo("  " + _("%(name)s: %(n)s baris", name=name, n=count))
    click.echo(_("Masalah: %(n)s", n=len(plan.problems)))
    for problem in plan.problems:
        line = "  " + _(
            'Baris %(row)s, %(column)s "%(cell)s": %(message)s',
            row=problem.row,
            column=problem.column_label,
            cell=problem.cell,
            message=problem.message,
        )
        if problem.suggestions:
            line += " " + _("Saran: %(list)s", list="; ".join(s.label for s in problem.suggestions))
        click.echo(line)
    if plan.unresolved:
        click.echo(
            _(
                'Tambahkan alias dengan --alias "NAMA SESUAI TULISAN=KODE DAERAH", atau simpan nama '
                "sesuai tulisan dengan --keep-unresolved."
            )
        )


@import_cli.command("sessions")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--dry-run", is_flag=True, help="Show what would be imported and every problem; change nothing."
)
@click.option(
    "--alias",
    "aliases",
    multiple=True,
    metavar='"AS WRITTEN=REGION CODE"',
    help="Read a name as written as a region (kept for next time). Repeatable.",
)
@click.option("--keep-unresolved", is_flag=True, help="Import names that cannot be resolved as written.")
def sessions_command(file: str, dry_run: bool, aliases: tuple[str, ...], keep_unresolved: bool) -> None:
    """Import consultations held before the system from a CSV or XLSX FILE."""
    with force_locale("id"):
        raise SystemExit(_run(file, dry_run, aliases, keep_unresolved))


def _run(file: str, dry_run: bool, aliases: tuple[str, ...], keep_unresolved: bool) -> int:
    with open(file, "rb") as fh:
        content = fh.read()
    try:
        given = dict(services.parse_alias(a) for a in aliases)
        rows = uploads.rows_of(content)
        plan = services.plan(rows, given, keep_unresolved)
    except services.AliasRejected as error:
        click.echo(str(error), err=True)
        return 2
    except reader.ReadError as error:
        click.echo(messages.file_problem(error), err=True)
        return 2
    if dry_run:
        click.echo(_("Uji coba (tidak ada yang diubah): %(file)s", file=os.path.basename(file)))
        _echo_rows(plan)
    _echo_summary(plan)
    if not plan.ok:
        click.echo(_("Tidak ada yang diimpor: perbaiki masalah di atas lalu jalankan lagi."))
        return 1
    if dry_run:
        return 0
    sha256 = hashlib.sha256(content).hexdigest()
    try:
        services.apply(plan, filename=os.path.basename(file), sha256=sha256)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        click.echo(_("Tidak ada yang diimpor: sesi yang sama baru saja diimpor oleh proses lain."), err=True)
        return 1
    click.echo(_("Impor selesai: %(n)s sesi ditambahkan.", n=len(plan.to_add)))
    return 0
