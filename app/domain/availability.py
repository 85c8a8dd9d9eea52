"""Who and what is free when: busy intervals as sorted timelines, working hours, caps.

Pure (no Flask). app.domain.slots searches with it; the scheduling layer fills an Occupancy
from the database. A Board answers one question quickly, "is this narasumber (or room) free
for [start, end)?": a bisection on the merged busy intervals, and two on the sorted session
starts for the caps per WIB day and per ISO week, never a scan of everything.
"""

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from app.domain.policy import WIB

# [start, end): aware datetimes, or POSIX seconds (what the database layer reads fastest).
Interval = tuple[datetime | float, datetime | float]


@dataclass(frozen=True)
class Person:
    id: int
    name: str
    topic_codes: frozenset[str]
    # Weekday (Monday 0) -> periods in WIB; a weekday missing is not a working day.
    working_hours: Mapping[int, tuple[tuple[time, time], ...]]
    max_per_day: int = 3
    max_per_week: int = 10


def parse_working_hours(raw: Mapping[str, Sequence[Sequence[str]]] | None) -> dict[int, tuple]:
    """{"0": [["08:00", "16:00"]], ...} as stored on a profile -> {0: ((08:00, 16:00),), ...}."""
    return {
        int(day): tuple((time.fromisoformat(a), time.fromisoformat(b)) for a, b in periods)
        for day, periods in (raw or {}).items()
    }


@dataclass(frozen=True)
class RoomInfo:
    id: int
    name: str
    capacity: int


@dataclass(frozen=True)
class Occupancy:
    """What is taken already: active sessions and leave per person, bookings per room.

    Each a list of Interval by person or room id, in any order.
    """

    sessions: Mapping[int, Sequence[Interval]] = field(default_factory=dict)
    unavailable: Mapping[int, Sequence[Interval]] = field(default_factory=dict)
    rooms: Mapping[int, Sequence[Interval]] = field(default_factory=dict)


def _seconds(instant: datetime | float) -> float:
    return instant if isinstance(instant, int | float) else instant.timestamp()


class Timeline:
    """Busy intervals merged and sorted, so that an overlap test is one bisection."""

    __slots__ = ("_starts", "_ends")

    def __init__(self, intervals: Iterable[Interval]):
        starts: list[float] = []
        ends: list[float] = []
        for s, e in sorted((_seconds(a), _seconds(b)) for a, b in intervals):
            if ends and s <= ends[-1]:
                ends[-1] = max(ends[-1], e)
            else:
                starts.append(s)
                ends.append(e)
        self._starts, self._ends = starts, ends

    def overlaps(self, start: float, end: float) -> bool:
        i = bisect_right(self._ends, start)  # the first interval ending after `start`
        return i < len(self._starts) and self._starts[i] < end


class Slot:
    """A candidate [start, end) with what the checks need, computed once."""

    __slots__ = ("start", "end", "s", "e", "weekday", "first_minute", "last_minute", "day", "week")

    def __init__(self, start: datetime, end: datetime):
        local, local_end = start.astimezone(WIB), end.astimezone(WIB)
        self.start, self.end = start, end
        self.s, self.e = start.timestamp(), end.timestamp()
        self.weekday = local.weekday()
        self.first_minute = local.hour * 60 + local.minute
        same_day = local_end.date() == local.date()
        self.last_minute = local_end.hour * 60 + local_end.minute if same_day else 24 * 60
        if local_end - local > timedelta(days=1):
            self.last_minute = 10**6  # no working period can hold it
        midnight = datetime.combine(local.date(), time(), WIB)
        monday = midnight - timedelta(days=self.weekday)
        self.day = (midnight.timestamp(), (midnight + timedelta(days=1)).timestamp())
        self.week = (monday.timestamp(), (monday + timedelta(days=7)).timestamp())


def _minutes(t: time) -> int:
    return t.hour * 60 + t.minute


class _Calendar:
    """One person's working minutes per weekday, merged busy time and sorted session starts."""

    __slots__ = ("hours", "busy", "starts")

    def __init__(self, person: Person, occupancy: Occupancy):
        sessions = occupancy.sessions.get(person.id, ())
        self.hours = {
            d: [(_minutes(a), _minutes(b)) for a, b in ps] for d, ps in person.working_hours.items()
        }
        self.busy = Timeline([*sessions, *occupancy.unavailable.get(person.id, ())])
        self.starts = sorted(_seconds(s) for s, _ in sessions)


class Board:
    """Answers "is this person / room free for this slot?" from an Occupancy.

    A person's or room's lookup structures are built the first time they are asked about:
    the search usually settles after looking at a few of them.
    """

    def __init__(self, occupancy: Occupancy):
        self._occupancy = occupancy
        self._people: dict[int, _Calendar] = {}
        self._rooms: dict[int, Timeline] = {}

    def person_free(self, person: Person, start: datetime, end: datetime) -> bool:
        return self.free_at(person, Slot(start, end))

    def room_free(self, room: RoomInfo, start: datetime, end: datetime) -> bool:
        return not self.room_busy(room.id, start.timestamp(), end.timestamp())

    def room_busy(self, room_id: int, start: float, end: float) -> bool:
        """Whether the room is booked during [start, end), given in POSIX seconds."""
        timeline = self._rooms.get(room_id)
        if timeline is None:
            timeline = self._rooms[room_id] = Timeline(self._occupancy.rooms.get(room_id, ()))
        return timeline.overlaps(start, end)

    def free_at(self, person: Person, slot: Slot) -> bool:
        """Working then, below both caps (counting their other sessions), and not busy."""
        cal = self._people.get(person.id)
        if cal is None:
            cal = self._people[person.id] = _Calendar(person, self._occupancy)
        if not any(
            a <= slot.first_minute and slot.last_minute <= b for a, b in cal.hours.get(slot.weekday, ())
        ):
            return False
        if (
            _count(cal.starts, slot.day) >= person.max_per_day
            or _count(cal.starts, slot.week) >= person.max_per_week
        ):
            return False
        return not cal.busy.overlaps(slot.s, slot.e)


def _count(starts: list[float], bounds: tuple[float, float]) -> int:
    return bisect_left(starts, bounds[1]) - bisect_left(starts, bounds[0])
