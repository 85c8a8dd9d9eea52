"""gunicorn settings for production: `gunicorn -c gunicorn.conf.py wsgi:app`.

With PROMETHEUS_MULTIPROC_DIR set (an empty directory, emptied before each start), each
worker writes its metrics there and /metrics adds them up; child_exit tells prometheus_client
that a worker is gone, so its live gauges are dropped.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# The workers' heartbeat files in memory, not in TMPDIR: a full or read-only disk must not stop
# a worker from booting or being seen alive (uploads over 500 KB still spool to TMPDIR).
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
