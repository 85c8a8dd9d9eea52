"""Slot search and narasumber ranking (app/domain/slots.py), on hand-made examples."""

from datetime import UTC, date, datetime, time, timedelta

from app.domain.policy import WIB, Mode, PolicyValues, Window
from app.domain.slots import (
    Board,
    Occupancy,
    Person,
    PersonHistory,
    RoomInfo,
    SlotRequest,
    fallback_days,
    find_slots,
    parse_working_hours,
    rank_people,
    search_horizon,
)
from app.domain.workdays import WorkCalendar

POLICY = PolicyValues()
CAL = WorkCalendar(days_off=())
NOW = datetime(2026, 11, 30, 9, tzinfo=WIB)  # Monday; FTF lead time allows Monday 7 December on
FULL = parse_working_hours({str(d): [["08:00", "16:00"]] for d in range(5)})
MORNINGS = parse_working_hours({str(d): [["08:00", "12:00"]] for d in range(5)})
BIG_ROOM = RoomInfo(1, "Ruang Rapat Besar", 20)


def wib(day: int, hour: int, minute: int = 0, month: int = 12) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=WIB)


def person(pid, *codes, hours=FULL, per_day=3, per_week=10, name=None):
    return Person(pid, name or f"Narasumber {pid}", frozenset(codes), hours, per_day, per_week)


def request(*windows, topics=("DAU",), mode=Mode.VC, guests=3, submitted=date(2026, 11, 30)):
    return SlotRequest(mode, tuple(topics), tuple(Window(a, b) for a, b in windows), guests, submitted)


def slots(req, people, rooms=(), occupancy=None, history=None, cal=CAL, now=NOW, limit=10):
    return find_slots(
        req,
        people,
        list(rooms),
        occupancy or Occupancy(),
        history or {},
        policy=POLICY,
        cal=cal,
        now=now,
        limit=limit,
    )


def starts(found):
    return [s.start.astimezone(WIB) for s in found]


# --- where a slot may be -------------------------------------------------------------------


def test_slots_of_a_window_start_at_its_start_every_half_hour_and_come_first():
    found = slots(request((wib(8, 8), wib(8, 10))), [person(1, "DAU")])
    assert starts(found)[:3] == [wib(8, 8), wib(8, 8, 30), wib(8, 9)]
    assert [s.window_index for s in found[:3]] == [0, 0, 0]
    assert all(not s.in_window for s in found[3:])
    assert found[0].start.tzinfo == UTC and found[0].end - found[0].start == timedelta(hours=1)


def test_a_slot_may_end_at_the_close_of_service_but_not_after():
    found = slots(request((wib(8, 15), wib(8, 17))), [person(1, "DAU")])
    assert [s.start.astimezone(WIB) for s in found if s.in_window] == [wib(8, 15)]


def test_a_window_before_opening_starts_at_eight():
    found = slots(request((wib(8, 7), wib(8, 9, 30))), [person(1, "DAU")])
    assert [s.start.astimezone(WIB) for s in found if s.in_window] == [wib(8, 8), wib(8, 8, 30)]


def test_an_earlier_preference_ranks_first_even_when_later_in_time():
    found = slots(request((wib(9, 10), wib(9, 11)), (wib(8, 10), wib(8, 11))), [person(1, "DAU")])
    assert [(s.window_index, s.start.astimezone(WIB)) for s in found[:2]] == [
        (0, wib(9, 10)),
        (1, wib(8, 10)),
    ]


def test_a_holiday_is_skipped_and_the_next_working_days_are_offered():
    cal = WorkCalendar(days_off={date(2026, 12, 8)})
    found = slots(request((wib(8, 9), wib(8, 12))), [person(1, "DAU")], cal=cal)
    assert found and all(s.start.astimezone(WIB).date() != date(2026, 12, 8) for s in found)
    assert starts(found)[0] == wib(9, 8)
    assert not found[0].in_window


def test_fallback_days_skip_the_weekend_and_never_offer_today():
    friday = request((wib(11, 9), wib(11, 10)))
    assert fallback_days(friday, POLICY, CAL, NOW, 3) == [
        date(2026, 12, 11),
        date(2026, 12, 14),
        date(2026, 12, 15),
    ]
    late = request(topics=("DAU",), submitted=date(2026, 11, 1))  # no window; lead time long past
    assert fallback_days(late, POLICY, CAL, NOW, 1) == [date(2026, 12, 1)]


def test_fallback_days_respect_the_lead_time_from_submission():
    early = request((wib(2, 9), wib(2, 10)), mode=Mode.FTF)  # asked for a day the lead time refuses
    assert fallback_days(early, POLICY, CAL, NOW, 1) == [date(2026, 12, 7)]


def test_nothing_in_the_past():
    now = wib(8, 9, 10)
    found = slots(request((wib(8, 8), wib(8, 12))), [person(1, "DAU")], now=now)
    assert [s.start.astimezone(WIB) for s in found if s.in_window] == [
        wib(8, 9, 30),
        wib(8, 10),
        wib(8, 10, 30),
        wib(8, 11),
    ]


