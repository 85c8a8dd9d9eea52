"""Redis, the rate limits' storage, fails under a production server and comes back.

One production gunicorn server (2 workers) on PostgreSQL, with a redis-server of the test's own
(Debian's package, on its own port). Operators log in, open their dashboard, change their
language and log out, four at a time, the whole run long, while Redis goes through five
phases: up; hung (SIGSTOP: connections are accepted and never answered); resumed; stopped
(connections refused); started again, empty, on the same port.

Throughout: no response is a 500 (or any 5xx), none waits for more than a few seconds, and
the login limit holds. In each phase twelve wrong passwords come from an address of their own:
with Redis, exactly ten are judged and two refused (429); without it, every worker allows its
share in its own memory (LOGIN_LIMIT / 2), so never more than ten are judged and at least two
are refused. When Redis answers again the workers go back to it by themselves (each logs the
switch both ways once), within the fallback's 32-second recheck. The figures are printed and
written to artifacts/redis-outage.json.
"""

import json
import os
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from tests.machine import missing
from tests.outbox.conftest import SmtpServer
from tests.production.cluster import (
    PEMDA_EMAIL,
    PUBLIC_HOST,
    ROOT,
    Browser,
    PrivateRedis,
    ScratchDatabase,
    Target,
    WebServer,
    hidden,
    production_env,
    redis_answers,
    set_up,
)
from tests.production.traffic import Traffic

pytestmark = pytest.mark.postgres

PEMDA_PASSWORD = "redis-pergi-2026"
FIGURES = ROOT / "artifacts" / "redis-outage.json"
WRONG_LOGINS = 12  # LOGIN_LIMIT is 10 per 5 minutes
PHASE_SECONDS = 6
RECOVERY_DEADLINE = 90  # the fallback asks Redis again after 1, 2, 4, ... 32 seconds
OFFICE = "10.1.0.1"  # where the operators work from
FELL_BACK = "Rate limit storage unreachable"
RECOVERED = "Rate limit storage recovered"


@dataclass
class Stack:
    server: WebServer
    redis: PrivateRedis
    database: ScratchDatabase
    folder: Path

    def target(self, address: str = OFFICE) -> Target:
        return Target.direct(self.server, address)

    def log_count(self, text: str) -> int:
        return self.server.text().count(text)


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    base_url = os.environ.get("TEST_DATABASE_URL")
    if not base_url:
        missing("needs PostgreSQL: set TEST_DATABASE_URL")
    folder = tmp_path_factory.mktemp("redis-outage")
    redis_server = PrivateRedis(folder / "redis")
    database = ScratchDatabase(base_url, "_redis_outage")
    database.create()
    smtp = SmtpServer()
    smtp.start()
    server = None
    try:
        env = production_env(database.url, redis_server.url, smtp.port, folder / "setup")
        set_up(env, PEMDA_PASSWORD)
        server = WebServer("web", env, folder / "web")
        server.wait_ready()
        yield Stack(server, redis_server, database, folder)
    finally:
        if server is not None:
            server.stop()
        smtp.stop()
        redis_server.stop()
        database.drop()


def wrong_logins(stack: Stack, address: str) -> Counter:
    """WRONG_LOGINS wrong passwords for the operator's account from `address`, each from a
    fresh login page: statuses counted (200: judged and refused as wrong; 429: limited)."""
    seen = Counter()
    for _ in range(WRONG_LOGINS):
        browser = Browser(user_agent="redis-outage-guesser")
        try:
            target = stack.target(address)
            page = browser.get(target, "/masuk")
            data = {
                "email": PEMDA_EMAIL,
                "password": "salah-tebak",
                "csrf_token": hidden(page.text, "csrf_token"),
            }
            seen[browser.post(target, "/masuk", data=data).status_code] += 1
        finally:
            browser.close()
    return seen


