"""What /readyz checks. Each check returns {"status": "ok" | "degraded" | "fail", ...numbers};
no message ever holds a URL, host name or password (an error is named by its class only).

503 (not ready): the database unreachable, its schema not at the migrations' head, the
scheduler's heartbeat older than three minutes, or an email pending for longer than 30
minutes (the scheduler's sender is stuck or the mail server refuses). Reported but still
ready ("degraded"): a backlog of pending emails, and Redis (the rate-limit storage) not
answering, while every worker counts the limits in its own memory (app/core/rate_limits.py):
taking every server out of the balancer for it would stop all work, not protect it.
"""

import os
from datetime import timedelta
from functools import cache

from flask import current_app
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.pool import NullPool

from app.core.clock import now_utc
from app.extensions import db
from app.outbox.models import OutboxMessage, OutboxState
from app.scheduler.models import PROCESS_BEAT, SchedulerBeat

OK, DEGRADED, FAIL = "ok", "degraded", "fail"
HEARTBEAT_MAX_AGE = timedelta(minutes=3)
OUTBOX_MAX_AGE = timedelta(minutes=30)
OUTBOX_BACKLOG = 100  # more pending than this: degraded (reported, still ready)
DB_TIMEOUT_MS = 2000
REDIS_TIMEOUT_SECONDS = 1.0
MIGRATIONS = os.path.join(os.path.dirname(__file__), "..", "..", "migrations")


@cache
def migrations_head() -> str | None:
    """The head revision of the migrations folder, read once per process."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", os.path.abspath(MIGRATIONS))
    return ScriptDirectory.from_config(config).get_current_head()


def _failed(exc: Exception) -> dict:
    return {"status": FAIL, "error": type(exc).__name__}


_probe_engines: dict = {}


def probe_engine():
    """On PostgreSQL an engine of the probes' own, without a pool, that gives up connecting
    and running after a few seconds (the application's engine waits as long as the driver
    does); elsewhere the application's engine."""
    engine = db.engine
    if engine.dialect.name != "postgresql":
        return engine
    key = engine.url.render_as_string(hide_password=False)
    if key not in _probe_engines:
        _probe_engines[key] = create_engine(
            engine.url,
            poolclass=NullPool,
            connect_args={
                "connect_timeout": max(1, DB_TIMEOUT_MS // 1000),
                "options": f"-c statement_timeout={DB_TIMEOUT_MS}",
            },
        )
    return _probe_engines[key]


def database() -> dict:
    try:
        with probe_engine().connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:
        return _failed(exc)
    return {"status": OK}


def migrations() -> dict:
    head = migrations_head()
    try:
        with probe_engine().connect() as conn:
            current = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    except Exception as exc:
        return _failed(exc)
    return {"status": OK if current == [head] else FAIL, "current": current, "head": head}


def redis() -> dict | None:
    """None when Redis is not configured (the rate limits are kept in memory)."""
    uri = current_app.config.get("RATELIMIT_STORAGE_URI") or ""
    if not uri.startswith(("redis://", "rediss://")):
        return None
    import redis as redis_lib

    try:
        client = redis_lib.Redis.from_url(
            uri, socket_timeout=REDIS_TIMEOUT_SECONDS, socket_connect_timeout=REDIS_TIMEOUT_SECONDS
        )
        try:
            client.ping()
        finally:
            client.close()
    except Exception as exc:
        return {"status": DEGRADED, "error": type(exc).__name__, "rate_limits": "memory"}
    return {"status": OK}


def process_beat():
    row = db.session.get(SchedulerBeat, PROCESS_BEAT)
    return row.beat_at if row else None


def job_beats() -> dict:
    rows = db.session.execute(select(SchedulerBeat).where(SchedulerBeat.name.like("job:%"))).scalars()
    return {row.name.removeprefix("job:"): row.beat_at for row in rows}


def scheduler() -> dict:
    try:
        at = process_beat()
    except Exception as exc:
        db.session.rollback()
        return _failed(exc)
    if at is None:
        return {"status": FAIL, "age_seconds": None}
    age = now_utc() - at
    return {"status": OK if age <= HEARTBEAT_MAX_AGE else FAIL, "age_seconds": int(age.total_seconds())}


def outbox_numbers() -> dict:
    counts = dict(
        db.session.execute(
            select(OutboxMessage.state, func.count())
            .where(OutboxMessage.state.in_([OutboxState.PENDING, OutboxState.FAILED]))
            .group_by(OutboxMessage.state)
        ).all()
    )
    oldest = db.session.scalar(
        select(func.min(OutboxMessage.created_at)).where(OutboxMessage.state == OutboxState.PENDING)
    )
    if oldest is not None and oldest.tzinfo is None:  # func.min bypasses the column type
        from datetime import UTC

        oldest = oldest.replace(tzinfo=UTC)
    return {
        "pending": counts.get(OutboxState.PENDING, 0),
        "failed": counts.get(OutboxState.FAILED, 0),
        "oldest_pending_age_seconds": int((now_utc() - oldest).total_seconds()) if oldest else None,
    }


def outbox() -> dict:
    try:
        numbers = outbox_numbers()
    except Exception as exc:
        db.session.rollback()
        return _failed(exc)
    age = numbers["oldest_pending_age_seconds"]
    if age is not None and age > OUTBOX_MAX_AGE.total_seconds():
        status = FAIL
    elif numbers["pending"] > OUTBOX_BACKLOG:
        status = DEGRADED
    else:
        status = OK
    return {"status": status, **numbers}


def readiness() -> tuple[dict, bool]:
    """(every check by name, whether the application is ready)."""
    results = {"database": database()}
    if results["database"]["status"] == OK:
        results["migrations"] = migrations()
        results["scheduler"] = scheduler()
        results["outbox"] = outbox()
    redis_result = redis()
    if redis_result is not None:
        results["redis"] = redis_result
    ready = results["database"]["status"] == OK and all(r["status"] != FAIL for r in results.values())
    return results, ready
