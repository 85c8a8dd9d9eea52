"""/healthz, /readyz and /metrics (app.ops): what makes the application not ready, that no
answer leaks a secret or sets a cookie, and that /metrics answers only METRICS_ALLOW."""

import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from prometheus_client import CollectorRegistry
from prometheus_client.multiprocess import MultiProcessCollector
from sqlalchemy import text

from app import create_app
from app.extensions import db
from app.ops import checks, metrics
from app.outbox.models import OutboxMessage, OutboxState
from app.scheduler import runner
from app.scheduler.models import PROCESS_BEAT, SchedulerBeat, beat
from tests.machine import free_port

NOW = datetime(2026, 12, 8, 2, 10, tzinfo=UTC)
SECRET = "s3cr3t-pw"
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(__file__)))


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _stamp(revision: str | None) -> None:
    with db.engine.begin() as conn:
        conn.execute(text("CREATE TABLE IF NOT EXISTS alembic_version (version_num VARCHAR(32) NOT NULL)"))
        conn.execute(text("DELETE FROM alembic_version"))
        if revision:
            conn.execute(text("INSERT INTO alembic_version VALUES (:r)"), {"r": revision})


@pytest.fixture
def stamped(app):
    """The test schema is built with create_all: stamp it with the migrations' head."""
    _stamp(checks.migrations_head())
    yield
    with db.engine.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))


@pytest.fixture
def ready(app, stamped, frozen):
    beat(PROCESS_BEAT, NOW)


def _pending(created_at: datetime, state=OutboxState.PENDING) -> None:
    db.session.add(
        OutboxMessage(
            recipients=["a@example.go.id"],
            subject="s",
            text_body="t",
            kind="test/kind",
            dedupe_key=f"k{created_at.timestamp()}{state}",
            state=state,
            next_attempt_at=created_at,
            created_at=created_at,
        )
    )
    db.session.commit()


def test_healthz_answers_without_a_database(tmp_path):
    # A database nobody listens on: /healthz still answers, /readyz says why it is not ready.
    url = f"postgresql+psycopg://konsultasi:{SECRET}@127.0.0.1:{free_port()}/secretdb"
    broken = create_app("testing", SQLALCHEMY_DATABASE_URI=url, UPLOAD_DIR=str(tmp_path))
    client = broken.test_client()
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}
    assert "Set-Cookie" not in response.headers
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.get_data(as_text=True)
    assert response.get_json()["checks"]["database"]["status"] == "fail"
    for secret in (SECRET, "secretdb", "konsultasi:", "127.0.0.1", "postgresql"):
        assert secret not in body


def test_readyz_200_when_ready_and_no_cookie(client, ready):
    response = client.get("/readyz")
    assert response.status_code == 200, response.get_json()
    data = response.get_json()
    assert data["status"] == "ok"
    assert {k: v["status"] for k, v in data["checks"].items()} == {
        "database": "ok",
        "migrations": "ok",
        "scheduler": "ok",
        "outbox": "ok",
    }
    assert data["checks"]["outbox"]["pending"] == 0
    assert "Set-Cookie" not in response.headers
    assert str(db.engine.url.database) not in response.get_data(as_text=True)


def test_readyz_503_on_a_revision_not_at_head(client, ready):
    _stamp("0001_not_the_head")
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["migrations"]["status"] == "fail"


def test_readyz_503_without_migrations_table(client, app, frozen):
    beat(PROCESS_BEAT, NOW)
    assert client.get("/readyz").status_code == 503


def test_readyz_503_on_a_stale_scheduler_heartbeat(client, ready, frozen):
    frozen.move_to(NOW + timedelta(minutes=2, seconds=59))
    assert client.get("/readyz").status_code == 200
    frozen.move_to(NOW + timedelta(minutes=3, seconds=1))
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["scheduler"] == {"status": "fail", "age_seconds": 181}


def test_readyz_503_without_any_heartbeat(client, stamped, frozen):
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["scheduler"]["status"] == "fail"


