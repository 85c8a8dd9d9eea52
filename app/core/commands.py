"""Registers the `flask` commands of every feature."""

from flask import Flask


def register(app: Flask) -> None:
    from app.regions.commands import regions_cli
    from app.seed import seed_demo_command

    app.cli.add_command(regions_cli)
    app.cli.add_command(seed_demo_command)