def test_horizon_is_whole_wib_weeks_around_the_candidate_days():
    h0, h1 = search_horizon(request((wib(8, 9), wib(8, 10))), POLICY, CAL, NOW)
    assert h0 == wib(7, 0) and h1 == wib(28, 0)  # fallback runs ten working days from Tuesday 8th


# --- who is free -----------------------------------------------------------------------------


def test_busy_person_is_not_offered_during_their_session():
    occ = Occupancy(sessions={1: [(wib(8, 8), wib(8, 9))]})
    found = slots(request((wib(8, 8), wib(8, 10))), [person(1, "DAU")], occupancy=occ)
    assert [s.start.astimezone(WIB) for s in found if s.in_window] == [wib(8, 9)]


def test_leave_is_respected():
    occ = Occupancy(unavailable={1: [(wib(8, 0), wib(9, 0))]})
    found = slots(request((wib(8, 8), wib(8, 16))), [person(1, "DAU")], occupancy=occ)
    assert starts(found)[0] == wib(9, 8)


def test_working_hours_are_respected():
    found = slots(request((wib(8, 10), wib(8, 14))), [person(1, "DAU", hours=MORNINGS)])
    assert [s.start.astimezone(WIB) for s in found if s.in_window] == [wib(8, 10), wib(8, 10, 30), wib(8, 11)]
    nobody_on_tuesday = person(2, "DAU", hours=parse_working_hours({"0": [["08:00", "16:00"]]}))
    found = slots(request((wib(8, 10), wib(8, 14))), [nobody_on_tuesday])
    assert found and all(s.start.astimezone(WIB).weekday() == 0 for s in found)


def test_daily_cap_counts_sessions_of_that_day():
    occ = Occupancy(sessions={1: [(wib(8, 14), wib(8, 15))]})
    capped = person(1, "DAU", per_day=1)
    found = slots(request((wib(8, 8), wib(8, 12))), [capped], occupancy=occ)
    assert found and all(s.start.astimezone(WIB).date() != date(2026, 12, 8) for s in found)


def test_weekly_cap_counts_sessions_of_that_iso_week():
    occ = Occupancy(sessions={1: [(wib(7, 8), wib(7, 9)), (wib(11, 8), wib(11, 9))]})
    capped = person(1, "DAU", per_week=2)
    found = slots(request((wib(8, 8), wib(8, 12))), [capped], occupancy=occ)
    assert found and all(s.start.astimezone(WIB) >= wib(14, 0) for s in found)


def test_busy_time_may_be_given_in_posix_seconds():
    as_datetimes = Occupancy(sessions={1: [(wib(8, 8), wib(8, 9))]}, rooms={1: [(wib(8, 9), wib(8, 10))]})
    as_seconds = Occupancy(
        sessions={1: [(wib(8, 8).timestamp(), wib(8, 9).timestamp())]},
        rooms={1: [(int(wib(8, 9).timestamp()), int(wib(8, 10).timestamp()))]},
    )
    req = request((wib(8, 8), wib(8, 11)), mode=Mode.FTF)
    found = slots(req, [person(1, "DAU")], rooms=[BIG_ROOM], occupancy=as_seconds)
    assert found == slots(req, [person(1, "DAU")], rooms=[BIG_ROOM], occupancy=as_datetimes)
    assert [s.start.astimezone(WIB) for s in found if s.in_window] == [wib(8, 10)]


def test_board_answers_for_one_person_and_room():
    occ = Occupancy(sessions={1: [(wib(8, 9), wib(8, 10))]}, rooms={1: [(wib(8, 9), wib(8, 10))]})
    board = Board(occ)
    assert not board.person_free(person(1, "DAU"), wib(8, 9, 30), wib(8, 10, 30))
    assert board.person_free(person(1, "DAU"), wib(8, 10), wib(8, 11))
    assert not board.room_free(BIG_ROOM, wib(8, 8, 30), wib(8, 9, 30))
    assert board.room_free(BIG_ROOM, wib(8, 10), wib(8, 11))


# --- rooms -----------------------------------------------------------------------------------


def test_room_must_hold_the_delegation_and_the_narasumber():
    req = request((wib(8, 9), wib(8, 10)), mode=Mode.FTF, guests=5)
    rooms = [RoomInfo(1, "Kecil", 5), RoomInfo(2, "Pas", 6), RoomInfo(3, "Besar", 20)]
    found = slots(req, [person(1, "DAU")], rooms=rooms)
    assert found[0].room.name == "Pas"  # the smallest that fits
    assert slots(req, [person(1, "DAU")], rooms=[RoomInfo(1, "Kecil", 5)]) == []


