"""`flask regions load`: load or refresh the canonical region list."""

import click
from flask.cli import AppGroup

from app.extensions import db
from app.regions.services import load_regions

regions_cli = AppGroup("regions", help="Region list (idn-area-data, ODbL).")


@regions_cli.command("load")
def load_command() -> None:
    """Load all provinces and regencies/cities; safe to run again."""
    added, updated = load_regions()
    db.session.commit()
    click.echo(f"regions: {added} added, {updated} updated")
