"""The audit log joins the caller's transaction and is append-only; datetimes are aware UTC."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import StatementError

from app.core import audit
from app.core.audit import AuditLog, AuditLogIsAppendOnly
from app.core.types import UTCDateTime
from app.domain.states import RequestState
from app.extensions import db
from tests import factories

FROZEN = datetime(2026, 12, 7, 2, 30, tzinfo=UTC)


def audit_count() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditLog))


@time_machine.travel(FROZEN, tick=False)
def test_record_writes_who_what_and_when(app):
    actor = factories.user()
    region = factories.region()
    audit.record(
        "region.rename",
        region,
        actor=actor,
        before={"state": RequestState.SUBMITTED, "day": date(2026, 12, 14)},
        after={"state": RequestState.SCHEDULED, "guests": [1, 2]},
    )
    db.session.commit()
    db.session.expire_all()
    entry = db.session.scalars(select(AuditLog)).one()
    assert (entry.action, entry.object_type, entry.object_id) == ("region.rename", "Region", str(region.id))
    assert entry.actor_id == actor.id
    assert entry.at == FROZEN and entry.at.tzinfo is not None
    assert entry.before == {"state": "submitted", "day": "2026-12-14"}
    assert entry.after == {"state": "scheduled", "guests": [1, 2]}
    assert entry.ip is None


def test_record_accepts_a_type_and_id_and_an_actor_id(app):
    actor_id = factories.user().id
    audit.record("request.create", ("ConsultationRequest", 42), actor=actor_id)
    entry = db.session.scalars(select(AuditLog)).one()
    assert (entry.object_type, entry.object_id, entry.actor_id) == ("ConsultationRequest", "42", actor_id)


def test_no_before_or_after_is_sql_null(app):
    audit.record("request.create", ("ConsultationRequest", 42), after={"state": "submitted"})
    db.session.commit()
    assert db.session.scalar(select(func.count()).where(AuditLog.before.is_(None))) == 1
    assert db.session.scalar(select(func.count()).where(AuditLog.after.is_(None))) == 0


def test_record_keeps_the_client_address_in_a_request(app):
    with app.test_request_context("/", environ_base={"REMOTE_ADDR": "203.0.113.9"}):
        entry = audit.record("user.login", ("User", 1))
    assert entry.ip == "203.0.113.9"


def test_record_commits_with_the_change(app):
    audit.record("user.create", factories.user())
    db.session.commit()
    assert audit_count() == 1


def test_record_rolls_back_with_the_change(app):
    user = factories.user()
    audit.record("user.create", user)
    db.session.flush()
    assert audit_count() == 1
    db.session.rollback()
    assert audit_count() == 0


def _committed_entry() -> AuditLog:
    entry = audit.record("user.create", ("User", 1), after={"name": "A"})
    db.session.commit()
    return entry


def test_rows_cannot_be_updated(app):
    entry = _committed_entry()
    entry.action = "user.delete"
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.flush()
    db.session.rollback()
    assert db.session.scalars(select(AuditLog.action)).one() == "user.create"


def test_rows_cannot_be_deleted(app):
    db.session.delete(_committed_entry())
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.flush()
    db.session.rollback()
    assert audit_count() == 1


@pytest.mark.parametrize(
    "statement",
    [update(AuditLog).values(action="user.delete"), delete(AuditLog)],
    ids=["bulk update", "bulk delete"],
)
def test_rows_cannot_be_changed_in_bulk_through_the_session(app, statement):
    _committed_entry()
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.execute(statement)
    db.session.rollback()
    assert db.session.scalars(select(AuditLog.action)).one() == "user.create"


# --- UTCDateTime --------------------------------------------------------------------------


def test_naive_datetimes_are_refused(app):
    audit.record("user.create", ("User", 1), at=datetime(2026, 12, 7, 9, 0))
    with pytest.raises(StatementError) as info:
        db.session.flush()
    assert isinstance(info.value.orig, ValueError)
    db.session.rollback()


def test_aware_datetimes_come_back_as_utc(app):
    in_papua = datetime(2026, 12, 7, 10, 0, tzinfo=ZoneInfo("Asia/Jayapura"))
    audit.record("user.create", ("User", 1), at=in_papua)
    db.session.commit()
    db.session.expire_all()
    at = db.session.scalars(select(AuditLog.at)).one()
    assert at == datetime(2026, 12, 7, 1, 0, tzinfo=UTC)
    assert at.utcoffset().total_seconds() == 0


def test_sqlite_stores_naive_utc_and_hands_back_aware_utc():
    column = UTCDateTime()
    dialect = sqlite.dialect()
    in_bali = datetime(2026, 12, 7, 9, 0, tzinfo=ZoneInfo("Asia/Makassar"))
    stored = column.process_bind_param(in_bali, dialect)
    assert stored == datetime(2026, 12, 7, 1, 0) and stored.tzinfo is None
    assert column.process_result_value(stored, dialect) == datetime(2026, 12, 7, 1, 0, tzinfo=UTC)
    assert column.process_result_value(stored, dialect).tzinfo is UTC
    assert column.process_bind_param(None, dialect) is None
    assert column.process_result_value(None, dialect) is None


def test_postgresql_gets_aware_utc():
    column = UTCDateTime()
    in_bali = datetime(2026, 12, 7, 9, 0, tzinfo=ZoneInfo("Asia/Makassar"))
    bound = column.process_bind_param(in_bali, postgresql.dialect())
    assert bound == in_bali and bound.tzinfo is UTC
    with pytest.raises(ValueError):
        column.process_bind_param(datetime(2026, 12, 7, 9, 0), postgresql.dialect())
