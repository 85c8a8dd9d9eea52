"""`flask invites export [--all] --out DIR`: the current invite of each session as a file."""

import click
from flask.cli import AppGroup

from app.invites import export

invites_cli = AppGroup("invites", help="Calendar invites (iCalendar) of consultation sessions.")


@invites_cli.command("export")
@click.option(
    "--all",
    "include_all",
    is_flag=True,
    help="Also held, no-show and cancelled sessions that had a time.",
)
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, writable=True),
    help="Target folder; one <booking code>.ics per session.",
)
def export_command(include_all: bool, out_dir: str) -> None:
    """Write DIR/<booking code>.ics for every scheduled or confirmed session."""
    written = export.export(out_dir, include_all=include_all)
    for path in written:
        click.echo(str(path))
    click.echo(f"{len(written)} invite(s) written to {out_dir}", err=True)
