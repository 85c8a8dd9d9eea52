"""Prometheus metrics, registered once per process (module level) in REGISTRY.

With PROMETHEUS_MULTIPROC_DIR set (gunicorn with several workers), each worker writes its
values to files there and a scrape adds them up (MultiProcessCollector); the directory must
be emptied before gunicorn starts and gunicorn.conf.py's child_exit marks a dead worker.
The outbox and scheduler values are read from the database at scrape time (the scheduler is a
process of its own), never kept in a worker's memory.
"""

import os
import time

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

REGISTRY = CollectorRegistry(auto_describe=True)

REQUEST_LATENCY = Histogram(
    "konsultasi_request_duration_seconds",
    "Time to answer a request, by endpoint.",
    ["endpoint"],
    registry=REGISTRY,
)
RESPONSES = Counter(
    "konsultasi_responses",
    "Responses sent, by endpoint and status code.",
    ["endpoint", "status"],
    registry=REGISTRY,
)
SNAPSHOT_REBUILDS = Counter(
    "konsultasi_report_snapshot_rebuilds",
    "Monthly reports built (not served from a stored snapshot).",
    registry=REGISTRY,
)


class DatabaseCollector:
    """Outbox and scheduler values, read from the database at each scrape."""

    def __init__(self, app):
        self.app = app

    def describe(self):
        return []

    def collect(self):
        from app.ops import checks

        with self.app.app_context():
            try:
                outbox = checks.outbox_numbers()
                beats = checks.job_beats()
                process = checks.process_beat()
            except Exception:
                from app.extensions import db

                db.session.rollback()
                return
            now = checks.now_utc()
        pending = GaugeMetricFamily("konsultasi_outbox_pending", "Emails waiting to be sent.")
        pending.add_metric([], outbox["pending"])
        failed = GaugeMetricFamily("konsultasi_outbox_failed", "Emails given up after the last attempt.")
        failed.add_metric([], outbox["failed"])
        age = GaugeMetricFamily(
            "konsultasi_outbox_oldest_pending_age_seconds", "Age of the oldest pending email (0: none)."
        )
        age.add_metric([], outbox["oldest_pending_age_seconds"] or 0)
        last = GaugeMetricFamily(
            "konsultasi_scheduler_job_last_success_timestamp_seconds",
            "When each scheduler job last ran to the end (Unix time).",
            labels=["job"],
        )
        for job_id, at in sorted(beats.items()):
            last.add_metric([job_id], at.timestamp())
        beat = GaugeMetricFamily(
            "konsultasi_scheduler_heartbeat_age_seconds", "Age of the scheduler process's last heartbeat."
        )
        if process is not None:
            beat.add_metric([], (now - process).total_seconds())
            yield beat
        yield from (pending, failed, age, last)


def scrape(app) -> bytes:
    """The text exposition of this process (or, in multi-process mode, of every worker) plus
    the database values."""
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(registry)
        text = generate_latest(registry)
    else:
        text = generate_latest(REGISTRY)
    db_registry = CollectorRegistry(auto_describe=False)
    db_registry.register(DatabaseCollector(app))
    return text + generate_latest(db_registry)


def init_app(app) -> None:
    """Time every request and count every response, labelled by endpoint name (never the raw
    path: an unknown URL is "none", so a scanner cannot grow the label set)."""
    from flask import g, request

    @app.before_request
    def _start_timer() -> None:
        g._metrics_started = time.perf_counter()

    @app.after_request
    def _count(response):
        started = g.pop("_metrics_started", None)
        endpoint = request.endpoint or "none"
        if started is not None:
            REQUEST_LATENCY.labels(endpoint).observe(time.perf_counter() - started)
        RESPONSES.labels(endpoint, str(response.status_code)).inc()
        return response
