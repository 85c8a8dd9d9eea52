"""The scheduler itself: the registry of jobs, `flask scheduler run-once`, and a real
APScheduler with the database job store, stopped across a reminder's due time and restarted."""

import threading
from collections import Counter
from datetime import timedelta

import pytest
from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import inspect, text

from app.extensions import db
from app.scheduler import jobs, runner, tasks
from tests.outbox.conftest import production_delivery, smtp  # noqa: F401 (fixtures)
from tests.scheduler.helpers import REMINDER_DUE, outbox, recipients

KIND = "scheduling/reminder"


@pytest.fixture
def job_table(app):
    yield runner.JOBSTORE_TABLE
    runner._app = None
    with db.engine.begin() as conn:
        conn.execute(text(f"DROP TABLE IF EXISTS {runner.JOBSTORE_TABLE}"))


def _stored_ids() -> set[str]:
    with db.engine.connect() as conn:
        return set(conn.scalars(text(f"SELECT id FROM {runner.JOBSTORE_TABLE}")))


def _run_every_job_once(app) -> None:
    """Start a real scheduler on the database store, wait until each job ran, stop it."""
    scheduler = runner.build_scheduler(app, BackgroundScheduler)
    ran, errors, all_ran = set(), [], threading.Event()

    def listen(event):
        ran.add(event.job_id)
        if event.exception:
            errors.append(event.exception)
        if ran >= {j.id for j in jobs.JOBS}:
            all_ran.set()

    scheduler.add_listener(listen, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)
    runner.start(scheduler)
    try:
        assert all_ran.wait(timeout=60), f"jobs that ran: {ran}"
    finally:
        runner.stop(scheduler)
    assert errors == []


def test_the_registry_names_plain_functions_with_grace_times():
    assert [j.id for j in jobs.JOBS] == [
        "outbox",
        "confirmation_requests",
        "confirmation_deadlines",
        "reminders",
        "no_shows",
        "survey_requests",
        "monthly_report",
        "report_snapshots",
        "webhooks",
        "api_idempotency_cleanup",
    ]
    assert jobs.job("outbox").seconds == 60
    assert {j.seconds for j in jobs.JOBS[1:-2]} == {300}
    assert jobs.job("webhooks").seconds == 30 and jobs.job("api_idempotency_cleanup").seconds == 3600
    assert all(0 < j.misfire_grace_time <= j.seconds for j in jobs.JOBS)
    assert jobs.job("reminders").function() is tasks.send_reminders
    from app.checkin.tasks import mark_no_shows
    from app.reports.tasks import refresh_report_snapshots, send_monthly_report
    from app.satisfaction.tasks import send_survey_requests

    assert jobs.job("no_shows").function() is mark_no_shows
    assert jobs.job("survey_requests").function() is send_survey_requests
    assert jobs.job("monthly_report").function() is send_monthly_report
    assert jobs.job("report_snapshots").function() is refresh_report_snapshots
    from app.api.tasks import clean_idempotency_keys
    from app.webhooks.tasks import send_webhooks

    assert jobs.job("webhooks").function() is send_webhooks
    assert jobs.job("api_idempotency_cleanup").function() is clean_idempotency_keys
    with pytest.raises(KeyError):
        jobs.job("nope")


def test_run_once_runs_the_due_jobs_and_exits(app, clock, session_ftf):
    clock.move_to(REMINDER_DUE)
    result = app.test_cli_runner().invoke(args=["scheduler", "run-once", "reminders"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "reminders: 1"
    assert len(outbox(KIND)) == 5
    result = app.test_cli_runner().invoke(args=["scheduler", "run-once"])
    assert result.exit_code == 0, result.output
    assert "reminders: 0" in result.output and "outbox: 0" in result.output


def test_jobs_are_stored_in_the_database_and_stale_ones_dropped(app, clock, job_table, monkeypatch):
    retired = jobs.Job("retired", "app.scheduler.tasks:send_outbox", 60, 60)
    monkeypatch.setattr(jobs, "JOBS", [*jobs.JOBS, retired])
    _run_every_job_once(app)
    assert job_table in inspect(db.engine).get_table_names()
    assert _stored_ids() == {j.id for j in jobs.JOBS}
    monkeypatch.setattr(jobs, "JOBS", jobs.JOBS[:-1])
    _run_every_job_once(app)
    assert "retired" not in _stored_ids()
    assert _stored_ids() == {j.id for j in jobs.JOBS}


def test_stopped_across_the_reminder_and_restarted_sends_it_once(app, clock, session_ftf, smtp, job_table):  # noqa: F811
    clock.move_to(REMINDER_DUE - timedelta(hours=1))
    _run_every_job_once(app)
    assert outbox(KIND) == []

    clock.move_to(REMINDER_DUE + timedelta(hours=5))  # the scheduler was down meanwhile
    _run_every_job_once(app)
    _run_every_job_once(app)  # and once more: nothing new

    per_recipient = Counter(to for row in outbox(KIND) for to in row.recipients)
    assert len(per_recipient) == 5 and set(per_recipient.values()) == {1}
    delivered = Counter(
        to for r in smtp.received if r["message"]["Subject"].startswith("Pengingat") for to in r["to"]
    )
    assert delivered == per_recipient
    assert sorted(per_recipient) == recipients(KIND)


def test_the_sender_job_delivers_the_outbox(app, clock, session_ftf, smtp, production_delivery):  # noqa: F811
    clock.move_to(REMINDER_DUE)
    tasks.send_reminders()
    assert smtp.received == []
    assert tasks.send_outbox() == 5
    assert len(smtp.received) == 5


@pytest.mark.postgres
def test_one_process_holds_the_lock_until_its_connection_goes(app):
    first, second = runner.Leadership(db.engine), runner.Leadership(db.engine)
    try:
        assert first.try_acquire() and first.held()
        assert not second.try_acquire() and not second.held()
        pid = first.connection.scalar(text("SELECT pg_backend_pid()"))
        with db.engine.connect() as admin:  # the database drops the lock holder's connection
            admin.scalar(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        assert not first.held()
        assert second.try_acquire() and second.held()
    finally:
        first.release()
        second.release()


def test_the_lock_is_taken_on_postgresql_only(app):
    lock = runner.Leadership(db.engine)
    assert lock.needed == (db.engine.dialect.name == "postgresql")
    assert lock.try_acquire() and lock.held()
    lock.release()
    assert lock.held() == (not lock.needed)  # without PostgreSQL every process may run
