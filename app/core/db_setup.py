"""Per-connection database settings."""

from flask import Flask
from sqlalchemy import event, inspect
from sqlalchemy.engine import Engine


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
