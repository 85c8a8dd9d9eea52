"""Two senders at once never deliver a row twice: threads, each with its own app context
(and so its own database session and connection), against a real SMTP server.

On SQLite the claim takes the write lock, which serialises claims; on PostgreSQL rows are
claimed with SELECT ... FOR UPDATE SKIP LOCKED, so a second sender skips locked rows instead
of waiting for them."""

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select, text

from app.core.clock import now_utc
from app.extensions import db
from app.outbox.models import OutboxMessage, OutboxState
from app.outbox.sender import claim, deliver_pending
from tests.outbox.helpers import queue, rows

EMAILS = 40


def _sender(app, barrier, worker: str) -> int:
    """One sender process: runs the job until nothing is due."""
    with app.app_context():
        try:
            barrier.wait(timeout=30)
            total = 0
            while sent := deliver_pending(limit=3, worker_id=worker):
                total += sent
            return total
        finally:
            db.session.remove()


def _race(app, smtp, senders: int) -> None:
    with app.test_request_context():
        for i in range(EMAILS):
            queue(to=f"orang{i}@brebeskab.go.id", dedupe_key=f"race:{i}")
        db.session.commit()
    barrier = threading.Barrier(senders)
    with ThreadPoolExecutor(max_workers=senders) as pool:
        futures = [pool.submit(_sender, app, barrier, f"worker-{n}") for n in range(senders)]
        counts = [f.result(timeout=120) for f in futures]
    assert sum(counts) == EMAILS
    recipients = Counter(to for r in smtp.received for to in r["to"])
    assert len(recipients) == EMAILS and set(recipients.values()) == {1}
    assert len(set(smtp.message_ids())) == EMAILS
    assert {r.state for r in rows()} == {OutboxState.SENT}
    assert {r.attempts for r in rows()} == {1}


def test_concurrent_senders_deliver_each_row_once(app, smtp, production_delivery):
    # SQLite in the default pass (the write lock serialises claims), PostgreSQL in its pass.
    _race(app, smtp, senders=4)


@pytest.mark.postgres
def test_concurrent_senders_on_postgres_deliver_each_row_once(app, smtp, production_delivery):
    assert db.engine.dialect.name == "postgresql"
    _race(app, smtp, senders=6)


@pytest.mark.postgres
def test_postgres_claim_skips_rows_locked_by_another_sender(app, smtp, production_delivery):
    with app.test_request_context():
        locked = queue(dedupe_key="locked")
        free = queue(dedupe_key="free")
        db.session.commit()
        locked_id, free_id = locked.id, free.id
    # Another sender is in the middle of claiming `locked`: it holds the row lock.
    with db.engine.connect() as other:
        other.execute(text("SELECT id FROM outbox_messages WHERE id = :id FOR UPDATE"), {"id": locked_id})
        claimed = claim(now=now_utc(), limit=10, worker_id="second")  # returns at once: no wait
        assert [e.id for e in claimed] == [free_id]
        other.rollback()
    db.session.expire_all()
    assert db.session.get(OutboxMessage, locked_id).state == OutboxState.PENDING
    assert db.session.scalar(select(OutboxMessage.locked_by).where(OutboxMessage.id == free_id)) == "second"
