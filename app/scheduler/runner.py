"""The scheduler process: APScheduler runs app.scheduler.jobs.JOBS, stored in the database.

One process for the whole installation (`flask scheduler run`), never one per web worker.
On PostgreSQL it first takes a session-level advisory lock; a second process waits, retrying,
and takes over when the first stops or dies (its connection closes and the lock goes with it).
A process whose lock connection drops (a database restart, a failover, a cut network) runs no
further job: each job first checks the lock, and within LOCK_CHECK_SECONDS the process stops
its scheduler and waits for the lock again, reconnecting, so that the installation always has
one running scheduler and never two. A database that does not answer is waited for.
On SQLite there is no such lock; the tasks' markers and the outbox's dedupe keys and claims
still keep every step and every email single, whatever runs at once.

On start every job is (re)stored with replace_existing and runs at once: a restart catches up
with whatever came due while the process was down.
"""

import logging
import os
import signal
import threading
import time
from datetime import UTC

from apscheduler.events import EVENT_SCHEDULER_STARTED
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError

from app.core.clock import now_utc
from app.extensions import db
from app.scheduler import jobs
from app.scheduler.models import PROCESS_BEAT, beat

log = logging.getLogger("konsultasi.scheduler")

JOBSTORE_TABLE = "apscheduler_jobs"
LOCK_KEY = 7_300_202_601  # pg advisory lock key (bigint) of the Konsultasi DJPK scheduler
LOCK_CHECK_SECONDS = 10
HEARTBEAT_SECONDS = 60
HELD = (
    "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted"
    " AND pid = pg_backend_pid())"
)

_app: Flask | None = None
_leadership: "Leadership | None" = None  # the running process's lock (PostgreSQL)


def run_job(job_id: str) -> None:
    """The entry point APScheduler stores (by reference) for every job: the task of `job_id`
    in the application context, with now_utc(). Skipped when this process has lost the lock:
    another one may be running the jobs already."""
    if _leadership is not None and not _leadership.held():
        log.warning("job %s skipped: this process no longer holds the scheduler lock", job_id)
        return
    app = _app
    if app is None:  # a stored job run by a scheduler this module did not build
        from app import create_app

        app = create_app()
    with app.app_context():
        jobs.job(job_id)(now_utc())
        beat(f"job:{job_id}", now_utc())  # ran to the end: /metrics shows when


def heartbeat() -> None:
    """The process's own beat, every minute: /readyz fails when it is older than 3 minutes."""
    app = _app
    if app is None:
        return
    with app.app_context():
        try:
            beat(PROCESS_BEAT, now_utc())
        except Exception:
            db.session.rollback()
            log.exception("the scheduler heartbeat was not stored")


def build_scheduler(app: Flask, scheduler_class: type[BaseScheduler] = BlockingScheduler) -> BaseScheduler:
    """A scheduler with the database job store of `app` (jobs not added yet: start())."""
    global _app
    _app = app
    with app.app_context():
        url = db.engine.url
    # An engine of its own: the store disposes of it when the scheduler shuts down.
    options = {"pool_pre_ping": True}
    if url.get_backend_name() == "sqlite":
        options["connect_args"] = {"timeout": 10}  # wait for the write lock, as the app does
    store = SQLAlchemyJobStore(
        url=url.render_as_string(hide_password=False), tablename=JOBSTORE_TABLE, engine_options=options
    )
    return scheduler_class(
        jobstores={
            "default": store,
            "local": MemoryJobStore(),  # this process's own checks, never shared
        },
        executors={"default": ThreadPoolExecutor(4)},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 60},
        timezone=UTC,
    )


def start(scheduler: BaseScheduler) -> None:
    """Store every job of JOBS (replacing the stored one, due at once), drop stored jobs no
    longer in JOBS, and start. A BlockingScheduler runs here until shut down."""
    now = now_utc()
    for j in jobs.JOBS:
        scheduler.add_job(
            run_job,
            "interval",
            args=[j.id],
            id=j.id,
            name=j.task,
            seconds=j.seconds,
            misfire_grace_time=j.misfire_grace_time,
            replace_existing=True,
            next_run_time=now,
            jobstore="default",
        )
    for store in scheduler._jobstores.values():  # no public accessor in APScheduler 3
        if isinstance(store, SQLAlchemyJobStore):
            _create_table(store)
    # The jobs above reach the store inside start(), before this event (and before any run).
    scheduler.add_listener(lambda _event: _drop_stale(scheduler), EVENT_SCHEDULER_STARTED)
    scheduler.start()


def stop(scheduler: BaseScheduler, wait: bool = True) -> None:
    """Shut down, then close the job store's connections for good: after a shutdown from
    another thread, APScheduler's loop reads the store once more, through the engine it had
    just disposed of, and that connection would otherwise stay open."""
    if scheduler.running:
        scheduler.shutdown(wait=wait)
    for store in scheduler._jobstores.values():  # no public accessor in APScheduler 3
        if isinstance(store, SQLAlchemyJobStore):
            store.engine.dispose()