def test_readyz_reports_an_unreachable_redis_as_degraded_and_stays_ready(client, app, ready, monkeypatch):
    # The rate limits go on in each worker's memory (tests/ops/test_redis_outage.py).
    uri = f"redis://:{SECRET}@127.0.0.1:{free_port()}/0"
    monkeypatch.setitem(app.config, "RATELIMIT_STORAGE_URI", uri)
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json()["checks"]["redis"] == {
        "status": "degraded",
        "error": "ConnectionError",
        "rate_limits": "memory",
    }
    assert SECRET not in response.get_data(as_text=True)


def test_outbox_backlog_is_reported_and_an_old_email_is_not_ready(client, ready, frozen):
    _pending(NOW - timedelta(minutes=29))
    _pending(NOW - timedelta(days=3), state=OutboxState.FAILED)  # failed: not pending
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json()["checks"]["outbox"] == {
        "status": "ok",
        "pending": 1,
        "failed": 1,
        "oldest_pending_age_seconds": 29 * 60,
    }
    frozen.move_to(NOW + timedelta(minutes=2))
    beat(PROCESS_BEAT, NOW + timedelta(minutes=2))
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["outbox"]["status"] == "fail"


def _metrics(client, addr="127.0.0.1"):
    return client.get("/metrics", environ_base={"REMOTE_ADDR": addr})


def _sample(body: str, name: str) -> float | None:
    for line in body.splitlines():
        if line.startswith(name + " ") or line.startswith(name + "{"):
            return float(line.rsplit(" ", 1)[1])
    return None


def test_metrics_count_requests_by_endpoint_and_show_the_outbox(client, app, frozen):
    labels = {"endpoint": "ops.healthz", "status": "200"}
    before = metrics.REGISTRY.get_sample_value("konsultasi_responses_total", labels) or 0
    client.get("/healthz")
    client.get("/healthz")
    assert metrics.REGISTRY.get_sample_value("konsultasi_responses_total", labels) == before + 2
    app.test_client().get("/no/such/page/12345")  # an unknown path is "none", never the path
    _pending(NOW - timedelta(minutes=5))
    beat("job:outbox", NOW - timedelta(seconds=30))
    response = _metrics(client)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert f'konsultasi_responses_total{{endpoint="ops.healthz",status="200"}} {before + 2:.1f}' in body
    assert "/no/such/page" not in body
    assert 'endpoint="none",status="404"' in body
    assert _sample(body, "konsultasi_outbox_pending") == 1
    assert _sample(body, "konsultasi_outbox_failed") == 0
    assert _sample(body, "konsultasi_outbox_oldest_pending_age_seconds") == 300
    assert (
        _sample(body, "konsultasi_scheduler_job_last_success_timestamp_seconds")
        == (NOW - timedelta(seconds=30)).timestamp()
    )
    assert "Set-Cookie" not in response.headers


@pytest.mark.parametrize("addr", ["10.0.0.7", "192.168.1.1", "::2"])
def test_metrics_refused_from_other_addresses(client, addr):
    assert _metrics(client, addr).status_code == 404


def test_metrics_allow_list_takes_cidrs(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "METRICS_ALLOW", "10.1.0.0/16, 2001:db8::1")
    assert _metrics(client, "10.1.200.3").status_code == 200
    assert _metrics(client, "2001:db8::1").status_code == 200
    assert _metrics(client, "10.2.0.1").status_code == 404
    assert _metrics(client, "127.0.0.1").status_code == 404


def test_metrics_allow_list_ignores_what_is_no_address(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "METRICS_ALLOW", "everyone, 0.0.0.0/x, 127.0.0.1")
    assert _metrics(client, "127.0.0.1").status_code == 200
    assert _metrics(client, "10.0.0.1").status_code == 404
    monkeypatch.setitem(app.config, "METRICS_ALLOW", "")
    assert _metrics(client, "127.0.0.1").status_code == 404


def test_metrics_through_a_proxy_use_the_resolved_address(tmp_path):
    # Behind one proxy, a spoofed left-most X-Forwarded-For entry is not believed.
    proxied = create_app(
        "testing", PROXY_COUNT=1, UPLOAD_DIR=str(tmp_path), SQLALCHEMY_DATABASE_URI="sqlite://"
    )
    client = proxied.test_client()
    spoofed = {"X-Forwarded-For": "127.0.0.1, 203.0.113.9"}
    assert (
        client.get("/metrics", headers=spoofed, environ_base={"REMOTE_ADDR": "10.9.9.9"}).status_code == 404
    )
    honest = {"X-Forwarded-For": "203.0.113.9, 127.0.0.1"}  # the proxy saw 127.0.0.1
    assert client.get("/metrics", headers=honest, environ_base={"REMOTE_ADDR": "10.9.9.9"}).status_code == 200


