"""Properties of the slot search: whatever the bookings, a suggestion is always a real option.

No suggested slot overlaps a session or leave of its people or a booking of its room, lands
on a weekend, holiday or joint-leave day, falls outside service hours or a person's working
hours, breaks a cap, or leaves a topic uncovered.
"""

from datetime import datetime, time, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.policy import WIB, Mode, PolicyValues, Window
from app.domain.slots import Occupancy, Person, PersonHistory, RoomInfo, SlotRequest, find_slots
from tests.domain.strategies import DOMAIN_SETTINGS, calendars

POLICY = PolicyValues()
NOW = datetime(2026, 3, 2, 10, tzinfo=WIB)  # a Monday
TOPICS = ("DAU", "DBH", "PDRD", "APBD")
FIRST = datetime(2026, 3, 2, tzinfo=WIB)
DAYS = 40  # bookings and windows fall in the next forty days

# Strategies are built once, at import: building them inside a composite costs more than
# the search they feed.
days = st.integers(min_value=0, max_value=DAYS)
busy_days = st.integers(min_value=0, max_value=DAYS // 3)  # dense where the search looks first
hours_of_day = st.integers(min_value=12, max_value=36)  # 06:00 .. 18:00 on the half hour
lengths = st.integers(min_value=1, max_value=16)  # half hours
topic_sets = st.frozensets(st.sampled_from(TOPICS), min_size=1, max_size=3)


def _at(day: int, half_hour: int) -> datetime:
    return FIRST + timedelta(days=day, minutes=30 * half_hour)


def _intervals(max_size):
    return st.lists(
        st.builds(lambda d, h, n: (_at(d, h), _at(d, h + n)), busy_days, hours_of_day, lengths),
        max_size=max_size,
    )


def _clock(half_hour: int) -> time:
    return time(half_hour // 2, 30 * (half_hour % 2))


def _hours(a: int, n: int):
    return ((_clock(a), _clock(min(a + n, 47))),)


# Mostly the usual 08:00-16:00 week, sometimes something odd.
working_hours = st.one_of(
    st.just({d: ((time(8), time(16)),) for d in range(5)}),
    st.dictionaries(
        st.integers(min_value=0, max_value=6), st.builds(_hours, hours_of_day, lengths), min_size=1
    ),
)
person_parts = st.tuples(
    topic_sets, working_hours, st.integers(min_value=1, max_value=2), st.integers(min_value=1, max_value=8)
)
windows = st.builds(lambda d, h, n: Window(_at(d, h), _at(d, h + n)), days, hours_of_day, lengths)
request_parts = st.tuples(
    st.sampled_from(list(Mode)),
    st.lists(st.sampled_from(TOPICS), min_size=1, max_size=3, unique=True),
    st.lists(windows, max_size=3),
    st.integers(min_value=1, max_value=8),
    st.integers(min_value=0, max_value=10),
)


@st.composite
def requests(draw):
    mode, topics, wins, guests, ago = draw(request_parts)
    return SlotRequest(mode, tuple(topics), tuple(wins), guests, NOW.date() - timedelta(days=ago))


@st.composite
def worlds(draw):
    staff = [
        Person(i, f"N{i}", *parts)
        for i, parts in enumerate(draw(st.lists(person_parts, min_size=1, max_size=6)), 1)
    ]
    rooms = [
        RoomInfo(i, f"R{i}", c)
        for i, c in enumerate(draw(st.lists(st.integers(2, 12), min_size=1, max_size=3)), 1)
    ]
    occupancy = Occupancy(
        sessions={p.id: draw(_intervals(12)) for p in staff},
        unavailable={p.id: draw(_intervals(2)) for p in staff},
        rooms={r.id: draw(_intervals(12)) for r in rooms},
    )
    history = {
        p.id: PersonHistory(frozenset(), draw(st.integers(min_value=0, max_value=5)), None) for p in staff
    }
    return staff, rooms, occupancy, history


def _overlaps(intervals, start, end):
    return any(a < end and start < b for a, b in intervals)


def _count(intervals, lo, hi):
    return sum(1 for a, _ in intervals if lo <= a < hi)


@settings(DOMAIN_SETTINGS, max_examples=120)
@given(requests(), worlds(), calendars())
def test_every_suggested_slot_is_a_real_option_in_rank_order(req, world, cal):
    staff, rooms, occupancy, history = world
    found = find_slots(req, staff, rooms, occupancy, history, policy=POLICY, cal=cal, now=NOW, limit=6)
    assert len(found) <= 6
    for s in found:
        local, local_end = s.start.astimezone(WIB), s.end.astimezone(WIB)
        assert s.start > NOW
        assert cal.is_working_day(local.date())
        assert local.date() == local_end.date()
        assert POLICY.service_start <= local.time() and local_end.time() <= POLICY.service_end
        assert s.end - s.start == timedelta(minutes=POLICY.session_minutes)
        assert set(req.topic_codes) <= {c for rp in s.people for c in rp.person.topic_codes}
        midnight = local.replace(hour=0, minute=0)
        monday = midnight - timedelta(days=local.weekday())
        for rp in s.people:
            p = rp.person
            assert any(
                a <= local.time() and local_end.time() <= b for a, b in p.working_hours[local.weekday()]
            )
            assert not _overlaps(occupancy.sessions[p.id], s.start, s.end)
            assert not _overlaps(occupancy.unavailable[p.id], s.start, s.end)
            sessions = occupancy.sessions[p.id]
            assert _count(sessions, midnight, midnight + timedelta(days=1)) < p.max_per_day
            assert _count(sessions, monday, monday + timedelta(days=7)) < p.max_per_week
        if req.mode == Mode.FTF:
            assert s.room is not None
            assert s.room.capacity >= req.delegation_size + len(s.people)
            assert not _overlaps(occupancy.rooms[s.room.id], s.start, s.end)
        else:
            assert s.room is None
        if s.in_window:
            w = req.windows[s.window_index]
            assert w.start <= s.start and s.end <= w.end

    keys = [(s.window_index is None, s.window_index or 0) for s in found]
    assert keys == sorted(keys), "windows in order of preference, then fallback days"
    assert len({s.start for s in found}) == len(found)
    for a, b in zip(found, found[1:], strict=False):
        if a.window_index == b.window_index:
            assert a.start < b.start