def readiness(stack: Stack) -> tuple[str, list[str]]:
    """/readyz's verdict on Redis, and the checks that fail (this test runs no scheduler, so
    its heartbeat fails: Redis must not be among them)."""
    response = requests.get(
        f"http://{stack.server.address}/readyz", headers={"Host": PUBLIC_HOST}, timeout=10
    )
    checks = response.json()["checks"]
    return checks["redis"]["status"], sorted(
        name for name, check in checks.items() if check["status"] == "fail"
    )


def wait_for_recovery(stack: Stack) -> float:
    """Seconds until every worker that fell back has gone back to Redis (traffic running)."""
    started = time.monotonic()
    while stack.log_count(RECOVERED) < stack.log_count(FELL_BACK):
        if time.monotonic() - started > RECOVERY_DEADLINE:
            pytest.fail(f"the workers did not go back to Redis within {RECOVERY_DEADLINE} s")
        time.sleep(0.5)  # waiting for other processes: nothing to freeze
    return time.monotonic() - started


def test_logins_and_forms_go_on_while_redis_fails_and_limits_hold(stack):
    traffic = Traffic(stack.target, PEMDA_EMAIL, PEMDA_PASSWORD)
    bursts: dict[str, Counter] = {}
    recovery: dict[str, float] = {}
    ready: dict[str, tuple[str, list[str]]] = {}
    traffic.start()
    try:
        time.sleep(PHASE_SECONDS)  # real processes: the phase is a stretch of real traffic
        bursts["up"] = wrong_logins(stack, "10.2.1.1")

        traffic.phase = "hung"
        stack.redis.pause()
        time.sleep(PHASE_SECONDS)
        bursts["hung"] = wrong_logins(stack, "10.2.2.1")
        ready["hung"] = readiness(stack)

        traffic.phase = "resumed"
        stack.redis.resume()
        recovery["resumed"] = wait_for_recovery(stack)
        bursts["resumed"] = wrong_logins(stack, "10.2.3.1")

        traffic.phase = "stopped"
        stack.redis.stop()
        assert not redis_answers(stack.redis.url)
        time.sleep(PHASE_SECONDS)
        bursts["stopped"] = wrong_logins(stack, "10.2.4.1")
        ready["stopped"] = readiness(stack)

        traffic.phase = "restarted"
        stack.redis.start()
        recovery["restarted"] = wait_for_recovery(stack)
        bursts["restarted"] = wrong_logins(stack, "10.2.5.1")
        time.sleep(PHASE_SECONDS / 2)
    finally:
        traffic.stop()

    figures = {
        **traffic.figures(),
        "wrong_logins": {phase: dict(seen) for phase, seen in bursts.items()},
        "recovery_seconds": {phase: round(s, 1) for phase, s in recovery.items()},
        "readyz_while_down": ready,
        "fallback_logged": stack.log_count(FELL_BACK),
        "recovery_logged": stack.log_count(RECOVERED),
    }
    FIGURES.parent.mkdir(exist_ok=True)
    FIGURES.write_text(json.dumps(figures, indent=2))
    print("\nRedis outage under traffic:", json.dumps(figures))

    assert figures["server_errors"] == 0 and figures["refused_503"] == 0, figures
    for phase in ("up", "hung", "resumed", "stopped", "restarted"):
        seen = traffic.statuses.get(phase, Counter())
        assert seen[302] > 0 and seen[200] > 0, (phase, figures)  # logins and pages went on
        assert set(seen) <= {200, 302}, (phase, figures)
    assert traffic.slowest < 5, figures
    # Shared counts in Redis: exactly the limit. In each worker's memory: its share, so never more.
    for phase in ("up", "resumed", "restarted"):
        assert bursts[phase] == Counter({200: 10, 429: 2}), figures
    for phase in ("hung", "stopped"):
        assert bursts[phase][200] <= 10 and bursts[phase][429] >= 2, figures
        assert set(bursts[phase]) <= {200, 429}, figures
    assert ready == {"hung": ("degraded", ["scheduler"]), "stopped": ("degraded", ["scheduler"])}, figures
    # Each worker logs each switch once: two outages, two workers.
    assert (
        1 <= figures["fallback_logged"] <= 4 and figures["recovery_logged"] == figures["fallback_logged"]
    ), figures
