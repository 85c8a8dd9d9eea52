"""PostgreSQL: a transaction that only read ends with COMMIT, so that psycopg's prepared
statements outlive it (app.core.db_setup.keep_prepared_statements); every other transaction
is still rolled back whole."""

import pytest
from sqlalchemy import func, select, text, update
from sqlalchemy.exc import DataError

from app.extensions import db
from app.regions.models import Region
from tests import factories

pytestmark = pytest.mark.postgres

BREBES = factories.BREBES


def _name_of_brebes() -> str:
    return db.session.scalar(select(Region.display_name).where(Region.code == BREBES))


def test_statements_run_by_read_only_transactions_stay_prepared(app):
    statement = select(Region.display_name).where(Region.code == BREBES)
    # One connection throughout (the pool hands its connections out in turn).
    with db.engine.connect() as conn:
        for _ in range(6):  # psycopg prepares a statement on its fifth run (prepare_threshold)
            conn.execute(statement)
            conn.rollback()  # as each request ends (Session.close(), the pool's reset)
        conn.execute(statement)
        prepared = conn.scalars(text("SELECT statement FROM pg_prepared_statements")).all()
        assert any("FROM regions" in s and "display_name" in s for s in prepared)
        conn.execute(update(Region).where(Region.code == "no such region").values(name="x"))
        conn.rollback()  # a transaction that wrote: a real ROLLBACK, which forgets them
        assert conn.scalars(text("SELECT statement FROM pg_prepared_statements")).all() == []


def test_a_connection_keeps_more_statements_than_psycopgs_default(app):
    """psycopg keeps 100 by default; the pages alone run more different statements."""
    with db.engine.connect() as conn:
        for n in range(150):
            for _ in range(6):  # prepared on the sixth run
                conn.execute(text(f"SELECT {n} AS n FROM regions WHERE code = :code"), {"code": BREBES})
            conn.rollback()
        prepared = conn.scalars(text("SELECT statement FROM pg_prepared_statements")).all()
        assert len([s for s in prepared if "AS n FROM regions" in s]) == 150


def test_a_transaction_that_wrote_is_still_rolled_back(app):
    before = _name_of_brebes()
    db.session.execute(update(Region).where(Region.code == BREBES).values(display_name="Kab. Keliru"))
    assert _name_of_brebes() == "Kab. Keliru"
    db.session.rollback()
    assert _name_of_brebes() == before


def test_a_write_after_reads_and_a_savepoint_are_rolled_back(app):
    before = _name_of_brebes()
    region = db.session.scalars(select(Region).where(Region.code == BREBES)).one()
    with db.session.begin_nested():
        region.display_name = "Kab. Di Savepoint"
    assert _name_of_brebes() == "Kab. Di Savepoint"
    db.session.rollback()
    db.session.expire_all()
    assert _name_of_brebes() == before


def test_a_transaction_in_error_is_rolled_back_and_the_session_goes_on(app):
    with pytest.raises(DataError):
        db.session.execute(select(func.sqrt(-1)))
    db.session.rollback()
    assert _name_of_brebes() is not None
    db.session.rollback()
