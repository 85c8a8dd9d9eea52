"""The audit log's hash chain: every row carries the hash of the row before it and its own
hash over its content, so that a row changed or removed afterwards shows (`flask audit verify`).

A row's hash is SHA-256 over the canonical JSON (sorted keys, no spaces, UTF-8) of its
sequence number, time (UTC, ISO 8601), actor id, action, object type and id, before, after,
ip and the previous row's hash, and its HTTP request id when it has one (rows written before
that column existed, or outside a request, hash as they always did). The first row's previous
hash is GENESIS.

Rows are chained when they are flushed (app.core.audit calls seal()): the transaction first
takes a lock that it keeps until it commits or rolls back (pg_advisory_xact_lock on
PostgreSQL, the database write lock on SQLite), then reads the last row and links its own
rows to it. Concurrent transactions that write audit rows therefore append one after the
other, and a transaction that rolls back takes its rows away with the lock still held, so
nobody has linked to them. Transactions that write no audit row never take the lock.
`seq` is unique: should a transaction ever read a stale tail (e.g. under REPEATABLE READ
that started before the lock), its insert fails instead of forking the chain.
"""

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select, text

GENESIS = "0" * 64
# pg_advisory_xact_lock key of the chain ("audit" in ASCII): any constant no other code uses.
LOCK_KEY = 0x6175646974


def canonical(fields: dict) -> bytes:
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _instant(at: datetime | None) -> str | None:
    if at is None:
        return None
    if at.tzinfo is not None:
        at = at.astimezone(UTC)
    return at.replace(tzinfo=None).isoformat(timespec="microseconds")


def content_of(row) -> dict:
    """What a row's hash covers (row: an AuditLog or a result row with the same names)."""
    content = {
        "seq": row.seq,
        "at": _instant(row.at),
        "actor_id": row.actor_id,
        "action": row.action,
        "object_type": row.object_type,
        "object_id": row.object_id,
        "before": row.before,
        "after": row.after,
        "ip": row.ip,
        "prev_hash": row.prev_hash,
    }
    # Only when set: the hashes of rows without one stay what they were before the column.
    http_request_id = getattr(row, "http_request_id", None)
    if http_request_id is not None:
        content["http_request_id"] = http_request_id
    return content


def hash_of(row) -> str:
    return hashlib.sha256(canonical(content_of(row))).hexdigest()


def lock_chain(session) -> None:
    """Hold the chain until this transaction ends."""
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})
    else:
        from app.core.db_setup import lock_for_write

        lock_for_write(session)


def seal(session, entries: list) -> None:
    """Give `entries` (new AuditLog rows, in the order they were recorded) their place in
    the chain: take the lock, read the tail, link each to the one before."""
    from app.core.audit import AuditLog

    lock_chain(session)
    tail = (
        session.connection()
        .execute(select(AuditLog.seq, AuditLog.row_hash).order_by(AuditLog.seq.desc()).limit(1))
        .first()
    )
    seq, prev = (tail.seq, tail.row_hash) if tail is not None else (0, GENESIS)
    for entry in entries:
        seq += 1
        entry.seq = seq
        entry.prev_hash = prev
        entry.row_hash = prev = hash_of(entry)


def backfill(connection, table=None) -> int:
    """Chain the rows of a log written before the chain existed, in id order (migration 0009
    runs it with the table as that revision knows it, before the append-only trigger is
    created). Returns the number of rows chained."""
    if table is None:
        from app.core.audit import AuditLog

        table = AuditLog.__table__
    prev, seq = GENESIS, 0
    rows = connection.execute(select(table).order_by(table.c.id)).mappings().all()
    for row in rows:
        seq += 1
        values = {**row, "seq": seq, "prev_hash": prev}
        prev = hash_of(_Row(values))
        connection.execute(
            table.update()
            .where(table.c.id == row["id"])
            .values(seq=seq, prev_hash=values["prev_hash"], row_hash=prev)
        )
    return len(rows)


class _Row:
    def __init__(self, values: dict):
        self.__dict__.update(values)


@dataclass(frozen=True)
class Verdict:
    ok: bool
    checked: int
    message: str
    row_id: int | None = None
    last_hash: str | None = None


def verify_rows(rows: Iterable, *, start_seq: int = 1, start_hash: str | None = GENESIS) -> Verdict:
    """Walk rows in `seq` order. `start_hash` None: trust the first row's link (a check of
    the newest rows only). Names the first row that was changed, or the gap of removed rows."""
    expected_seq, prev, prev_id, checked = start_seq, start_hash, None, 0
    for row in rows:
        if row.seq != expected_seq:
            return Verdict(
                False,
                checked,
                f"row id={row.id} (seq {row.seq}): seq {expected_seq}..{row.seq - 1} missing before it "
                "(rows removed)",
                row.id,
            )
        if hash_of(row) != row.row_hash:
            return Verdict(False, checked, f"row id={row.id} (seq {row.seq}) was changed", row.id)
        if prev is not None and row.prev_hash != prev:
            # Both rows hash right: the one before was rewritten together with its hash.
            return Verdict(
                False,
                checked,
                f"row id={prev_id} (seq {row.seq - 1}) was changed: row id={row.id} links to another hash",
                prev_id,
            )
        checked += 1
        expected_seq, prev, prev_id = row.seq + 1, row.row_hash, row.id
    return Verdict(True, checked, f"OK, {checked} rows", last_hash=prev)


def verify_each(rows: Iterable) -> Verdict:
    """Check each row's own hash only: rows that need not be neighbours in the chain (a
    filtered page of the log), whose links verify_rows() cannot follow."""
    checked = 0
    for row in rows:
        if hash_of(row) != row.row_hash:
            return Verdict(False, checked, f"row id={row.id} (seq {row.seq}) was changed", row.id)
        checked += 1
    return Verdict(True, checked, f"OK, {checked} rows")


def verify(session, *, newest: int | None = None) -> Verdict:
    """Check the whole chain, or (newest=N) only its last N rows."""
    from app.core.audit import AuditLog

    columns = [
        AuditLog.id,
        AuditLog.seq,
        AuditLog.at,
        AuditLog.actor_id,
        AuditLog.action,
        AuditLog.object_type,
        AuditLog.object_id,
        AuditLog.before,
        AuditLog.after,
        AuditLog.ip,
        AuditLog.http_request_id,
        AuditLog.prev_hash,
        AuditLog.row_hash,
    ]
    query = select(*columns).order_by(AuditLog.seq)
    start_seq, start_hash = 1, GENESIS
    if newest is not None:
        last = session.scalar(select(AuditLog.seq).order_by(AuditLog.seq.desc()).limit(1)) or 0
        if last > newest:
            start_seq, start_hash = last - newest + 1, None
            query = query.where(AuditLog.seq >= start_seq)
    rows = session.execute(query.execution_options(yield_per=1000))
    try:
        return verify_rows(rows, start_seq=start_seq, start_hash=start_hash)
    finally:
        rows.close()  # a verdict before the end leaves PostgreSQL's server-side cursor open
