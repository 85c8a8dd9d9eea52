"""Per-connection database settings."""

from flask import Flask
from sqlalchemy import event, inspect
from sqlalchemy.engine import Engine, make_url


def engine_options(app: Flask) -> None:
    """PostgreSQL: no request waits on the database without bound. Connecting gives up after
    DB_CONNECT_TIMEOUT seconds, a statement after DB_STATEMENT_TIMEOUT (0: never), waiting
    for a free pooled connection after DB_POOL_TIMEOUT; TCP keepalives find a peer that
    vanished (about 25 s); a pooled connection is pinged before use, so that after a restart
    or a failover the next request reconnects instead of failing. Call before db.init_app()."""
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() != "postgresql":
        return
    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    options.setdefault("pool_pre_ping", True)
    options.setdefault("pool_timeout", app.config["DB_POOL_TIMEOUT"])
    connect_args = dict(options.get("connect_args") or {})
    connect_args.setdefault("connect_timeout", app.config["DB_CONNECT_TIMEOUT"])
    statement_ms = int(app.config["DB_STATEMENT_TIMEOUT"] * 1000)
    if statement_ms and "options" not in url.query:
        connect_args.setdefault("options", f"-c statement_timeout={statement_ms}")
    keepalives = {"keepalives": 1, "keepalives_idle": 10, "keepalives_interval": 5, "keepalives_count": 3}
    for name, value in keepalives.items():
        connect_args.setdefault(name, value)
    options["connect_args"] = connect_args
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options


def init_app(app: Flask) -> None:
    with app.app_context():
        from app.extensions import db

        engine = db.engine
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_on_connect)


def _sqlite_on_connect(dbapi_connection, connection_record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


__all__ = ["init_app", "lock_for_write", "Engine"]


def lock_for_write(session) -> None:
    """Make the checks that follow and the writes after them one atomic step.

    On SQLite: take the database write lock now (BEGIN IMMEDIATE), so that a second writer
    waits (busy_timeout) until this transaction ends and then sees its rows. On PostgreSQL
    a no-op: the exclusion constraints refuse an overlapping insert at commit time.
    """
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return
    raw = connection.connection.driver_connection
    if not raw.in_transaction:
        raw.execute("BEGIN IMMEDIATE")


def lock_row(session, obj) -> None:
    """Take the write lock (SQLite) and re-read `obj` locked FOR UPDATE (PostgreSQL): a second
    request or job changing the same row waits, then sees this one's change. Relationships
    are re-read on their next use."""
    lock_for_write(session)
    # FOR UPDATE OF the row's own table: an object loaded with joined eager loads is
    # refreshed with the same joins, and PostgreSQL refuses to lock the nullable side of
    # an outer join.
    session.refresh(obj, with_for_update={"of": inspect(obj).mapper.local_table})
