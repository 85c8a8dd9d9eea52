"""`flask scheduler run` (the one scheduler process) and `flask scheduler run-once [JOB]`."""

import logging

import click
from flask import current_app
from flask.cli import AppGroup

from app.core.clock import now_utc
from app.scheduler import jobs, runner

scheduler_cli = AppGroup("scheduler", help="The scheduler process and its jobs.")


@scheduler_cli.command("run")
@click.option(
    "--lock-retry",
    default=15.0,
    show_default=True,
    help="Seconds between two tries for the lock while another scheduler process runs.",
)
def run_command(lock_retry: float) -> None:
    """Run the jobs until stopped: one process per installation, never in web workers."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    raise SystemExit(runner.run(current_app._get_current_object(), lock_retry=lock_retry))


@scheduler_cli.command("run-once")
@click.argument("job_id", required=False, type=click.Choice([j.id for j in jobs.JOBS]))
def run_once_command(job_id: str | None) -> None:
    """Run every job (or JOB) once now, then exit: what is due and not yet done is done."""
    selected = [jobs.job(job_id)] if job_id else jobs.JOBS
    for job in selected:
        result = job(now_utc())
        click.echo(f"{job.id}: {result}")
