"""Append-only audit log: who changed what, from which state to which, and when.

Every service that changes state calls record(); the row joins the caller's transaction, so
the log and the change commit (or roll back) together. Rows are hash-chained when flushed
(app.core.audit_chain), and on PostgreSQL a trigger refuses UPDATE, DELETE and TRUNCATE of
the table; the ORM guards below refuse them on every database.
"""

import getpass
import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from typing import Any

from sqlalchemy import DDL, JSON, BigInteger, ForeignKey, Integer, String, event
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.core import audit_chain
from app.core.clock import now_utc
from app.core.types import UTCDateTime
from app.extensions import db


class AuditLog(db.Model):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(String(64))
    object_type: Mapped[str] = mapped_column(String(64))
    object_id: Mapped[str] = mapped_column(String(64))
    # none_as_null: "no before" is SQL NULL (found by IS NULL), not the JSON value null.
    before: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))
    after: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))
    ip: Mapped[str | None] = mapped_column(String(64))
    # The HTTP request that wrote the row (app.core.logs.request_id; the X-Request-ID of its
    # log line). Named so as not to be read as a consultation request.
    http_request_id: Mapped[str | None] = mapped_column(String(64))
    # The hash chain (app.core.audit_chain): position, the previous row's hash, this row's.
    seq: Mapped[int] = mapped_column(BigInteger, unique=True)
    prev_hash: Mapped[str] = mapped_column(String(64))
    row_hash: Mapped[str] = mapped_column(String(64))

    __table_args__ = (
        db.Index("ix_audit_log_object", "object_type", "object_id"),
        # The audit page's action filter, newest first.
        db.Index("ix_audit_log_action_seq", "action", "seq"),
    )


# The same on PostgreSQL, below the ORM: raw SQL cannot change or remove rows either (the
# table's owner can still disable the trigger; `flask audit verify` then shows the change).
APPEND_ONLY_FUNCTION = DDL(
    "CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN RAISE EXCEPTION USING MESSAGE = 'audit_log is append-only: ' || TG_OP || ' refused', "
    "ERRCODE = 'insufficient_privilege'; END $$"
)
APPEND_ONLY_TRIGGER = DDL(
    "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()"
)
event.listen(AuditLog.__table__, "after_create", APPEND_ONLY_FUNCTION.execute_if(dialect="postgresql"))
event.listen(AuditLog.__table__, "after_create", APPEND_ONLY_TRIGGER.execute_if(dialect="postgresql"))

_recorded = itertools.count()


@event.listens_for(AuditLog, "init")
def _number(target, args, kwargs):
    # session.new is unordered: rows are chained in the order they were made.
    target._order = next(_recorded)


@event.listens_for(Session, "before_flush")
def _chain_new_rows(session, flush_context, instances):
    entries = [obj for obj in session.new if isinstance(obj, AuditLog)]
    if entries:
        entries.sort(key=lambda entry: getattr(entry, "_order", 0))
        audit_chain.seal(session, entries)


class AuditLogIsAppendOnly(Exception):
    pass


@event.listens_for(AuditLog, "before_update")
@event.listens_for(AuditLog, "before_delete")
def _refuse_changes(mapper, connection, target):
    raise AuditLogIsAppendOnly("audit log rows are never changed or deleted")


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_changes(state):
    # session.execute(update(AuditLog)) / delete(AuditLog) skip the mapper events above.
    if (state.is_update or state.is_delete) and AuditLog.__mapper__ in state.all_mappers:
        raise AuditLogIsAppendOnly("audit log rows are never changed or deleted")


# Set while an operator's `flask` command runs (app.auth.commands, app.core.setup): rows
# without an actor then say so in `after` ({"via": "cli", "os_user": ...}).
_cli_origin: ContextVar[dict | None] = ContextVar("audit_cli_origin", default=None)


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (a container)
        return "?"


@contextmanager
def from_cli() -> Iterator[dict]:
    """Within this block, actorless rows are marked as made by an operator's command."""
    origin = {"via": "cli", "os_user": _os_user()}
    token = _cli_origin.set(origin)
    try:
        yield origin
    finally:
        _cli_origin.reset(token)


# Called with (action, obj, entry) for every row record() adds, in the caller's transaction:
# app.webhooks turns some changes into events this way (registered at start-up).
LISTENERS: list = []


def record(
    action: str,
    obj: Any,
    *,
    actor: Any = None,
    before: dict | None = None,
    after: dict | None = None,
    at: datetime | None = None,
) -> AuditLog:
    """Add an audit row for `action` on `obj` to the current session (not committed)."""
    ip = http_request_id = None
    try:
        from flask import has_request_context, request

        if has_request_context():
            from app.core.logs import request_id

            ip = request.remote_addr
            http_request_id = request_id()
    except ImportError:  # pragma: no cover
        pass
    actor_id = getattr(actor, "id", actor) if actor is not None else None
    origin = _cli_origin.get()
    if origin and actor_id is None:
        after = {**(after or {}), **origin}
    entry = AuditLog(
        at=at or now_utc(),
        actor_id=actor_id,
        action=action,
        object_type=type(obj).__name__ if not isinstance(obj, tuple) else obj[0],
        object_id=str(obj.id if not isinstance(obj, tuple) else obj[1]),
        before=_jsonable(before),
        after=_jsonable(after),
        ip=ip,
        http_request_id=http_request_id,
    )
    db.session.add(entry)
    for listener in LISTENERS:
        listener(action, obj, entry)
    return entry


def _jsonable(value):
    if value is None:
        return None
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if isinstance(value, str | int | float | bool):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "value"):
        return value.value
    return str(value)
