"""Two production gunicorn servers, each with its own instance folder, on one PostgreSQL
database and one Redis, behind Debian's nginx with the site file of deploy/nginx/konsultasi.conf
(tests/production/nginx.py) balancing between them.

What one server does the other sees: a Pemda's letter uploaded through one downloads byte for
byte through the other; a session started on one works (and ends) on the other; the 11th
failed login is refused whichever server gets it (the limits live in Redis). With one server
killed mid-traffic nginx keeps answering from the other: the figures (requests sent,
answered, failed) are printed and written to artifacts/two-servers.json. Of two scheduler
processes on the same database only the one holding the advisory lock runs jobs; the other
takes over when it dies.

Real processes cannot share a frozen clock: the session asked for is computed from the real
date with the policy's own working-day rules, and the test polls with deadlines.
"""

import json
import os
import re
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests

from app.scheduler import jobs
from app.scheduler.runner import LOCK_KEY
from tests.files import PDF
from tests.machine import missing
from tests.outbox.conftest import SmtpServer
from tests.production.cluster import (
    PEMDA_EMAIL,
    ROOT,
    TEST_REDIS_URL,
    Browser,
    PrivateRedis,
    ScratchDatabase,
    Target,
    WebServer,
    flush_redis,
    hidden,
    production_env,
    redis_answers,
    request_form,
    set_up,
)
from tests.production.nginx import Nginx, nginx_binary, start_nginx
from tests.scheduler.test_processes import Scheduler, _until

pytestmark = pytest.mark.postgres

PEMDA_NAME = "Operator Brebes Dua Server"
PEMDA_PASSWORD = "surat-dua-server-2026"
FIGURES = ROOT / "artifacts" / "two-servers.json"


@dataclass
class Cluster:
    database: ScratchDatabase
    env: dict
    servers: dict[str, WebServer]
    nginx: Nginx
    smtp: SmtpServer
    folder: Path

    def direct(self, name: str, client_address: str = "127.0.0.1") -> Target:
        return Target.direct(self.servers[name], client_address)

    @property
    def via_nginx(self) -> Target:
        return Target.via_nginx(self.nginx.https_port, str(self.nginx.certificate))


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    """TEST_REDIS_URL (its database flushed before and after), else a private redis-server."""
    if TEST_REDIS_URL:
        if not redis_answers(TEST_REDIS_URL):
            missing(f"Redis at TEST_REDIS_URL ({TEST_REDIS_URL}) does not answer")
        flush_redis(TEST_REDIS_URL)
        yield TEST_REDIS_URL
        flush_redis(TEST_REDIS_URL)
        return
    server = PrivateRedis(tmp_path_factory.mktemp("redis"))
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory, redis_url):
    base_url = os.environ.get("TEST_DATABASE_URL")
    if not base_url:
        missing("needs PostgreSQL: set TEST_DATABASE_URL")
    nginx_binary()  # fails under CI without nginx
    folder = tmp_path_factory.mktemp("two-servers")
    database = ScratchDatabase(base_url)
    database.create()
    smtp = SmtpServer()
    smtp.start()
    servers: dict[str, WebServer] = {}
    nginx = None
    try:
        env = production_env(database.url, redis_url, smtp.port, folder / "setup")
        set_up(env, PEMDA_PASSWORD, PEMDA_NAME)
        servers = {name: WebServer(name, env, folder / name) for name in ("a", "b")}
        for server in servers.values():
            server.wait_ready()
        nginx = start_nginx(folder, [server.address for server in servers.values()])
        yield Cluster(database, env, servers, nginx, smtp, folder)
    finally:
        if nginx is not None:
            nginx.stop()
        for server in servers.values():
            server.stop()
        smtp.stop()
        database.drop()


@pytest.fixture
def browsers():
    """A factory of Browsers, each closed after the test (an open TLS socket is an error)."""
    made: list[Browser] = []

    def make() -> Browser:
        made.append(Browser())
        return made[-1]

    yield make
    for one in made:
        one.close()


