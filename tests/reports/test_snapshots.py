"""Stored reports (app.reports.snapshots): served while their data is unchanged, rebuilt after
any commit that changes it, never older than the data a reader could see."""

import hashlib
import threading
from datetime import date, timedelta

import pytest
from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from app.compliance.models import Breach
from app.domain.months import month_bounds
from app.domain.policy import Mode
from app.domain.states import RequestState
from app.extensions import db
from app.history.models import HistorySession
from app.regions.models import Region
from app.reports import snapshots
from app.reports.build import build_report
from app.reports.models import ReportDataVersion, ReportSnapshot
from app.reports.tasks import refresh_report_snapshots
from app.requests.models import ConsultationRequest
from app.satisfaction.models import SatisfactionRating
from tests import factories
from tests.reports.conftest import APRIL, NOW
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


def test_a_session_is_in_reports_only_from_its_outcome(april, builder):
    """Submitting, scheduling and confirming change no report; holding the session does."""
    served()
    start = version()
    req = builder.live(factories.BREBES, NOW, Mode.VC, ["DAU"], state=RequestState.SUBMITTED)
    db.session.commit()
    for state in (RequestState.SCHEDULED, RequestState.CONFIRMED):
        req.state = state
        req.scheduled_start = req.scheduled_start + timedelta(hours=1)
        db.session.commit()
    assert version() == start
    req.state = RequestState.HELD
    db.session.commit()
    assert version() == start + 1


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
