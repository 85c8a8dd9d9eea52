"""`flask report monthly YYYY-MM --format json|csv|xlsx [--out FILE]`: the monthly report
from the command line (the same report as the coordinator's page; JSON fields in README)."""

import json
import sys

import click
from flask.cli import AppGroup

from app.extensions import db
from app.reports import exports
from app.reports.build import parse_month
from app.reports.snapshots import clear, monthly_report

report_cli = AppGroup("report", help="DJPK's monthly report.")


class MonthParam(click.ParamType):
    name = "YYYY-MM"

    def convert(self, value, param, ctx):
        try:
            return parse_month(value)
        except ValueError:
            self.fail(f"{value!r} is not a month; write it as YYYY-MM, e.g. 2023-04", param, ctx)


@report_cli.command("monthly")
@click.argument("month", type=MonthParam())
@click.option(
    "--format", "fmt", type=click.Choice(["json", "csv", "xlsx"]), default="json", show_default=True
)
@click.option("--out", "out", type=click.Path(dir_okay=False, writable=True), help="Write to FILE.")
def monthly_command(month, fmt: str, out: str | None) -> None:
    """Print (or write to FILE) the report of MONTH. XLSX needs --out, or is written as
    laporan-konsultasi-YYYY-MM.xlsx in the current folder."""
    report = monthly_report(month)
    db.session.commit()  # keeps the snapshot when one was built
    if fmt == "xlsx":
        path = out or exports.filename(report, "xlsx")
        with open(path, "wb") as fh:
            fh.write(exports.to_xlsx(report))
        click.echo(f"Written {path}", err=True)
        return
    body = (
        json.dumps(report.to_json(), ensure_ascii=False, indent=2) + "\n"
        if fmt == "json"
        else exports.to_csv(report)
    )
    if out:
        with open(out, "w", encoding="utf-8", newline="") as fh:
            fh.write(body)
        click.echo(f"Written {out}", err=True)
    else:
        click.echo(body.lstrip("\ufeff"), nl=False)
        sys.stdout.flush()


@report_cli.command("clear-snapshots")
def clear_snapshots_command() -> None:
    """Drop every stored report (each month is rebuilt on its next read). Needed only after data
    was changed in the database by hand, outside the application."""
    n = clear()
    db.session.commit()
    click.echo(f"Dropped {n} stored report(s).")