def _create_table(store: SQLAlchemyJobStore) -> None:
    """Create the job table before the store does: two processes starting at once may both
    find it missing, and the loser's CREATE TABLE fails (the table is there all the same)."""
    try:
        store.jobs_t.create(store.engine, checkfirst=True)
    except DBAPIError:
        if not inspect(store.engine).has_table(store.jobs_t.name):
            raise


def _drop_stale(scheduler: BaseScheduler) -> None:
    wanted = {j.id for j in jobs.JOBS}
    for stored in scheduler.get_jobs(jobstore="default"):
        if stored.id not in wanted:
            log.info("removing the stored job %s (no longer in JOBS)", stored.id)
            stored.remove()


class Leadership:
    """The PostgreSQL advisory lock that makes one scheduler process the running one."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.connection: Connection | None = None
        self._using = threading.Lock()  # the jobs' threads and the lock check share the connection
        self.unreachable = False  # said once per outage

    @property
    def needed(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    def try_acquire(self) -> bool:
        if not self.needed:
            return True
        try:
            connection = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        except DBAPIError as exc:  # the database is away: try again at the next retry
            if not self.unreachable:
                name = type(exc.orig or exc).__name__
                log.warning("the scheduler cannot reach the database (%s); retrying", name)
            self.unreachable = True
            return False
        self.unreachable = False
        try:
            taken = connection.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": LOCK_KEY})
        except DBAPIError:
            connection.invalidate()
            connection.close()
            return False
        if taken:
            self.connection = connection
            return True
        connection.close()
        return False

    def held(self) -> bool:
        if not self.needed:
            return True
        with self._using:
            if self.connection is None:
                return False
            try:
                # On this connection's own backend: after a reconnect it would be a new one, without it.
                return bool(self.connection.scalar(text(HELD)))
            except Exception:
                return False

    def release(self) -> None:
        with self._using:
            connection, self.connection = self.connection, None
        if connection is None:
            return
        try:
            connection.scalar(text("SELECT pg_advisory_unlock(:key)"), {"key": LOCK_KEY})
        except Exception:  # the connection is gone, and the lock with it
            log.debug("unlocking the scheduler lock failed", exc_info=True)
        finally:
            connection.invalidate()  # never back to the pool with the lock
            connection.close()


def run(app: Flask, *, lock_retry: float = 15.0) -> int:
    """`flask scheduler run`: wait for the lock (PostgreSQL), then run the jobs until stopped
    (SIGTERM, Ctrl-C). When the lock's connection is lost, stop running jobs and wait for the
    lock again. Returns the exit status."""
    global _leadership
    with app.app_context():
        engine = db.engine
    leadership = Leadership(engine)
    _exit_on_sigterm()
    try:
        while True:
            _acquire(leadership, lock_retry)
            _leadership = leadership if leadership.needed else None
            if not _run_jobs(app, leadership):
                return 0
            log.error("the scheduler lock was lost (database connection closed); waiting to take it again")
            _leadership = None
            leadership.release()
    except (KeyboardInterrupt, SystemExit):
        return 0
    finally:
        _leadership = None
        leadership.release()


def _acquire(leadership: "Leadership", lock_retry: float) -> None:
    waiting = False
    while not leadership.try_acquire():
        if not waiting:
            log.info("another scheduler process holds the lock; retrying every %s s", lock_retry)
            waiting = True
        time.sleep(lock_retry)


def _run_jobs(app: Flask, leadership: "Leadership") -> bool:
    """Run the jobs until the scheduler stops; whether it stopped because the lock was lost."""
    log.info("scheduler running in process %s (%s jobs)", os.getpid(), len(jobs.JOBS))
    scheduler = build_scheduler(app)
    lost = threading.Event()
    if leadership.needed:
        scheduler.add_job(
            _check_lock,
            "interval",
            args=[scheduler, leadership, lost],
            id="lock-check",
            seconds=LOCK_CHECK_SECONDS,
            jobstore="local",
        )
    scheduler.add_job(
        heartbeat,
        "interval",
        id="heartbeat",
        seconds=HEARTBEAT_SECONDS,
        next_run_time=now_utc(),
        jobstore="local",
    )
    try:
        start(scheduler)
    finally:
        stop(scheduler)
    return lost.is_set()


def _check_lock(scheduler: BaseScheduler, leadership: Leadership, lost: threading.Event) -> None:
    """Another process may take the lock once our connection is gone: stop running jobs."""
    if not leadership.held():
        lost.set()
        scheduler.shutdown(wait=False)


def _exit_on_sigterm() -> None:
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _stop)


def _stop(signum, frame) -> None:
    raise SystemExit(0)  # leaves start() through the finally blocks of run()
