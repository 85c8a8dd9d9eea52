"""Registers the `flask` commands of every feature."""

from flask import Flask


def register(app: Flask) -> None:
    from app.api.commands import api_token_cli
    from app.auth.commands import users_cli
    from app.core.audit_commands import audit_cli
    from app.core.setup import setup_command
    from app.history.commands import import_cli
    from app.invites.commands import invites_cli
    from app.ops.backup_commands import backup_cli
    from app.outbox.commands import outbox_cli
    from app.regions.commands import regions_cli
    from app.reports.commands import report_cli
    from app.scheduler.commands import scheduler_cli
    from app.seed import seed_demo_command

    app.cli.add_command(api_token_cli)
    app.cli.add_command(audit_cli)
    app.cli.add_command(backup_cli)
    app.cli.add_command(import_cli)
    app.cli.add_command(invites_cli)
    app.cli.add_command(outbox_cli)
    app.cli.add_command(regions_cli)
    app.cli.add_command(scheduler_cli)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(setup_command)
    app.cli.add_command(users_cli)
    app.cli.add_command(report_cli)
