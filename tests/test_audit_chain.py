"""The audit log's hash chain: rows link to the row before them, `flask audit verify` names the
first row changed or removed, concurrent writers keep one linear chain, and on PostgreSQL raw
SQL cannot change, delete or truncate rows."""

import threading

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from app.core import audit, audit_chain
from app.core.audit import AuditLog
from app.extensions import db


def _rows() -> list[AuditLog]:
    return list(db.session.scalars(select(AuditLog).order_by(AuditLog.seq)))


def _committed(count: int) -> list[AuditLog]:
    for n in range(count):
        audit.record("topic.update", ("Topic", n), before={"name": f"T{n}"}, after={"name": f"U{n}"})
    db.session.commit()
    return _rows()


def _tamper(sql: str, **params) -> None:
    """Raw SQL past the ORM guards (and, on PostgreSQL, past the trigger, as the table's
    owner could): what an attacker with database access does."""
    db.session.remove()
    with db.engine.begin() as conn:
        postgres = conn.dialect.name == "postgresql"
        if postgres:
            conn.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only"))
        conn.execute(text(sql), params)
        if postgres:
            conn.execute(text("ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only"))


def _verify(runner, *args):
    return runner.invoke(args=["audit", "verify", *args])


def test_rows_link_to_the_row_before_them(app):
    rows = _committed(3)
    audit.record("room.update", ("Room", 9), after={"name": "Ruang 9"})
    db.session.commit()
    rows = _rows()
    assert [r.seq for r in rows] == [1, 2, 3, 4]
    assert rows[0].prev_hash == audit_chain.GENESIS
    assert [r.prev_hash for r in rows[1:]] == [r.row_hash for r in rows[:-1]]
    assert all(r.row_hash == audit_chain.hash_of(r) for r in rows)
    assert len({r.row_hash for r in rows}) == 4


def test_verify_says_ok_with_the_row_count(app, runner):
    _committed(5)
    result = _verify(runner)
    assert result.exit_code == 0
    assert result.output.startswith("OK, 5 rows; last hash ")
    assert _rows()[-1].row_hash in result.output


def test_an_empty_log_verifies(app, runner):
    result = _verify(runner)
    assert result.exit_code == 0 and "OK, 0 rows" in result.output


def test_a_rolled_back_transaction_leaves_no_link_behind(app, runner):
    _committed(2)
    audit.record("topic.update", ("Topic", 99))
    db.session.flush()
    db.session.rollback()
    audit.record("topic.update", ("Topic", 100))
    db.session.commit()
    assert [r.seq for r in _rows()] == [1, 2, 3]
    assert _verify(runner).exit_code == 0


def test_a_rolled_back_savepoint_leaves_no_link_behind(app, runner):
    audit.record("topic.update", ("Topic", 1))
    with pytest.raises(RuntimeError), db.session.begin_nested():
        audit.record("topic.update", ("Topic", 2))
        db.session.flush()
        raise RuntimeError("undo the savepoint")
    audit.record("topic.update", ("Topic", 3))
    db.session.commit()
    assert [(r.seq, r.object_id) for r in _rows()] == [(1, "1"), (2, "3")]
    assert _verify(runner).exit_code == 0


def test_verify_names_a_row_whose_content_was_changed(app, runner):
    rows = _committed(5)
    _tamper('UPDATE audit_log SET after = \'{"name": "Palsu"}\' WHERE id = :id', id=rows[2].id)
    result = _verify(runner)
    assert result.exit_code == 1
    assert f"row id={rows[2].id} (seq 3) was changed" in result.output


def test_verify_names_a_row_rewritten_together_with_its_hash(app, runner):
    rows = _committed(4)
    forged = rows[1]
    db.session.expunge_all()
    forged.after = {"name": "Palsu"}
    _tamper(
        'UPDATE audit_log SET after = \'{"name": "Palsu"}\', row_hash = :h WHERE id = :id',
        h=audit_chain.hash_of(forged),
        id=forged.id,
    )
    result = _verify(runner)
    assert result.exit_code == 1
    assert f"row id={forged.id} (seq 2) was changed" in result.output


