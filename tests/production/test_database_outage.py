"""PostgreSQL stops under a production server and comes back.

A PostgreSQL cluster of the test's own (Debian's `initdb` and `pg_ctl`, in a temporary folder,
on its own port, run as the postgres user) holds a database prepared by the real `flask setup`;
one production gunicorn server (2 workers) and a redis-server of the test's own serve it, and
a `flask scheduler run` process runs its jobs.
Operators log in, open their pages, save a form and log out, four at a time, while the
database is stopped (`pg_ctl stop -m fast`: open connections are cut) and, a few seconds
later, started again.

Throughout: no response is a 500 or a broken connection; while the database is away every
page that needs it answers 503 with the "briefly unavailable" page, within a few seconds, and
a login's 503 page says whether it was saved. After the restart the same gunicorn, never
restarted, answers again within seconds (its pool pings and reconnects), and the same
scheduler process takes its lock again and beats, so that /readyz is 200. Every login the
operators were told succeeded or was saved is in the database, and no other: the rows written
before and after the outage are all there. Figures: artifacts/database-outage.json.

The server's SMTP relay accepts connections and never says a word: a form that emails (the
password reset) answers at once all the same, its email waiting in the outbox for the
scheduler, whose sender gives up on such a relay after MAIL_TIMEOUT.
"""

import json
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
import requests

from tests.machine import free_port, missing
from tests.production.cluster import (
    PEMDA_EMAIL,
    PUBLIC_HOST,
    ROOT,
    Browser,
    PrivateRedis,
    Target,
    WebServer,
    hidden,
    production_env,
    set_up,
)
from tests.production.traffic import Traffic

pytestmark = pytest.mark.postgres

PEMDA_PASSWORD = "basis-data-pergi-2026"
FIGURES = ROOT / "artifacts" / "database-outage.json"
PHASE_SECONDS = 6
RECOVERY_DEADLINE = 30


def _postgres_bin() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    if not found:
        missing("PostgreSQL's server programs (initdb, pg_ctl) are not installed")
    return found[-1].parent


