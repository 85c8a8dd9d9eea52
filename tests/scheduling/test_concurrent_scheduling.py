"""No double booking, proven: many coordinators book the same person or room at the same moment.

Each attempt runs in its own thread with its own application context, and so its own
database session and connection; a Barrier starts them together. Exactly one attempt wins;
every other one gets a SchedulingConflict (never a 500) and leaves nothing behind: its request
is still submitted and has no rows.

On PostgreSQL (marked `postgres`: they run in CI's PostgreSQL pass and fail, never skip, when
it is missing) the exclusion constraints are also shown to refuse an overlap by themselves.
The SQLite test runs on the suite's own database file in every pass.
"""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import time_machine
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.auth.models import User
from app.core.clock import now_utc
from app.domain.policy import Mode
from app.domain.states import RequestState
from app.extensions import db
from app.requests.models import ConsultationRequest
from app.scheduling import conflicts, services
from app.scheduling.conflicts import SchedulingConflict, exclusion_constraint
from app.scheduling.models import AssignmentStatus, NarasumberAssignment, RoomBooking
from tests import factories
from tests.requests.helpers import NOW
from tests.scheduling.factories import coordinator, narasumber, wib

DAY = "2026-12-08"


@pytest.fixture(autouse=True)
def _frozen():
    """A week before DAY (tests.requests.helpers.NOW): the sessions booked on DAY stay in the
    future whatever the real date ("Waktu mulai sudah lewat" refused them once it passed)."""
    with time_machine.travel(NOW, tick=False):
        yield


def _attempt(app, barrier, request_id: int, actor_id: int, **booking) -> str:
    """One coordinator's attempt, in its own thread: "ok", or the conflict's message."""
    with app.test_request_context():
        try:
            barrier.wait(timeout=60)
            req = db.session.get(ConsultationRequest, request_id)
            actor = db.session.get(User, actor_id)
            services.schedule(req, actor=actor, **booking)
            services.commit_or_conflict()
            return "ok"
        except SchedulingConflict as exc:
            return exc.message
        except Exception as exc:  # anything else would be a 500: report it, do not hide it
            db.session.rollback()
            return f"ERROR {exc!r}"
        finally:
            db.session.remove()


def _race(app, n: int, booking_of) -> tuple[list[int], list[str]]:
    """Start n attempts together; booking_of(i) gives attempt i's request id and booking."""
    pemda = factories.pemda_user(factories.JAYAPURA)
    boss = coordinator()
    jobs = [booking_of(i, pemda) for i in range(n)]
    db.session.commit()  # the threads read these rows through their own connections
    request_ids = [req.id for req, _booking in jobs]
    barrier = threading.Barrier(n)
    with ThreadPoolExecutor(max_workers=n) as pool:
        futures = [pool.submit(_attempt, app, barrier, req.id, boss.id, **booking) for req, booking in jobs]
        results = [f.result(timeout=120) for f in futures]
    db.session.expire_all()
    return request_ids, results


def _assert_exactly_one_booked(request_ids: list[int], results: list[str], *expected: str) -> None:
    """One "ok"; every other result one of the `expected` conflict messages (fragments)."""
    assert not [r for r in results if r.startswith("ERROR")], results
    assert results.count("ok") == 1, results
    assert all(any(e in r for e in expected) for r in results if r != "ok"), results
    states = db.session.scalars(
        select(ConsultationRequest.state).where(ConsultationRequest.id.in_(request_ids))
    ).all()
    assert sorted(states) == sorted(
        [RequestState.SCHEDULED] + [RequestState.SUBMITTED] * (len(request_ids) - 1)
    )
    [winner] = db.session.scalars(
        select(ConsultationRequest).where(ConsultationRequest.state == RequestState.SCHEDULED)
    ).all()
    # The losers left no rows at all, not even inactive ones.
    assert {a.request_id for a in db.session.scalars(select(NarasumberAssignment))} == {winner.id}
    assert {b.request_id for b in db.session.scalars(select(RoomBooking))} <= {winner.id}


def _same_person_race(app, n: int):
    person = narasumber("Budi Santoso", max_per_day=n, max_per_week=n)

    def booking_of(i, pemda):
        req = factories.consultation(pemda, mode=Mode.VC)
        # Overlapping, not identical: each starts a minute after the previous one.
        start = wib(DAY, f"09:{i:02d}")
        return req, {"start": start, "end": wib(DAY, "11:00"), "narasumber_ids": [person.id]}

    request_ids, results = _race(app, n, booking_of)
    _assert_exactly_one_booked(
        request_ids,
        results,
        "Narasumber Budi Santoso sudah terjadwal pada",  # the checks, under the lock
        "Narasumber yang dipilih baru saja dijadwalkan",  # PostgreSQL's exclusion constraint
    )
    active = db.session.scalar(
        select(func.count()).where(
            NarasumberAssignment.narasumber_id == person.id, NarasumberAssignment.active
        )
    )
    assert active == 1


def test_concurrent_sqlite_ten_attempts_book_one_narasumber_once(app):
    _same_person_race(app, 10)