def test_a_busy_room_gives_way_to_another_or_no_slot():
    req = request((wib(8, 9), wib(8, 10)), mode=Mode.FTF)
    rooms = [RoomInfo(1, "A", 8), RoomInfo(2, "B", 10)]
    occ = Occupancy(rooms={1: [(wib(8, 9), wib(8, 10))]})
    assert slots(req, [person(1, "DAU")], rooms=rooms, occupancy=occ)[0].room.name == "B"
    occ = Occupancy(rooms={1: [(wib(8, 9), wib(8, 10))], 2: [(wib(8, 8), wib(8, 12))]})
    found = slots(req, [person(1, "DAU")], rooms=rooms, occupancy=occ)
    assert found and not any(s.in_window for s in found)


def test_a_video_conference_needs_no_room():
    assert slots(request((wib(8, 9), wib(8, 10))), [person(1, "DAU")])[0].room is None


# --- who covers the topics -------------------------------------------------------------------


def test_two_people_together_cover_two_topics():
    found = slots(
        request((wib(8, 9), wib(8, 10)), topics=("DAU", "DBH")), [person(1, "DAU"), person(2, "DBH")]
    )
    assert {rp.person.id for rp in found[0].people} == {1, 2}


def test_one_person_covering_both_topics_beats_two_who_rank_higher_otherwise():
    history = {
        2: PersonHistory(frozenset({"DAU"}), 0, None),
        3: PersonHistory(frozenset({"DBH"}), 0, None),
        1: PersonHistory(frozenset(), 9, wib(27, 9, month=11)),
    }
    people = [person(1, "DAU", "DBH"), person(2, "DAU"), person(3, "DBH")]
    found = slots(request((wib(8, 9), wib(8, 10)), topics=("DAU", "DBH")), people, history=history)
    assert [rp.person.id for rp in found[0].people] == [1]


def test_a_pick_made_redundant_is_dropped():
    people = [person(1, "a", "b"), person(2, "a", "c"), person(3, "b", "d")]
    found = slots(request((wib(8, 9), wib(8, 10)), topics=("a", "b", "c", "d")), people)
    assert sorted(rp.person.id for rp in found[0].people) == [2, 3]


def test_no_slot_when_nobody_knows_a_topic():
    assert slots(request((wib(8, 9), wib(8, 10)), topics=("DAU", "PDRD")), [person(1, "DAU")]) == []


def test_the_cover_uses_only_people_free_then():
    occ = Occupancy(sessions={1: [(wib(8, 9), wib(8, 10))]})
    people = [person(1, "DAU", "DBH"), person(2, "DAU"), person(3, "DBH")]
    found = slots(request((wib(8, 9), wib(8, 10)), topics=("DAU", "DBH")), people, occupancy=occ)
    assert {rp.person.id for rp in found[0].people} == {2, 3}


# --- ranking ---------------------------------------------------------------------------------


def test_ranking_coverage_then_continuity_then_fairness():
    people = [
        person(1, "DAU", name="Satu"),
        person(2, "DAU", name="Dua"),
        person(3, "DAU", name="Tiga"),
        person(4, "DAU", name="Empat"),
        person(5, "DAU", name="Lima"),
        person(6, "DAU", "DBH", name="Enam"),
        person(7, "PDRD", name="Tujuh"),
    ]
    history = {
        1: PersonHistory(frozenset(), 3, wib(20, 9, month=11)),
        2: PersonHistory(frozenset({"DAU"}), 5, wib(27, 9, month=11)),
        3: PersonHistory(frozenset(), 1, wib(1, 9, month=11)),
        4: PersonHistory(frozenset(), 1, wib(1, 9, month=10)),
        5: PersonHistory(frozenset(), 1, None),
    }
    ranked = rank_people(people, ("DAU", "DBH"), history)
    assert [rp.person.id for rp in ranked] == [6, 2, 5, 4, 3, 1]  # 7 knows none of the topics
    assert ranked[0].covers == ("DAU", "DBH")
    assert ranked[1].reasons == (
        ("covers", ("DAU",)),
        ("continuity", ("DAU",)),
        ("fairness", {"month_count": 5, "last": wib(27, 9, month=11)}),
    )
    assert [r.code for r in ranked[2].reasons] == ["covers", "fairness"]


def test_ranking_at_a_slot_leaves_out_people_busy_or_above_their_caps():
    occ = Occupancy(
        sessions={1: [(wib(8, 9), wib(8, 10))], 2: [(wib(8, 13), wib(8, 14))]},
        unavailable={3: [(wib(8, 0), wib(9, 0))]},
    )
    people = [person(1, "DAU"), person(2, "DAU", per_day=1), person(3, "DAU"), person(4, "DAU")]
    board = Board(occ)
    ranked = rank_people(people, ("DAU",), {}, board=board, start=wib(8, 9), end=wib(8, 10))
    assert [rp.person.id for rp in ranked] == [4]


def test_the_limit_caps_the_list():
    assert len(slots(request((wib(8, 8), wib(8, 16))), [person(1, "DAU")], limit=4)) == 4


def test_working_hours_parse_from_the_stored_form():
    assert parse_working_hours({"1": [["08:00", "12:00"], ["13:00", "16:00"]]}) == {
        1: ((time(8), time(12)), (time(13), time(16)))
    }
    assert parse_working_hours(None) == {}
