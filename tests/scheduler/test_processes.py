"""Real `flask scheduler run` processes against the test database, with a reminder due now.

Two at once send each email once: on PostgreSQL the second process waits on the advisory lock
(and takes over when the first dies); on SQLite both run and the markers keep every step
single. Time cannot be frozen across processes: the session is due in real time, and the
test polls the SMTP server and the processes' logs until a deadline.
"""

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest

from app.core.clock import now_utc
from app.domain.policy import Mode
from app.domain.states import RequestState
from app.extensions import db
from app.scheduling.booking import new_assignment
from tests import factories
from tests.outbox.conftest import SmtpServer
from tests.scheduling.factories import coordinator, narasumber

ROOT = Path(__file__).resolve().parents[2]
DEADLINE_SECONDS = 90
RAN_REMINDERS = "send_reminders"


def _due_now(tag: str, boss) -> list[str]:
    """A confirmed video conference starting in two hours: its reminder is due. Recipients."""
    start = (now_utc() + timedelta(hours=2)).replace(second=0, microsecond=0)
    owner = factories.pemda_user(factories.BREBES, name=f"Operator {tag}", email=f"operator@{tag}.go.id")
    req = factories.consultation(owner, mode=Mode.VC, state=RequestState.CONFIRMED)
    req.contact_email = f"kontak@{tag}.go.id"
    req.scheduled_start, req.scheduled_end = start, start + timedelta(hours=1)
    req.meeting_url = "https://meet.example/djpk"
    req.booking_code = f"{tag.upper():Z<10}"[:10]
    person = narasumber(f"Narasumber {tag}")
    new_assignment(req, person, boss, None, start=req.scheduled_start, end=req.scheduled_end)
    db.session.commit()
    return sorted([f"kontak@{tag}.go.id", f"operator@{tag}.go.id", person.user.email])


class Scheduler:
    """One `flask scheduler run` process, its log in a file."""

    @staticmethod
    def environment(app, smtp: SmtpServer, tmp_path: Path) -> dict:
        env = dict(os.environ)
        database = app.config["SQLALCHEMY_DATABASE_URI"]
        env.update(
            # Production refuses SQLite (app.core.startup): the SQLite pass runs development.
            APP_ENV="production" if database.startswith("postgresql") else "development",
            SECRET_KEY="scheduler-test-" + "k" * 32,
            PUBLIC_URL="https://konsultasi.djpk.kemenkeu.go.id",
            DATABASE_URL=database,
            INSTANCE_DIR=str(tmp_path / "instance"),
            UPLOAD_DIR=str(tmp_path / "uploads"),
            MAIL_SERVER="127.0.0.1",
            MAIL_PORT=str(smtp.port),
            MAIL_USE_TLS="0",
            MAIL_TO_LOG="0",
            MAIL_TIMEOUT="5",
            OUTBOX_DELIVER_AFTER_COMMIT="1",
            REDIS_URL="memory://",
        )
        return env

    def __init__(self, app, smtp: SmtpServer, tmp_path: Path, name: str):
        self.log = tmp_path / f"{name}.log"
        env = self.environment(app, smtp, tmp_path)
        # -X faulthandler: a process that does not stop is sent SIGABRT, which prints the stack
        # of every thread to its log (see stop()).
        command = [sys.executable, "-X", "faulthandler", "-m", "flask", "--app", "wsgi"]
        command += ["scheduler", "run", "--lock-retry", "0.5"]
        with open(self.log, "wb") as out:
            self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)

    def text(self) -> str:
        return self.log.read_text(errors="replace")

    def running(self) -> bool:
        return "scheduler running in process" in self.text()

    def waiting(self) -> bool:
        return "another scheduler process holds the lock" in self.text()

    def reminder_runs(self) -> int:
        return sum(
            RAN_REMINDERS in line and "executed successfully" in line for line in self.text().splitlines()
        )

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.send_signal(signal.SIGABRT)  # faulthandler: every thread's stack
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            pytest.fail(f"{self.log.name} did not stop within 30 s of SIGTERM:\n{self.text()}")


def _until(condition, what: str, procs) -> None:
    end = time.monotonic() + DEADLINE_SECONDS
    while not condition():
        for p in procs:
            assert p.process.poll() is None, f"{p.log.name} exited early:\n{p.text()}"
        if time.monotonic() > end:
            logs = "\n".join(f"--- {p.log.name}\n{p.text()}" for p in procs)
            pytest.fail(f"timed out waiting for {what}\n{logs}")
        time.sleep(0.2)  # polling another process: nothing to freeze here


def _reminders(smtp: SmtpServer) -> Counter:
    return Counter(
        to for r in smtp.received if str(r["message"]["Subject"]).startswith("Pengingat") for to in r["to"]
    )


@pytest.fixture
def smtp_server():
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def boss(app):
    user = coordinator(name="Koordinator Satu", email="koordinator@djpk.go.id")
    db.session.commit()
    return user


