"""Stored reports (app.reports.snapshots): served while their data is unchanged, rebuilt after
any commit that changes it, never older than the data a reader could see."""

import hashlib
import threading
from datetime import date, timedelta

import pytest
from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from app.auth.models import Role
from app.compliance.models import Breach
from app.domain.months import month_bounds
from app.domain.policy import Mode
from app.domain.states import IllegalTransition, RequestState
from app.extensions import db
from app.history.models import HistorySession
from app.regions.models import Region
from app.reports import snapshots
from app.reports.build import build_report
from app.reports.models import ReportDataVersion, ReportSnapshot
from app.reports.tasks import refresh_report_snapshots
from app.requests.models import ConsultationRequest
from app.satisfaction.models import SatisfactionRating
from app.scheduling import decisions
from tests import factories
from tests.reports.conftest import APRIL, NOW, wib
from tests.reports.test_query_count import counting


def version() -> int:
    return db.session.scalar(select(ReportDataVersion.value).where(ReportDataVersion.id == 1))


def stored() -> list[tuple[date, int]]:
    return db.session.execute(select(ReportSnapshot.month, ReportSnapshot.data_version)).all()


def fresh(month: date = APRIL) -> dict:
    return build_report(month).to_json()


def served(month: date = APRIL) -> dict:
    data = snapshots.report_json(month)
    db.session.commit()
    return data


def held_request(mode: Mode = Mode.VC) -> ConsultationRequest:
    return db.session.scalars(
        select(ConsultationRequest)
        .where(
            ConsultationRequest.state == RequestState.HELD,
            ConsultationRequest.mode == mode,
            ConsultationRequest.scheduled_start >= month_bounds(APRIL)[0],
        )
        .order_by(ConsultationRequest.scheduled_start)
    ).first()


def test_the_report_comes_back_whole_from_its_json(april):
    report = build_report(april)
    assert report.video_conference.sessions and report.breaches.by_type and report.summary
    assert snapshots.report_from_json(report.to_json()) == report


def test_a_second_read_is_one_statement_and_the_same_report(april):
    first = served()
    assert stored() == [(APRIL, version())]
    with counting() as statements:
        second = snapshots.report_json(APRIL)
    assert len(statements) == 1
    assert second == first == fresh()
    assert snapshots.monthly_report(APRIL) == build_report(APRIL)


def test_a_report_read_and_not_committed_is_not_kept(april):
    snapshots.report_json(APRIL)
    db.session.rollback()
    assert stored() == []


def _hold_to_cancelled():
    held_request().state = RequestState.CANCELLED


def _other_topics():
    held_request().topics = [factories.topic("PDRD")]


def _moved_to_may():
    req = held_request()
    req.scheduled_start += timedelta(days=40)


def _history_in_bulk():
    db.session.execute(
        insert(HistorySession),
        [
            {
                "batch_id": db.session.scalar(select(HistorySession.batch_id).limit(1)),
                "mode": Mode.FTF,
                "session_date": date(2023, 4, 27),
                "region_id": factories.region(factories.JAYAPURA).id,
                "unit_type": "pemda",
                "service_user": "Kota Jayapura",
                "row_number": 99,
                "fingerprint": hashlib.sha256(b"bulk").hexdigest(),
            }
        ],
    )


def _history_deleted():
    db.session.execute(delete(HistorySession).where(HistorySession.session_date == date(2023, 4, 12)))


def _breach_voided():
    breach = db.session.scalars(select(Breach).where(Breach.voided_at.is_(None))).first()
    breach.voided_at, breach.void_reason = NOW, "keliru"


def _breach_voided_in_bulk():
    db.session.execute(update(Breach).values(voided_at=NOW, void_reason="keliru"))


def _rating_added():
    req = held_request(Mode.FTF)
    db.session.add(
        SatisfactionRating(
            request_id=req.id, service_score=1, substance_score=1, rated_by_id=req.created_by_id, rated_at=NOW
        )
    )


def _topic_renamed():
    factories.topic("DAU").code = "DAU-X"


CHANGES = [
    _hold_to_cancelled,
    _other_topics,
    _moved_to_may,
    _history_in_bulk,
    _history_deleted,
    _breach_voided,
    _breach_voided_in_bulk,
    _rating_added,
    _topic_renamed,
]


@pytest.mark.parametrize("change", CHANGES, ids=[c.__name__.strip("_") for c in CHANGES])
def test_a_committed_change_is_in_the_next_read(april, change):
    before = served()
    start = version()
    change()
    db.session.commit()
    assert version() == start + 1
    after = served()
    assert after == fresh()
    assert after != before
    assert stored() == [(APRIL, start + 1)]


def test_a_renamed_region_is_in_the_next_read(april):
    before = served()
    region = factories.region(factories.BALIKPAPAN)
    old = region.display_name
    try:
        region.display_name = "Kota Balikpapan Baru"
        db.session.commit()
        after = served()
        assert after == fresh() != before
        assert any(s["service_user"] == "Kota Balikpapan Baru" for s in after["video_conference"]["sessions"])
    finally:
        db.session.execute(update(Region).where(Region.id == region.id).values(display_name=old))
        db.session.commit()