def test_scheduler_beats_process_and_each_job(app, frozen, monkeypatch):
    monkeypatch.setattr(runner, "_app", app)
    runner.heartbeat()
    runner.run_job("outbox")
    assert db.session.get(SchedulerBeat, PROCESS_BEAT).beat_at == NOW
    assert db.session.get(SchedulerBeat, "job:outbox").beat_at == NOW
    assert db.session.get(SchedulerBeat, "job:reminders") is None


def test_multiprocess_mode_adds_up_the_workers(tmp_path, client, monkeypatch):
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    code = "from app.ops import metrics; metrics.RESPONSES.labels('ops.healthz', '200').inc(%d)"
    for n in (2, 3):  # two worker processes
        subprocess.run([sys.executable, "-c", code % n], env=env, cwd=ROOT, check=True)
    registry = CollectorRegistry()
    MultiProcessCollector(registry, path=str(tmp_path))
    labels = {"endpoint": "ops.healthz", "status": "200"}
    assert registry.get_sample_value("konsultasi_responses_total", labels) == 5
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    body = _metrics(client).get_data(as_text=True)
    assert 'konsultasi_responses_total{endpoint="ops.healthz",status="200"} 5.0' in body


def test_gunicorn_with_two_workers_adds_up_their_metrics(tmp_path):
    """The real thing: gunicorn.conf.py, two workers, one multi-process directory."""
    port = free_port()
    prom = tmp_path / "prom"
    prom.mkdir()
    env = {
        **os.environ,
        "APP_ENV": "testing",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'g.db'}",
        "UPLOAD_DIR": str(tmp_path / "uploads"),
        "PROMETHEUS_MULTIPROC_DIR": str(prom),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
    }
    gunicorn = os.path.join(os.path.dirname(sys.executable), "gunicorn")
    server = subprocess.Popen(
        [gunicorn, "-c", "gunicorn.conf.py", "wsgi:app"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        import urllib.request
        from concurrent.futures import ThreadPoolExecutor

        base = f"http://127.0.0.1:{port}"

        def workers() -> set[str]:
            # Each worker creates its counter file when it imports the app (an unlabelled
            # counter), so two files mean both workers are up, not just the first.
            return {name.rsplit("_", 1)[1] for name in os.listdir(prom) if name.startswith("counter_")}

        deadline = time.monotonic() + 60  # generous: the CI machine may be loaded
        while True:  # wait for the first worker to answer and the second to have booted
            try:
                urllib.request.urlopen(base + "/healthz", timeout=5).read()
                if len(workers()) == 2:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"gunicorn did not start two workers (counter files of {sorted(workers())})")
            time.sleep(0.1)  # waiting for a real server, not for the clock

        def hit(_):
            return urllib.request.urlopen(base + "/healthz", timeout=5).status

        def scrape() -> float:
            body = urllib.request.urlopen(base + "/metrics", timeout=5).read().decode()
            return _sample(body, 'konsultasi_responses_total{endpoint="ops.healthz",status="200"}')

        before = scrape()
        with ThreadPoolExecutor(8) as pool:
            assert set(pool.map(hit, range(40))) == {200}
        assert scrape() == before + 40  # whichever worker answers the scrape
        assert len(workers()) == 2
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_report_snapshot_rebuilds_are_counted(app, frozen):
    from app.reports import snapshots

    def rebuilds():
        return metrics.REGISTRY.get_sample_value("konsultasi_report_snapshot_rebuilds_total") or 0

    month = NOW.date().replace(day=1)
    before = rebuilds()
    snapshots.monthly_report(month)
    db.session.commit()
    assert rebuilds() == before + 1  # built and kept
    snapshots.monthly_report(month)
    assert rebuilds() == before + 1  # served from the snapshot