@pytest.fixture
def spawn(app, smtp_server, tmp_path):
    """Start scheduler processes; whatever a test leaves running is stopped after it."""
    started: list[Scheduler] = []

    def start(name: str) -> Scheduler:
        started.append(Scheduler(app, smtp_server, tmp_path, name))
        return started[-1]

    yield start
    for proc in started:
        if proc.process.poll() is None:
            proc.process.kill()
            proc.process.wait(timeout=30)


def _start_two(spawn):
    procs = [spawn(f"scheduler-{n}") for n in (1, 2)]
    if db.engine.dialect.name == "postgresql":  # one runs, the other waits on the lock
        _until(
            lambda: sum(p.running() for p in procs) == 1 and any(p.waiting() for p in procs),
            "the lock",
            procs,
        )
        _until(lambda: any(p.reminder_runs() for p in procs), "the reminder job", procs)
    else:
        # Both run (no lock on SQLite). They share the job store: a run one of them made moves
        # the job's next run time, so the other usually skips it; which one runs is a race.
        _until(lambda: all(p.running() for p in procs), "both processes", procs)
        _until(lambda: any(p.reminder_runs() for p in procs), "the reminder job", procs)
    return procs


def test_two_scheduler_processes_send_each_reminder_once(app, boss, smtp_server, spawn):
    people = _due_now("brebes", boss)
    procs = _start_two(spawn)
    _until(lambda: sum(_reminders(smtp_server).values()) >= len(people), "the reminders", procs)
    assert [p.stop() for p in procs] == [0, 0]  # SIGTERM: a clean stop
    assert _reminders(smtp_server) == Counter(people)


def test_two_processes_running_the_reminder_job_at_the_same_moment_send_it_once(
    app, boss, smtp_server, tmp_path
):
    # Without the job store's coordination: two `flask scheduler run-once reminders` started
    # together both certainly run the task; the markers and outbox keys keep it single.
    people = _due_now("brebes", boss)
    env = Scheduler.environment(app, smtp_server, tmp_path)
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "scheduler", "run-once", "reminders"]
    procs = [
        subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=DEADLINE_SECONDS)[0].decode() for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    sent = sorted(int(out.strip().splitlines()[-1].split(":")[1]) for out in outputs)
    assert sent == [0, 1], outputs  # the session's reminder step was done by exactly one
    assert _reminders(smtp_server) == Counter(people)


@pytest.mark.postgres
def test_the_waiting_process_takes_over_when_the_first_dies(app, boss, smtp_server, spawn):
    first_people = _due_now("brebes", boss)
    procs = _start_two(spawn)
    leader = next(p for p in procs if p.running())
    other = next(p for p in procs if p is not leader)
    _until(lambda: sum(_reminders(smtp_server).values()) >= len(first_people), "the reminders", procs)
    leader.process.kill()  # dies without a word: its connection, and the lock, go away
    leader.process.wait(timeout=30)
    later_people = _due_now("tegal", boss)
    _until(lambda: other.running() and other.reminder_runs(), "the takeover", [other])
    expected = len(first_people) + len(later_people)
    _until(lambda: sum(_reminders(smtp_server).values()) >= expected, "the new reminders", [other])
    assert other.stop() == 0
    assert _reminders(smtp_server) == Counter(first_people + later_people)


def _cut_the_lock_connection() -> int:
    """pg_terminate_backend() on the backend holding the scheduler's advisory lock, as a
    database restart, a failover or a cut network would end it. Its pid."""
    from sqlalchemy import text

    from app.scheduler.runner import LOCK_KEY

    holder = db.session.scalar(
        text(
            "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted"
            " AND ((classid::bigint << 32) | objid::bigint) = :key"
        ),
        {"key": LOCK_KEY},
    )
    assert holder is not None, "no backend holds the scheduler lock"
    assert db.session.scalar(text("SELECT pg_terminate_backend(:pid)"), {"pid": holder})
    db.session.commit()
    return holder


@pytest.mark.postgres
def test_a_leader_whose_connection_drops_hands_over_and_waits_to_take_the_lock_again(
    app, boss, smtp_server, spawn
):
    first_people = _due_now("brebes", boss)
    procs = _start_two(spawn)
    leader = next(p for p in procs if p.running())
    other = next(p for p in procs if p is not leader)
    _until(lambda: sum(_reminders(smtp_server).values()) >= len(first_people), "the reminders", procs)
    # Due now, after the leader's reminder run: the process that takes over sends it (every
    # job runs at once on taking the lock), the one that lost the lock never does.
    later_people = _due_now("tegal", boss)
    _cut_the_lock_connection()
    # The other process takes the lock and runs; the first notices, stops running jobs, and
    # waits for the lock again (reconnecting), alive.
    _until(lambda: other.running(), "the takeover", procs)
    _until(lambda: "waiting to take it again" in leader.text(), "the first to notice", procs)
    _until(lambda: "another scheduler process holds the lock" in leader.text(), "waiting", procs)
    expected = len(first_people) + len(later_people)
    _until(lambda: sum(_reminders(smtp_server).values()) >= expected, "the new reminders", procs)
    assert [p.stop() for p in procs] == [0, 0]
    assert _reminders(smtp_server) == Counter(first_people + later_people)  # none twice