class OwnPostgres:
    """A PostgreSQL cluster in a folder of its own under the system's temporary folder (pytest's
    are closed to other users), on a free loopback port, trust authentication."""

    def __init__(self):
        self.bin = _postgres_bin()
        self.folder = Path(tempfile.mkdtemp(prefix="konsultasi-pg-"))
        self.data = self.folder / "data"
        self.port = free_port()
        self.log = self.folder / "postgres.log"
        self._owner = self._as_postgres()
        self._run(
            "initdb", "-D", str(self.data), "--auth=trust", "--username=postgres", "-E", "UTF8", "--no-sync"
        )
        self.start()

    def _as_postgres(self) -> list[str]:
        """initdb refuses to run as root: run it, and the server, as the postgres user."""
        if os.geteuid() != 0:
            return []
        try:
            user = pwd.getpwnam("postgres")
        except KeyError:
            missing("running as root without a postgres user to run the test's PostgreSQL")
        shutil.chown(self.folder, user.pw_uid, user.pw_gid)
        return ["runuser", "-u", "postgres", "--"]

    def _run(self, program: str, *args: str, timeout: float = 120) -> None:
        done = subprocess.run(
            [*self._owner, str(self.bin / program), *args],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        assert done.returncode == 0, f"{program} failed:\n{done.stdout}\n{done.stderr}\n{self._log_text()}"

    def _log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(
            "pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "-t", "60", "start"
        )

    def stop(self) -> None:
        """Fast shutdown: open connections are cut, as in a restart or a failover."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "-t", "60", "stop")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def destroy(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)


@dataclass
class Stack:
    server: WebServer
    postgres: OwnPostgres
    scheduler: subprocess.Popen
    scheduler_log: Path

    def scheduler_text(self) -> str:
        return self.scheduler_log.read_text(errors="replace")

    def target(self) -> Target:
        return Target.direct(self.server, "10.1.0.1")

    def scalar(self, sql: str):
        with psycopg.connect(self.postgres.url("konsultasi"), autocommit=True) as conn:
            return conn.execute(sql).fetchone()[0]


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    if not os.environ.get("TEST_DATABASE_URL"):
        missing("needs PostgreSQL: set TEST_DATABASE_URL")
    folder = tmp_path_factory.mktemp("database-outage")
    postgres = OwnPostgres()
    redis_server = PrivateRedis(folder / "redis")
    relay = socket.socket()  # listens, never accepts: connections wait for a greeting forever
    relay.bind(("127.0.0.1", 0))
    relay.listen(64)
    server = scheduler = None
    try:
        with psycopg.connect(postgres.url(), autocommit=True) as conn:
            conn.execute("CREATE DATABASE konsultasi")
        with psycopg.connect(postgres.url("konsultasi"), autocommit=True) as conn:
            conn.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
        env = production_env(
            postgres.url("konsultasi"), redis_server.url, relay.getsockname()[1], folder / "setup"
        )
        set_up(env, PEMDA_PASSWORD)
        server = WebServer("web", env, folder / "web")
        scheduler_log = folder / "scheduler.log"
        with open(scheduler_log, "wb") as out:
            scheduler = subprocess.Popen(
                [sys.executable, "-m", "flask", "--app", "wsgi", "scheduler", "run", "--lock-retry", "0.5"],
                cwd=ROOT,
                env={**env, "INSTANCE_DIR": str(folder / "scheduler")},
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        server.wait_ready()
        yield Stack(server, postgres, scheduler, scheduler_log)
    finally:
        if scheduler is not None:
            scheduler.terminate()
            scheduler.wait(timeout=60)
        if server is not None:
            server.stop()
        relay.close()
        redis_server.stop()
        postgres.destroy()


def _signed_in(stack: Stack) -> Browser:
    browser = Browser(user_agent="outage-watcher")
    response = browser.login(stack.target(), stack.target(), PEMDA_EMAIL, PEMDA_PASSWORD)
    assert response.status_code == 302, response.text
    return browser


def _ready(stack: Stack) -> tuple[int, dict]:
    response = requests.get(
        f"http://{stack.server.address}/readyz", headers={"Host": PUBLIC_HOST}, timeout=10
    )
    return response.status_code, response.json()


def _until(condition, what: str, stack: Stack, seconds: float = 60) -> float:
    started = time.monotonic()
    while not condition():
        assert stack.scheduler.poll() is None, f"the scheduler exited:\n{stack.scheduler_text()}"
        if time.monotonic() - started > seconds:
            pytest.fail(f"no {what} within {seconds} s:\n{stack.scheduler_text()[-5000:]}")
        time.sleep(0.2)  # waiting for other processes: nothing to freeze
    return time.monotonic() - started


def test_pages_answer_503_while_postgresql_is_down_and_work_again_without_a_restart(stack):
    _until(lambda: "scheduler running in process" in stack.scheduler_text(), "running scheduler", stack)
    _until(lambda: _ready(stack)[0] == 200, "ready /readyz", stack)
    watcher = _signed_in(stack)  # one session opened before the outage, used after it
    sessions_before = stack.scalar("SELECT count(*) FROM user_sessions")
    workers_before = stack.server.process.pid
    traffic = Traffic(stack.target, PEMDA_EMAIL, PEMDA_PASSWORD)
    traffic.start()
    try:
        time.sleep(PHASE_SECONDS)  # real processes: a phase is a stretch of real traffic

        traffic.phase = "down"
        stack.postgres.stop()
        time.sleep(PHASE_SECONDS)
        page = watcher.get(stack.target(), "/permohonan/")
        assert page.status_code == 503 and "Layanan sedang tidak tersedia" in page.text, page.text
        assert "Traceback" not in page.text

        traffic.phase = "back"
        stack.postgres.start()
        restarted = time.monotonic()
        while (page := watcher.get(stack.target(), "/permohonan/")).status_code != 200:
            assert page.status_code == 503, page.text
            if time.monotonic() - restarted > RECOVERY_DEADLINE:
                pytest.fail(f"no page answered within {RECOVERY_DEADLINE} s of the database's return")
            time.sleep(0.2)  # waiting for other processes: nothing to freeze
        recovery = time.monotonic() - restarted
        # The scheduler notices its lock connection is gone (LOCK_CHECK_SECONDS), waits for
        # the database, takes the lock again and beats.
        scheduler_back = _until(
            lambda: stack.scheduler_text().count("scheduler running in process") >= 2, "scheduler back", stack
        )
        scheduler_back += recovery
        time.sleep(PHASE_SECONDS)
    finally:
        traffic.stop()
        watcher.close()

    figures = traffic.figures()
    sessions_after = stack.scalar("SELECT count(*) FROM user_sessions")
    ready_after = _ready(stack)
    figures.update(
        recovery_seconds=round(recovery, 2),
        scheduler_back_seconds=round(scheduler_back, 1),
        sessions_before=sessions_before,
        sessions_after=sessions_after,
        readyz_after=ready_after[0],
    )
    FIGURES.parent.mkdir(exist_ok=True)
    FIGURES.write_text(json.dumps(figures, indent=2))
    print("\nPostgreSQL outage under traffic:", json.dumps(figures))

    assert figures["server_errors"] == 0, figures
    assert ready_after[0] == 200, ready_after
    assert stack.scheduler.poll() is None, stack.scheduler_text()
    assert stack.server.process.pid == workers_before and stack.server.process.poll() is None
    up, down, back = (traffic.statuses[p] for p in ("up", "down", "back"))
    assert up[302] > 0 and back[302] > 0 and down[503] > 0, figures
    assert set(down) <= {200, 302, 503}, figures
    assert traffic.slowest < 10, figures
    # Every login told "in" or "saved" is a row; an "unknown" one may be; a "not saved" is not.
    made = sessions_after - sessions_before
    certain = traffic.logins["in"] + traffic.logins["saved"]
    assert certain <= made <= certain + traffic.logins["unknown"], figures


def test_a_relay_that_never_answers_holds_no_web_request(stack):
    browser = Browser(user_agent="forgetful-operator")
    try:
        page = browser.get(stack.target(), "/lupa-kata-sandi")
        data = {"email": PEMDA_EMAIL, "csrf_token": hidden(page.text, "csrf_token")}
        started = time.monotonic()
        response = browser.post(stack.target(), "/lupa-kata-sandi", data=data)
        elapsed = time.monotonic() - started
    finally:
        browser.close()
    assert response.status_code == 302, response.text
    assert elapsed < 2, elapsed  # MAIL_TIMEOUT is 5: sending from the request would take longer
    pending = "SELECT count(*) FROM outbox_messages WHERE state = 'pending' AND kind = 'auth/reset_password'"
    assert stack.scalar(pending) == 1