def test_a_letter_uploaded_through_one_server_downloads_through_the_other(cluster, browsers):
    a, b = cluster.direct("a"), cluster.direct("b")
    browser = browsers()
    assert browser.login(a, a, PEMDA_EMAIL, PEMDA_PASSWORD).status_code == 302
    page = browser.get(a, "/permohonan/baru")
    assert page.status_code == 200
    upload = {"letter_file": ("surat permohonan.pdf", PDF, "application/pdf")}
    sent = browser.post(a, "/permohonan/baru", data=request_form(page.text), files=upload)
    assert sent.status_code == 302, re.findall(r'class="invalid-feedback[^"]*"[^>]*>([^<]+)', sent.text)
    path = urlsplit(sent.headers["Location"]).path
    assert re.fullmatch(r"/permohonan/\d+", path), path

    through_a = browser.get(a, f"{path}/surat")
    assert through_a.status_code == 200 and through_a.content == PDF
    through_b = browser.get(b, f"{path}/surat")
    assert through_b.status_code == 200, f"server b answers {through_b.status_code} for the letter"
    assert through_b.content == PDF
    assert through_b.headers["Content-Type"] == "application/pdf"


def test_a_session_started_on_one_server_works_on_the_other(cluster, browsers):
    a, b = cluster.direct("a"), cluster.direct("b")
    browser = browsers()
    # The form (and its CSRF token, in the session cookie) from b, the password sent to a.
    assert browser.login(b, a, PEMDA_EMAIL, PEMDA_PASSWORD).status_code == 302
    for target in (b, a, cluster.via_nginx, cluster.via_nginx):
        page = browser.get(target, "/permohonan/")
        assert page.status_code == 200
        assert PEMDA_NAME in page.text
    # Logging out on b ends the session on a too (it lives in the database).
    assert browser.post(b, "/keluar", data={"csrf_token": hidden(page.text, "csrf_token")}).status_code == 302
    after = browser.get(a, "/permohonan/")
    assert after.status_code == 302 and urlsplit(after.headers["Location"]).path == "/masuk"


def test_the_eleventh_failed_login_is_refused_whichever_server_gets_it(cluster, browsers):
    # One address of its own (nginx's X-Forwarded-For hop), so loopback's count stays clean.
    address = "203.0.113.11"
    targets = [cluster.direct("a", address), cluster.direct("b", address)]
    browser = browsers()
    for attempt in range(10):  # alternating: page from one server, password to the other
        answer = browser.login(targets[attempt % 2], targets[(attempt + 1) % 2], PEMDA_EMAIL, "salah-sandi")
        assert answer.status_code == 200, f"attempt {attempt + 1}: {answer.status_code}"
    for target in targets:
        for password in ("salah-sandi", PEMDA_PASSWORD):  # now even the right one is refused
            refused = browser.login(target, target, PEMDA_EMAIL, password)
            assert refused.status_code == 429
            assert "Terlalu banyak percobaan" in refused.text
    # The owner, from another address, still logs in (per account and address).
    owner = browsers()
    other = cluster.direct("b", "198.51.100.7")
    assert owner.login(other, other, PEMDA_EMAIL, PEMDA_PASSWORD).status_code == 302


class ProductionScheduler(Scheduler):
    """tests/scheduler's process, with the web servers' production environment."""

    def __init__(self, env: dict, folder: Path, name: str):
        self._env = env
        super().__init__(None, None, folder, name)

    def environment(self, app, smtp, tmp_path) -> dict:
        return self._env

    def jobs_run(self) -> set[str]:
        """Ids of the JOBS this process ran to the end (APScheduler logs each run by task)."""
        done = [line for line in self.text().splitlines() if "executed successfully" in line]
        return {j.id for j in jobs.JOBS if any(f'"{j.task} (' in line for line in done)}


ALL_JOBS = {j.id for j in jobs.JOBS}


def _lock_holders(database: ScratchDatabase) -> int:
    """Backends of this database holding the scheduler's advisory lock."""
    return database.scalar(
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
        " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
        " AND ((classid::bigint << 32) | objid::bigint) = %(key)s",
        {"key": LOCK_KEY},
    )


def _process_beat(database: ScratchDatabase) -> datetime | None:
    rows = database.rows("SELECT beat_at FROM scheduler_beats WHERE name = 'process'")
    return rows[0][0] if rows else None