@pytest.mark.postgres
def test_concurrent_fifty_attempts_book_one_narasumber_once(app, postgres_url):
    _same_person_race(app, 50)


@pytest.mark.postgres
def test_concurrent_fifty_attempts_book_one_room_once(app, postgres_url):
    room = factories.room("Ruang Konsultasi 1", capacity=20)

    def booking_of(i, pemda):
        req = factories.consultation(pemda, mode=Mode.FTF)
        person = narasumber()  # a different person each: only the room is shared
        start = wib(DAY, f"09:{i:02d}")
        return req, {
            "start": start,
            "end": wib(DAY, "11:00"),
            "narasumber_ids": [person.id],
            "room_id": room.id,
        }

    request_ids, results = _race(app, 50, booking_of)
    _assert_exactly_one_booked(
        request_ids,
        results,
        "Ruang yang dipilih (Ruang Konsultasi 1) sudah dipakai pada",
        "Ruang yang dipilih (Ruang Konsultasi 1) baru saja dipesan",
    )
    active = db.session.scalar(select(func.count()).where(RoomBooking.room_id == room.id, RoomBooking.active))
    assert active == 1


# The exclusion constraints by themselves (PostgreSQL) ----------------------------------------


@pytest.fixture
def booked(app):
    """A VC session for one person and an FTF one in one room, both 09:00-10:00 WIB, saved."""
    pemda = factories.pemda_user(factories.BREBES)
    boss = coordinator()
    person = narasumber("Budi Santoso")
    room = factories.room("Ruang Konsultasi 1")
    first = factories.consultation(pemda, mode=Mode.FTF)
    second = factories.consultation(pemda, mode=Mode.VC)
    with app.test_request_context():
        services.schedule(
            first,
            start=wib(DAY, "09:00"),
            end=wib(DAY, "10:00"),
            narasumber_ids=[person.id],
            room_id=room.id,
            actor=boss,
        )
        services.commit_or_conflict()
    return {"pemda": pemda, "boss": boss, "person": person, "room": room, "first": first, "second": second}


def _raw_assignment(req, person_id: int, start, end, active: bool = True) -> NarasumberAssignment:
    row = NarasumberAssignment(
        request_id=req.id,
        narasumber_id=person_id,
        start=start,
        end=end,
        active=active,
        status=AssignmentStatus.ASSIGNED if active else AssignmentStatus.RELEASED,
        topic_codes=[],
        assigned_at=now_utc(),
    )
    db.session.add(row)
    return row


@pytest.mark.postgres
def test_concurrent_exclusion_constraints_refuse_direct_overlapping_inserts(app, postgres_url, booked):
    second, person, room = booked["second"], booked["person"], booked["room"]
    _raw_assignment(second, person.id, wib(DAY, "09:30"), wib(DAY, "10:30"))
    with pytest.raises(IntegrityError) as refused:
        db.session.commit()
    assert exclusion_constraint(refused.value) == "ex_narasumber_assignments_no_overlap"
    db.session.rollback()

    db.session.add(
        RoomBooking(
            request_id=second.id,
            room_id=room.id,
            start=wib(DAY, "09:59"),
            end=wib(DAY, "10:30"),
            active=True,
            created_at=now_utc(),
        )
    )
    with pytest.raises(IntegrityError) as refused:
        db.session.commit()
    assert exclusion_constraint(refused.value) == "ex_room_bookings_no_overlap"
    db.session.rollback()

    # Inactive rows, and rows that only touch ([start, end)), are allowed.
    _raw_assignment(second, person.id, wib(DAY, "09:00"), wib(DAY, "10:00"), active=False)
    _raw_assignment(second, person.id, wib(DAY, "10:00"), wib(DAY, "11:00"))
    db.session.commit()


@pytest.mark.postgres
def test_concurrent_service_turns_an_exclusion_violation_into_a_conflict(
    app, postgres_url, booked, monkeypatch
):
    """Were the service's own checks to miss an overlap, PostgreSQL still refuses it."""
    second, person, boss = booked["second"], booked["person"], booked["boss"]
    monkeypatch.setattr(conflicts, "_overlapping", lambda *args, **kwargs: None)
    with app.test_request_context():
        with pytest.raises(SchedulingConflict) as refused:
            services.schedule(
                second,
                start=wib(DAY, "09:30"),
                end=wib(DAY, "10:30"),
                narasumber_ids=[person.id],
                actor=boss,
            )
        assert "Narasumber yang dipilih baru saja dijadwalkan" in refused.value.message
        assert refused.value.field == "narasumber_ids"
    db.session.refresh(second)
    assert second.state == RequestState.SUBMITTED and second.assignments == []

    # The same at commit time (commit_or_conflict), for a row the checks never saw.
    _raw_assignment(second, person.id, wib(DAY, "09:15"), wib(DAY, "09:45"))
    with app.test_request_context(), pytest.raises(SchedulingConflict):
        services.commit_or_conflict()
    assert db.session.scalar(select(func.count()).select_from(NarasumberAssignment)) == 1
