"""Prometheus metrics, registered once per process (module level) in REGISTRY.

With PROMETHEUS_MULTIPROC_DIR set (gunicorn with several workers), each worker writes its
values to files there and a scrape adds them up (MultiProcessCollector); the directory must
be emptied before gunicorn starts and gunicorn.conf.py's child_exit marks a dead worker.
The outbox and scheduler values are read from the database at scrape time (the scheduler is a
process of its own), never kept in a worker's memory.
"""

import functools
import logging
import os
import time

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest, mmap_dict, values
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

log = logging.getLogger(__name__)


@functools.cache
def _warn_once() -> None:
    """Logged once per process (a cached call runs once)."""
    log.exception("metrics could not be written (PROMETHEUS_MULTIPROC_DIR full or read-only)")


class ReservedMmapedDict(mmap_dict.MmapedDict):
    """prometheus_client's per-worker metrics file, with its blocks reserved (posix_fallocate)
    before they are mapped. prometheus_client makes the file sparse (truncate) and writes
    through the mapping, so on a full disk the first write kills the worker with SIGBUS;
    reserved, a full disk is an OSError when the file is made or grown, which
    _file_or_memory_value turns into a value in memory."""

    def __init__(self, filename, read_mode=False):
        if not read_mode:
            fd = os.open(filename, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                if os.fstat(fd).st_size == 0:
                    os.posix_fallocate(fd, 0, mmap_dict._INITIAL_MMAP_SIZE)
            finally:
                os.close(fd)
        super().__init__(filename, read_mode)

    def _init_value(self, key):
        needed = self._used + len(key.encode("utf-8")) + 32  # the entry, padded, at most
        capacity = self._capacity
        while needed > capacity:
            capacity *= 2
        if capacity != self._capacity:
            os.posix_fallocate(self._f.fileno(), 0, capacity)
        super()._init_value(key)


values.MmapedDict = ReservedMmapedDict  # the name MultiProcessValue makes its files with
_FILE_VALUE = values.ValueClass


def _file_or_memory_value(*args, **kwargs):
    """A metric value in the worker's file, or (when the file cannot be made or grown: a full
    or read-only folder) in the worker's memory, missing from /metrics but never failing a
    request or the start of a worker."""
    try:
        return _FILE_VALUE(*args, **kwargs)
    except OSError:
        _warn_once()
        return values.MutexValue(*args, **kwargs)


if getattr(_FILE_VALUE, "_multiprocess", False):
    values.ValueClass = _file_or_memory_value  # what every metric makes its values with

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
        try:
            if started is not None:
                REQUEST_LATENCY.labels(endpoint).observe(time.perf_counter() - started)
            RESPONSES.labels(endpoint, str(response.status_code)).inc()
        except OSError:  # a value made again after a fork, in a full folder: the answer goes out all the same
            _warn_once()
        return response