def test_workflow_details_and_rolled_back_changes_keep_the_snapshot(april):
    served()
    start = version()
    req = held_request()
    req.state_reason = "catatan koordinator"
    req.agenda = "Agenda diperbarui"
    db.session.commit()
    held_request().state = RequestState.CANCELLED
    db.session.flush()
    db.session.rollback()
    assert version() == start
    with counting() as statements:
        snapshots.report_json(APRIL)
    assert len(statements) == 1


def test_a_change_inside_a_savepoint_raises_the_version_once_at_the_commit(april):
    served()
    start = version()
    with db.session.begin_nested():
        held_request().state = RequestState.CANCELLED
    assert version() == start  # not before the outer commit
    db.session.commit()
    assert version() == start + 1
    assert served() == fresh()


def test_an_older_build_never_replaces_a_newer_one(april):
    served()
    current = version()
    snapshots._store(APRIL, current + 5, {"month": "newer"})
    snapshots._store(APRIL, current + 2, {"month": "older"})
    db.session.commit()
    assert stored() == [(APRIL, current + 5)]
    assert db.session.scalar(select(ReportSnapshot.payload)) == '{"month":"newer"}'


def test_a_commit_during_a_build_is_in_the_next_read(app, april, monkeypatch):
    """A writer on another connection commits between the reader's version read and its
    build: the reader's snapshot is stored under the old version and not served again."""
    start = version()
    real_build = snapshots.build_report

    def build_while_someone_writes(month):
        with Session(db.engine) as other:
            req = other.scalars(
                select(ConsultationRequest)
                .where(ConsultationRequest.state == RequestState.HELD)
                .order_by(ConsultationRequest.scheduled_start)
            ).first()
            req.state = RequestState.NO_SHOW
            other.commit()
        return real_build(month)

    monkeypatch.setattr(snapshots, "build_report", build_while_someone_writes)
    built = served()
    monkeypatch.setattr(snapshots, "build_report", real_build)
    assert stored() == [(APRIL, start)]
    assert version() == start + 1
    assert served() == fresh()
    assert stored() == [(APRIL, start + 1)]
    assert (
        built["video_conference"]["no_show"] + 1 == fresh()["video_conference"]["no_show"] or built == fresh()
    )


def test_two_readers_at_once_both_get_the_report(app, april):
    expected = fresh()
    db.session.commit()
    barrier = threading.Barrier(2)
    results, errors = [], []

    def read():
        with app.app_context():
            try:
                barrier.wait(timeout=10)
                results.append(snapshots.report_json(APRIL))
                db.session.commit()
            except Exception as exc:  # pragma: no cover - reported below
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=read) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert errors == []
    assert results == [expected, expected]
    assert stored() == [(APRIL, version())]


def test_clear_snapshots_command(app, april, runner):
    served()
    result = runner.invoke(args=["report", "clear-snapshots"])
    assert result.exit_code == 0, result.output
    assert "Dropped 1 stored report(s)." in result.output
    db.session.rollback()
    assert stored() == []


def test_months_to_come_are_built_but_not_kept(april):
    assert snapshots.report_json(date(2023, 6, 1)) == fresh(date(2023, 6, 1))  # frozen in May 2023
    db.session.commit()
    served(date(2023, 5, 1))
    assert stored() == [(date(2023, 5, 1), version())]


def test_a_request_is_in_reports_once_scheduled(april, builder):
    """Submitting and editing a request never scheduled change no report; scheduling it,
    confirming it and holding it each do."""
    served()
    start = version()
    req = factories.consultation(builder.operator(factories.BREBES), mode=Mode.VC, with_letter=False)
    db.session.commit()
    assert req.scheduled_start is None and version() == start
    req.mode = Mode.FTF
    req.topics = [factories.topic("DBH")]
    req.state = RequestState.CHANGES_REQUESTED
    db.session.commit()
    assert version() == start
    req.state, req.scheduled_start, req.scheduled_end = RequestState.SCHEDULED, NOW, NOW + timedelta(hours=1)
    db.session.commit()
    assert version() == start + 1
    req.agenda = "Agenda baru"  # not read by any report
    db.session.commit()
    assert version() == start + 1
    req.state = RequestState.CONFIRMED
    db.session.commit()
    assert version() == start + 2


def test_a_change_to_an_expired_held_request_is_seen(april):
    served()
    req = held_request()
    db.session.commit()  # expires every loaded attribute, the state included
    start = version()
    req.scheduled_start = req.scheduled_start + timedelta(days=40)
    db.session.commit()
    assert version() == start + 1
    assert served() == fresh()


def test_leaving_the_reported_states_from_an_expired_request_is_seen(april):
    served()
    req = held_request()
    db.session.commit()  # the old state is not loaded until the new one is set
    start = version()
    req.state = RequestState.CONFIRMED
    db.session.commit()
    assert version() == start + 1
    assert served() == fresh()