def test_only_the_scheduler_holding_the_lock_runs_jobs(cluster, browsers):
    env = dict(cluster.env, INSTANCE_DIR=str(cluster.folder / "scheduler" / "instance"))
    procs = [ProductionScheduler(env, cluster.folder, f"scheduler-{n}") for n in (1, 2)]
    try:
        _until(
            lambda: sum(p.running() for p in procs) == 1 and any(p.waiting() for p in procs),
            "the lock",
            procs,
        )
        leader = next(p for p in procs if p.running())
        other = next(p for p in procs if p is not leader)
        _until(lambda: leader.jobs_run() == ALL_JOBS, "every job's first run", procs)
        assert other.jobs_run() == set() and not other.running()
        assert _lock_holders(cluster.database) == 1
        beat = _process_beat(cluster.database)
        assert beat is not None  # one process row: the leader's heartbeat
        # The web servers see the scheduler alive through the shared database.
        ready = browsers().get(cluster.via_nginx, "/readyz")
        assert ready.json()["checks"]["scheduler"]["status"] == "ok", ready.text

        leader.process.send_signal(signal.SIGKILL)  # its connection, and the lock, go away
        leader.process.wait(timeout=30)
        _until(lambda: other.running() and other.jobs_run() == ALL_JOBS, "the takeover", [other])
        assert _lock_holders(cluster.database) == 1
        _until(
            lambda: (_process_beat(cluster.database) or beat) > beat, "the new leader's heartbeat", [other]
        )
        assert other.stop() == 0
    finally:
        for proc in procs:
            if proc.process.poll() is None:
                proc.process.kill()
                proc.process.wait(timeout=30)


TOTAL = 300
THREADS = 4
KILL_AFTER = 100


def test_with_one_server_killed_bounded_traffic_keeps_getting_answers(cluster, browsers):
    via = cluster.via_nginx
    login = browsers()
    assert login.login(via, via, PEMDA_EMAIL, PEMDA_PASSWORD).status_code == 302
    done = threading.Event()
    lock = threading.Lock()
    outcomes: list[int | str] = []
    local = threading.local()

    def one(_number: int) -> int | str:
        if not hasattr(local, "browser"):
            with lock:
                local.browser = browsers()
            local.browser.cookies = dict(login.cookies)
        try:
            outcome: int | str = local.browser.get(via, "/permohonan/", timeout=20).status_code
        except requests.RequestException as exc:
            outcome = type(exc).__name__
        with lock:
            outcomes.append(outcome)
            if len(outcomes) >= KILL_AFTER:
                done.set()
        return outcome

    a, b = cluster.servers["a"], cluster.servers["b"]
    before = {"a": a.served("requests.dashboard"), "b": b.served("requests.dashboard")}
    started = time.monotonic()
    try:
        with ThreadPoolExecutor(THREADS) as pool:
            results = pool.map(one, range(TOTAL))
            assert done.wait(timeout=120), "the traffic stalled before the kill"
            a.kill()  # master and workers, mid-traffic
            killed_at = len(outcomes)
            results = list(results)
        seconds = round(time.monotonic() - started, 2)
    finally:
        # The cluster is the module's: the tests after this one (in random order, any of
        # them) need server a again.
        if a.process.poll() is not None:
            a.restart()

    answered = sum(isinstance(r, int) and 200 <= r < 400 for r in results)
    failed = sum(not isinstance(r, int) or r >= 500 for r in results)
    figures = {
        "sent": TOTAL,
        "answered": answered,
        "failed": failed,
        "other": TOTAL - answered - failed,  # 4xx: neither answered nor a server failure
        "threads": THREADS,
        "killed_after": killed_at,
        # Answers each server's workers logged; one that a died before delivering is sent
        # again to b by nginx, and counted by both.
        "served_by_a": a.served("requests.dashboard") - before["a"],
        "served_by_b": b.served("requests.dashboard") - before["b"],
        "outcomes": {str(k): results.count(k) for k in sorted(set(results), key=str)},
        "seconds": seconds,
        "path": "GET /permohonan/ (logged in) through nginx, server a SIGKILLed",
    }
    print("\ntwo servers behind nginx, one killed:", json.dumps(figures))
    FIGURES.parent.mkdir(exist_ok=True)
    FIGURES.write_text(json.dumps(figures, indent=2) + "\n")
    assert figures["served_by_a"] > 0 and figures["served_by_b"] > 0, figures  # both had traffic
    assert failed == 0, f"{figures}\n{cluster.nginx.error_log[-3000:]}"
    assert answered == TOTAL, figures
