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
    if engine.dialect.name == "postgresql":
        keep_prepared_statements(engine)


# Set in a pooled connection's info while its transaction has run anything but a SELECT.
WROTE = "transaction_wrote"
# How many prepared statements a connection keeps (psycopg's default is 100, the least
# recently used going first): the pages of bench/pages.py alone run 101 different statements,
# and a worker's connection serves every page.
PREPARED_MAX = 300


def keep_prepared_statements(engine: Engine) -> None:
    """End a PostgreSQL transaction that only read with COMMIT rather than ROLLBACK.

    psycopg prepares a statement the fifth time a connection runs it, so that PostgreSQL
    plans it once (planning the request page's join of seven tables takes 2 ms, running it
    0.2 ms); but it forgets every prepared statement at each ROLLBACK (DEALLOCATE ALL), and
    every request that only read ends with one (Session.close(), the pool's reset): nothing
    was ever prepared. For a transaction that ran only SELECT statements COMMIT is the same
    thing (it changed nothing; its locks and transaction-local settings end either way). A
    transaction that ran anything else (INSERT, UPDATE, DELETE, SAVEPOINT, SET...), or one in
    error, is rolled back as before. Each connection keeps up to PREPARED_MAX of them."""
    from psycopg.pq import TransactionStatus

    dialect = engine.dialect
    rollback, commit = dialect.do_rollback, dialect.do_commit

    @event.listens_for(engine, "before_cursor_execute")
    def _note_writes(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip()[:6].upper() != "SELECT":
            conn.info[WROTE] = True

    def do_rollback(dbapi_connection) -> None:
        info = _pool_info(dbapi_connection)
        raw = getattr(dbapi_connection, "driver_connection", dbapi_connection)
        read_only = info is not None and not info.pop(WROTE, False)
        if read_only and raw.info.transaction_status == TransactionStatus.INTRANS:
            commit(dbapi_connection)
        else:
            rollback(dbapi_connection)

    def do_commit(dbapi_connection) -> None:
        info = _pool_info(dbapi_connection)
        if info is not None:
            info.pop(WROTE, None)
        commit(dbapi_connection)

    dialect.do_rollback = do_rollback
    dialect.do_commit = do_commit

    @event.listens_for(engine, "connect")
    def _room_for_every_page(dbapi_connection, _record):
        getattr(dbapi_connection, "driver_connection", dbapi_connection).prepared_max = PREPARED_MAX


def _pool_info(connection) -> dict | None:
    """The info dict of a pooled connection (None for the first connect's bare one)."""
    try:
        info = connection.info
    except NotImplementedError:
        return None
    return info if isinstance(info, dict) else None


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
