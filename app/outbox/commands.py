"""`flask outbox send`: deliver the due email once (what the scheduler's sender job runs)."""

import click
from flask.cli import AppGroup

from app.outbox.sender import deliver_pending

outbox_cli = AppGroup("outbox", help="The email outbox.")


@outbox_cli.command("send")
@click.option("--limit", default=50, show_default=True, help="Email per run, at most.")
def send_command(limit: int) -> None:
    """Deliver the email that is due now (pending, or retried after its backoff)."""
    sent = deliver_pending(limit=limit)
    click.echo(f"{sent} email sent.")