def test_the_job_keeps_this_and_last_month_stored(april):
    now = NOW  # 10 May 2023 WIB
    assert refresh_report_snapshots(now) == 2
    assert sorted(stored()) == [(APRIL, version()), (date(2023, 5, 1), version())]
    assert refresh_report_snapshots(now) == 0  # nothing changed
    _hold_to_cancelled()
    db.session.commit()
    assert refresh_report_snapshots(now) == 2
    assert sorted(stored()) == [(APRIL, version()), (date(2023, 5, 1), version())]
    with counting() as statements:
        data = snapshots.report_json(APRIL)
    assert len(statements) == 1
    assert data == fresh()


def test_a_stale_page_cannot_convert_a_session_held_meanwhile(app, april, builder):
    """The coordinator's page loaded a scheduled face-to-face session; the front desk marks it
    held; converting it to VC from the stale page is refused, and the report stays true."""
    coordinator = factories.user(Role.COORDINATOR, name="Koordinator")
    req = builder.live(
        factories.BALIKPAPAN, wib(2023, 4, 20, 9), Mode.FTF, ["DAU"], state=RequestState.SCHEDULED
    )
    db.session.commit()
    assert req.state == RequestState.SCHEDULED  # as the page loaded it
    with Session(db.engine) as desk:
        desk.get(ConsultationRequest, req.id).state = RequestState.HELD
        desk.commit()
    before = served()
    assert before["face_to_face"]["count"] == 3
    with pytest.raises(IllegalTransition):
        decisions.convert_to_vc(
            req, actor=coordinator, reason="VC saja", meeting_url="https://meet.example/x"
        )
    db.session.rollback()
    assert served() == fresh() == before


def test_a_mode_change_of_a_scheduled_request_counts_whatever_state_was_loaded(april, builder):
    req = builder.live(
        factories.BALIKPAPAN, wib(2023, 4, 20, 9), Mode.FTF, ["DAU"], state=RequestState.SCHEDULED
    )
    db.session.commit()
    start = version()
    req.mode = Mode.VC
    db.session.commit()
    assert version() == start + 1


def test_clearing_during_a_build_is_not_undone_by_it(app, april, monkeypatch):
    """Data changed by hand in a console (not counted), then `clear-snapshots`, while a reader
    builds from the data before: the reader's build is not served afterwards."""
    real_build = snapshots.build_report

    def build_then_edit_by_hand(month):
        report = real_build(month)
        with Session(db.engine) as console:
            console.connection().exec_driver_sql(
                "UPDATE consultation_requests SET state = 'cancelled' WHERE state = 'held'"
            )
            console.commit()
        with app.app_context():
            snapshots.clear()
            db.session.commit()
        return report

    monkeypatch.setattr(snapshots, "build_report", build_then_edit_by_hand)
    served()
    monkeypatch.setattr(snapshots, "build_report", real_build)
    after = served()
    assert after == fresh()
    assert after["video_conference"]["count"] == 1  # only the imported session is still held


def test_this_transactions_own_changes_are_in_its_report(april):
    served()
    held_request().state = RequestState.CANCELLED
    db.session.flush()
    assert snapshots.report_json(APRIL) == fresh()
    db.session.rollback()
    assert snapshots.report_json(APRIL) == fresh()


def test_reports_built_by_other_code_are_not_served(april, monkeypatch):
    served()
    monkeypatch.setattr(snapshots, "report_code", lambda: "after-a-deploy")
    with counting() as statements:
        assert snapshots.report_json(APRIL) == fresh()
    assert len(statements) > 1  # built again
    db.session.commit()
    assert db.session.scalar(select(ReportSnapshot.code_version)) == "after-a-deploy"
    with counting() as statements:
        snapshots.report_json(APRIL)
    assert len(statements) == 1


def test_a_busy_database_costs_the_keeping_not_the_report(app, april):
    """Another transaction holds what storing needs longer than a statement may wait: the
    report is read all the same, and kept on a later read."""
    served()
    old = version()
    snapshots.raise_version(db.session)
    db.session.commit()
    expected = fresh()
    sqlite = db.engine.dialect.name == "sqlite"
    other = db.engine.connect()
    # The pooled DBAPI connection itself: after the commit the session may check out another
    # one, and a busy_timeout left at 50 ms on this one would make a later test that writes
    # from several threads (tests/outbox/test_concurrency.py) fail with "database is locked".
    raw = db.session.connection().connection.dbapi_connection
    busy_timeout = raw.execute("PRAGMA busy_timeout").fetchone()[0] if sqlite else None
    try:
        if sqlite:
            other.exec_driver_sql("BEGIN IMMEDIATE")  # the database write lock
            raw.execute("PRAGMA busy_timeout=50")
        else:
            other.exec_driver_sql("SELECT 1 FROM report_snapshots FOR UPDATE")  # the month's row
            db.session.connection().exec_driver_sql("SET LOCAL lock_timeout = '50ms'")
        assert snapshots.report_json(APRIL) == expected
        db.session.commit()
    finally:
        other.rollback()
        other.close()
        if sqlite:
            raw.execute(f"PRAGMA busy_timeout={int(busy_timeout)}")
    assert stored() == [(APRIL, old)]
    assert served() == expected
    assert stored() == [(APRIL, old + 1)]
