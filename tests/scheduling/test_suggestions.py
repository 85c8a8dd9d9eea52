"""Suggestions from the database: app/scheduling/suggestions.py over real rows."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event

from app.auth.models import UnitType
from app.domain.policy import WIB, Mode, PolicyValues
from app.domain.slots import Reason
from app.domain.states import RequestState
from app.extensions import db
from app.policy.services import create_version
from app.scheduling.models import AssignmentStatus
from app.scheduling.suggestions import reason_text, slot_request, suggest_people, suggest_slots
from tests import factories
from tests.scheduling.factories import narasumber, unavailable
from tests.scheduling.factories_slots import asking, held

NOW = datetime(2026, 11, 30, 9, tzinfo=WIB)  # Monday


def wib(day: int, hour: int, minute: int = 0, month: int = 12) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=WIB)


@pytest.fixture
def topics(app):
    return {
        "DAU": factories.topic("DAU", "Dana Alokasi Umum"),
        "DBH": factories.topic("DBH", "Dana Bagi Hasil"),
        "PDRD": factories.topic("PDRD", "Pajak Daerah dan Retribusi Daerah"),
    }


@pytest.fixture
def owner(app):
    return factories.pemda_user(factories.BREBES)


def ask(owner, topics, *codes, windows=None, mode=Mode.FTF, guests=3):
    return asking(
        owner,
        windows or [(wib(8, 9), wib(8, 11))],
        topics=[topics[c] for c in codes],
        mode=mode,
        guests=guests,
        submitted_at=NOW - timedelta(hours=1),
    )


def test_a_window_slot_with_people_covering_every_topic_and_a_room_that_fits(topics, owner):
    ani = narasumber("Ani", topics=[topics["DAU"], topics["DBH"]])
    budi = narasumber("Budi", topics=[topics["PDRD"]])
    factories.room("Ruang Kecil", capacity=4)
    room = factories.room("Ruang Sedang", capacity=8)
    req = ask(owner, topics, "DAU", "DBH", "PDRD", guests=3)

    found = suggest_slots(req, now=NOW)

    first = found[0]
    assert first.start == wib(8, 9).astimezone(UTC) and first.start.tzinfo == UTC
    assert first.window_index == 0
    assert [rp.person.id for rp in first.people] == [ani.id, budi.id]
    assert first.room.id == room.id  # 3 guests + 2 narasumber do not fit the small room
    assert first.people[0].person.name == "Ani"


def test_other_sessions_block_their_people_but_released_ones_and_the_requests_own_do_not(topics, owner):
    ani = narasumber("Ani", topics=[topics["DAU"]])
    factories.room(capacity=10)
    req = ask(owner, topics, "DAU", mode=Mode.VC)
    held(owner, wib(8, 9), [(ani, ["DAU"])])
    held(owner, wib(8, 10), [(ani, ["DAU"])], status=AssignmentStatus.RELEASED, active=False)

    # Only 10:00 is left in the window (09:00-11:00); then the fallback days, from 08:00.
    assert [s.start for s in suggest_slots(req, now=NOW)][:2] == [wib(8, 10), wib(8, 8)]

    other = ask(owner, topics, "DAU", mode=Mode.VC, windows=[(wib(9, 9), wib(9, 10))])
    other.state = RequestState.SCHEDULED
    held_self = held(owner, wib(9, 9), [(ani, ["DAU"])])
    other.assignments = list(held_self.assignments)  # the request's own session, being moved
    db.session.flush()
    assert suggest_slots(other, now=NOW)[0].start == wib(9, 9)


def test_leave_moves_the_search_to_the_next_working_day(topics, owner):
    ani = narasumber("Ani", topics=[topics["DAU"]])
    unavailable(ani, wib(8, 0), wib(9, 0))
    req = ask(owner, topics, "DAU", mode=Mode.VC)

    found = suggest_slots(req, now=NOW)

    assert found[0].start == wib(9, 8) and not found[0].in_window


def test_a_booked_room_gives_way_and_an_inactive_room_is_never_offered(topics, owner):
    ani = narasumber("Ani", topics=[topics["DAU"]])
    small = factories.room("Ruang 1", capacity=6)
    large = factories.room("Ruang 2", capacity=12)
    closed = factories.room("Ruang 3", capacity=8)
    closed.active = False
    other = narasumber("Lain", topics=[topics["PDRD"]])
    held(owner, wib(8, 9), [(other, ["PDRD"])], room=small)
    req = ask(owner, topics, "DAU")

    found = suggest_slots(req, now=NOW)

    assert found[0].start == wib(8, 9) and found[0].room.id == large.id
    assert found[2].start == wib(8, 10) and found[2].room.id == small.id
    assert all(s.room.id != closed.id for s in found)
    assert [rp.person.id for rp in found[0].people] == [ani.id]


def test_a_deactivated_narasumber_is_never_suggested(topics, owner):
    ani = narasumber("Ani", topics=[topics["DAU"]])
    ani.user.deactivated_at = NOW
    req = ask(owner, topics, "DAU", mode=Mode.VC)

    assert suggest_slots(req, now=NOW) == []


def test_a_video_conference_gets_no_room(topics, owner):
    narasumber("Ani", topics=[topics["DAU"]])
    factories.room(capacity=10)
    req = ask(owner, topics, "DAU", mode=Mode.VC)

    assert all(s.room is None for s in suggest_slots(req, now=NOW))


def test_continuity_counts_this_pemda_and_unit_only_then_fairness_from_the_database(topics, owner):
    cici = narasumber("Cici", topics=[topics["DAU"]])
    dedi = narasumber("Dedi", topics=[topics["DAU"]])
    eko = narasumber("Eko", topics=[topics["DAU"]])
    fajar = narasumber("Fajar", topics=[topics["DAU"]])
    dprd = factories.pemda_user(factories.BREBES, unit_type=UnitType.DPRD)
    held(owner, wib(10, 9, month=11), [(cici, ["DAU"])], state=RequestState.HELD)
    held(dprd, wib(11, 9, month=11), [(dedi, ["DAU"])], state=RequestState.HELD)
    held(owner, wib(12, 9, month=11), [(eko, ["DBH"])], state=RequestState.HELD)
    held(owner, wib(13, 9, month=11), [(eko, ["DAU"])], state=RequestState.CANCELLED, active=False)
    held(dprd, wib(16, 9, month=11), [(eko, ["DAU"])], state=RequestState.HELD)
    req = ask(owner, topics, "DAU", mode=Mode.VC)

    ranked = suggest_people(req, wib(8, 9), wib(8, 10), now=NOW)

    assert [rp.person.id for rp in ranked] == [cici.id, fajar.id, dedi.id, eko.id]
    assert ranked[0].continuity == ("DAU",)
    assert ranked[2].month_count == 1 and ranked[2].last_session == wib(11, 9, month=11)
    assert ranked[3].month_count == 2 and ranked[3].continuity == ()
    assert ranked[1].last_session is None
    assert suggest_slots(req, now=NOW)[0].people[0].person.id == cici.id


def test_replacements_leave_out_the_assigned_the_excluded_and_the_busy(topics, owner):
    ani = narasumber("Ani", topics=[topics["DAU"]])
    budi = narasumber("Budi", topics=[topics["DAU"]])
    cici = narasumber("Cici", topics=[topics["DAU"]])
    dedi = narasumber("Dedi", topics=[topics["DAU"]])
    eko = narasumber("Eko", topics=[topics["DAU"]])
    req = held(owner, wib(8, 9), [(ani, ["DAU"])], topics=[topics["DAU"]])
    held(owner, wib(8, 9, 30), [(cici, ["DAU"])])
    unavailable(dedi, wib(8, 0), wib(9, 0))

    ranked = suggest_people(req, wib(8, 9), wib(8, 10), now=NOW, exclude_ids=[budi.id])

    assert [rp.person.id for rp in ranked] == [eko.id]


def test_the_requests_own_policy_version_sets_the_session_length(topics, owner):
    narasumber("Ani", topics=[topics["DAU"]])
    version = create_version(PolicyValues(session_minutes=90), NOW - timedelta(days=30))
    req = ask(owner, topics, "DAU", mode=Mode.VC)
    req.policy_version_id = version.id
    db.session.flush()

    found = suggest_slots(req, now=NOW)

    assert [s.start for s in found if s.in_window] == [wib(8, 9), wib(8, 9, 30)]
    assert found[0].end - found[0].start == timedelta(minutes=90)


def _statements_during(fn) -> list[str]:
    seen = []

    def count(conn, cursor, statement, *args):
        seen.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        fn()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return seen


def test_a_few_queries_however_many_people_and_sessions(topics, owner):
    people = [narasumber(f"N{i}", topics=[topics["DAU"], topics["DBH"]]) for i in range(6)]
    factories.room(capacity=10)
    for i, person in enumerate(people):
        held(owner, wib(8, 9) + timedelta(hours=i), [(person, ["DAU"])], state=RequestState.HELD)
    req = ask(owner, topics, "DAU", "DBH")
    db.session.commit()
    req_id = req.id

    def run():
        db.session.expunge_all()
        suggest_slots(db.session.get(type(req), req_id), now=NOW)

    statements = _statements_during(run)
    assert len(statements) <= 10, statements


def test_the_request_reads_the_same_from_its_objects_and_from_one_query(topics, owner):
    req = ask(
        owner, topics, "DBH", "DAU", windows=[(wib(9, 13), wib(9, 15)), (wib(8, 9), wib(8, 11))], guests=4
    )
    db.session.commit()
    from_objects = slot_request(req)
    db.session.expunge_all()
    from_query = slot_request(db.session.get(type(req), req.id))

    assert from_query == from_objects
    assert from_query.topic_codes == ("DAU", "DBH")  # in the topics' order
    assert [w.start for w in from_query.windows] == [wib(9, 13), wib(8, 9)]  # in preference order
    assert from_query.delegation_size == 4 and from_query.mode == Mode.FTF


def test_reasons_read_as_sentences(app):
    with app.test_request_context():
        assert reason_text(Reason("covers", ("DAU", "DBH"))) == "Menguasai DAU, DBH"
        assert reason_text(Reason("continuity", ("DAU",))) == "Pernah mendampingi Pemda ini untuk DAU"
        fairness = Reason("fairness", {"month_count": 2, "last": wib(3, 9, month=11)})
        assert reason_text(fairness) == "2 sesi bulan ini; terakhir 3 November 2026"
        never = Reason("fairness", {"month_count": 0, "last": None})
        assert reason_text(never) == "0 sesi bulan ini; belum pernah bertugas sebelumnya"
        with pytest.raises(ValueError):
            reason_text(Reason("mystery", ()))