def test_verify_names_the_row_after_a_removed_one(app, runner):
    rows = _committed(5)
    _tamper("DELETE FROM audit_log WHERE id = :id", id=rows[2].id)
    result = _verify(runner)
    assert result.exit_code == 1
    assert f"row id={rows[3].id} (seq 4): seq 3..3 missing" in result.output


def test_verify_notices_the_first_row_removed(app, runner):
    rows = _committed(3)
    _tamper("DELETE FROM audit_log WHERE id = :id", id=rows[0].id)
    result = _verify(runner)
    assert result.exit_code == 1 and f"row id={rows[1].id} (seq 2): seq 1..1 missing" in result.output


def test_verify_newest_checks_only_the_last_rows(app, runner):
    rows = _committed(6)
    _tamper("UPDATE audit_log SET action = 'user.delete' WHERE id = :id", id=rows[0].id)
    assert _verify(runner, "--newest", "3").output.startswith("OK, 3 rows")
    _tamper("UPDATE audit_log SET ip = '10.0.0.1' WHERE id = :id", id=rows[4].id)
    result = _verify(runner, "--newest", "3")
    assert result.exit_code == 1 and f"row id={rows[4].id} (seq 5) was changed" in result.output


def test_backfill_chains_rows_written_before_the_chain(app, runner):
    rows = _committed(4)
    _tamper("UPDATE audit_log SET seq = id + 100, prev_hash = 'x', row_hash = 'y'")
    assert _verify(runner).exit_code == 1
    with db.engine.begin() as conn:
        postgres = conn.dialect.name == "postgresql"
        if postgres:  # the migration chains the rows before it creates the trigger
            conn.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only"))
        assert audit_chain.backfill(conn) == 4
        if postgres:
            conn.execute(text("ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only"))
    assert [(r.id, r.seq) for r in _rows()] == [(r.id, n) for n, r in enumerate(rows, 1)]
    assert _verify(runner).output.startswith("OK, 4 rows")


def _write_concurrently(app, threads: int, changes: int) -> list[BaseException]:
    """`threads` sessions at once, each committing `changes` transactions of two audit rows
    (every fifth rolled back after its rows were flushed)."""
    errors: list[BaseException] = []
    start = threading.Barrier(threads)

    def work(worker: int) -> None:
        try:
            with app.app_context():
                start.wait()
                for n in range(changes):
                    audit.record("topic.update", ("Topic", worker), after={"n": n, "part": 1})
                    db.session.flush()
                    audit.record("topic.update", ("Topic", worker), after={"n": n, "part": 2})
                    if n % 5 == 4:
                        db.session.rollback()
                    else:
                        db.session.commit()
                db.session.remove()
        except BaseException as exc:  # reported by the test
            errors.append(exc)

    workers = [threading.Thread(target=work, args=(w,)) for w in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    return errors


@pytest.mark.postgres
def test_concurrent_writers_keep_one_chain_on_postgresql(app, runner):
    assert _write_concurrently(app, threads=8, changes=10) == []
    rows = _rows()
    assert len(rows) == 8 * 8 * 2  # 8 of the 10 transactions of each thread committed
    result = _verify(runner)
    assert result.exit_code == 0 and result.output.startswith(f"OK, {len(rows)} rows")
    # Each transaction's two rows are neighbours: the lock is held until it commits.
    assert all(
        a.after["part"] == 1 and b.after["part"] == 2 for a, b in zip(rows[::2], rows[1::2], strict=True)
    )


def test_concurrent_writers_keep_one_chain_on_the_pass_database(app, runner):
    """SQLite's write lock in the SQLite pass; a second, smaller run in the PostgreSQL pass."""
    assert _write_concurrently(app, threads=4, changes=5) == []
    assert len(_rows()) == 4 * 4 * 2
    assert _verify(runner).exit_code == 0


# --- PostgreSQL: the trigger ---------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_log SET action = 'user.delete'",
        "DELETE FROM audit_log",
        "TRUNCATE audit_log",
        "TRUNCATE users CASCADE",
    ],
)
def test_raw_sql_cannot_change_rows_on_postgresql(app, runner, statement):
    _committed(2)
    db.session.remove()
    with pytest.raises(DBAPIError, match="audit_log is append-only"), db.engine.begin() as conn:
        conn.execute(text(statement))
    assert [r.action for r in _rows()] == ["topic.update", "topic.update"]
    assert _verify(runner).exit_code == 0
