"""Finding a slot and the people for a consultation: pure functions, `now` passed in.

The scheduling layer (app/scheduling/suggestions.py) loads people, rooms, busy intervals and
the Pemda's history in a few queries and hands them to find_slots() and rank_people(); who
is free when is answered by app/domain/availability.py (whose types are re-exported here).

The rules, as decided for issue 3:
- Candidate starts: inside each preferred window, in the Pemda's order of preference, from
  the window's start and then on the WIB half-hour grid, each `policy.session_minutes` long.
  When fewer than `limit` fit, the same grid over whole service days of the *fallback days*:
  `fallback` (10) working days from the latest of (the first preferred day, the first day the
  lead time allows counted from the submission date, tomorrow in WIB). Never the same day.
- A slot lies on a working day (no weekend, holiday or joint leave), inside service hours
  (WIB), after `now`; it has free narasumber who together cover every topic of the request
  and, face to face, a free room for the delegation plus those narasumber (the smallest that
  fits, so that large rooms stay free for large delegations).
- A narasumber is free when the slot lies inside their working hours of that WIB weekday (a
  weekday missing from the hours is not a working day, as the conflict check says), overlaps
  none of their sessions or leave, and they have fewer than max_per_day sessions that WIB day
  and fewer than max_per_week in that ISO week.
- People are ranked by coverage (more of the request's topics), then continuity (topics they
  advised this Pemda on before), then fairness (fewest sessions in the calendar month of `now`,
  WIB; then the longest since their last session before `now`, never served first), then name.
- The team of a slot is a greedy set cover: again and again the free person covering most of
  the topics still uncovered, ties broken by rank; a pick made redundant later is dropped. So
  ONE person covering two topics beats two people, even two who rank higher on continuity or
  fairness: fewer people for the delegation to meet and fewer calendars blocked.
- Slots are ranked: inside a preferred window first (earlier preference first, then earlier
  time), then fallback slots by time.
"""

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, NamedTuple

from app.domain.availability import (  # noqa: F401 (re-exported: the inputs of find_slots)
    Board,
    Interval,
    Occupancy,
    Person,
    RoomInfo,
    Slot,
    parse_working_hours,
)
from app.domain.policy import WIB, Mode, PolicyValues, Window, earliest_session_date
from app.domain.workdays import WorkCalendar

STEP = timedelta(minutes=30)


@dataclass(frozen=True)
class PersonHistory:
    advised_topics: frozenset[str] = frozenset()  # topics they advised THIS Pemda on before
    month_count: int = 0  # their sessions in the current month
    last_session: datetime | None = None  # start of their latest session before now


NO_HISTORY = PersonHistory()


@dataclass(frozen=True)
class SlotRequest:
    mode: Mode
    topic_codes: tuple[str, ...]
    windows: tuple[Window, ...]  # in the Pemda's order of preference
    delegation_size: int
    submitted_on: date  # WIB


class Reason(NamedTuple):
    """Why a person is suggested: a code and its parameters; the web layer writes the sentence.

    ("covers", ("DAU", "DBH")), ("continuity", ("DAU",)),
    ("fairness", {"month_count": 2, "last": datetime | None}).
    """

    code: str
    params: Any


@dataclass(frozen=True)
class RankedPerson:
    person: Person
    covers: tuple[str, ...]  # the request's topics they know, in the request's order
    continuity: tuple[str, ...]  # of those, the ones they advised this Pemda on before
    month_count: int
    last_session: datetime | None
    reasons: tuple[Reason, ...]


@dataclass(frozen=True)
class SlotSuggestion:
    start: datetime  # aware UTC
    end: datetime
    window_index: int | None  # the preferred window it lies in; None for a fallback day
    people: tuple[RankedPerson, ...]
    room: RoomInfo | None  # None for a video conference

    @property
    def in_window(self) -> bool:
        return self.window_index is not None


def _rank_key(rp: RankedPerson):
    last = rp.last_session.timestamp() if rp.last_session else float("-inf")
    return (-len(rp.covers), -len(rp.continuity), rp.month_count, last, rp.person.name, rp.person.id)


def rank_people(
    people: Sequence[Person],
    topic_codes: Sequence[str],
    history: Mapping[int, PersonHistory],
    *,
    board: Board | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
) -> list[RankedPerson]:
    """People who know at least one of the topics, best first (see the module docstring).

    With a board and a slot, only those free then (hours, sessions, leave, caps) are kept.
    """
    slot = Slot(start, end) if board is not None and start is not None and end is not None else None
    out = []
    for p in people:
        covers = tuple(c for c in topic_codes if c in p.topic_codes)
        if not covers or (slot is not None and not board.free_at(p, slot)):
            continue
        h = history.get(p.id, NO_HISTORY)
        continuity = tuple(c for c in covers if c in h.advised_topics)
        reasons = [Reason("covers", covers)]
        if continuity:
            reasons.append(Reason("continuity", continuity))
        reasons.append(Reason("fairness", {"month_count": h.month_count, "last": h.last_session}))
        out.append(RankedPerson(p, covers, continuity, h.month_count, h.last_session, tuple(reasons)))
    out.sort(key=_rank_key)
    return out


def _cover(ranked: list[RankedPerson], topics: frozenset[str], is_free) -> tuple[RankedPerson, ...] | None:
    """A small team of free people covering `topics`, greedily by coverage then rank."""
    uncovered, team = set(topics), []
    while uncovered:
        best, gain = None, 0
        for rp in ranked:
            if len(rp.covers) <= gain:
                break  # ranked by coverage: nobody further on can gain more
            g = len(uncovered.intersection(rp.covers))
            if g > gain and is_free(rp):
                best, gain = rp, g
                if g == len(uncovered):
                    break
        if best is None:
            return None
        team.append(best)
        uncovered.difference_update(best.covers)
    for rp in reversed(team[:]):  # drop a pick the others made redundant
        others = {c for o in team if o is not rp for c in o.covers}
        if topics <= others:
            team.remove(rp)
    return tuple(team)


def fallback_days(
    request: SlotRequest, policy: PolicyValues, cal: WorkCalendar, now: datetime, count: int = 10
) -> list[date]:
    """The working days searched when the preferred windows do not give enough slots."""
    today = now.astimezone(WIB).date()
    anchor = max(
        today + timedelta(days=1),
        earliest_session_date(request.submitted_on, request.mode, policy, cal),
        min((w.start.astimezone(WIB).date() for w in request.windows), default=today),
    )
    days = [cal.next_working_day(anchor)]
    while len(days) < count:
        days.append(cal.shift(days[-1], 1))
    return days


def search_horizon(
    request: SlotRequest, policy: PolicyValues, cal: WorkCalendar, now: datetime, fallback: int = 10
) -> tuple[datetime, datetime]:
    """[start, end) in UTC of everything find_slots() may look at: whole ISO weeks (WIB) from
    the first candidate day to the last, so that the weekly caps can be counted."""
    days = fallback_days(request, policy, cal, now, fallback)
    for w in request.windows:
        days += [w.start.astimezone(WIB).date(), w.end.astimezone(WIB).date()]
    first, last = min(days), max(days)
    monday = datetime.combine(first - timedelta(days=first.weekday()), time(), WIB)
    next_monday = datetime.combine(last + timedelta(days=7 - last.weekday()), time(), WIB)
    return monday.astimezone(UTC), next_monday.astimezone(UTC)


def _grid_after(moment: datetime) -> datetime:
    """The first WIB half-hour mark strictly after `moment`."""
    local = moment.astimezone(WIB)
    base = local.replace(minute=0, second=0, microsecond=0)
    while base <= local:
        base += STEP
    return base


def _candidates(
    request: SlotRequest, policy: PolicyValues, cal: WorkCalendar, now: datetime, fallback: int
) -> Iterator[tuple[datetime, int | None]]:
    """Candidate starts in rank order: each window in preference order, then fallback days."""
    length = timedelta(minutes=policy.session_minutes)
    for index, w in enumerate(request.windows):
        start = w.start.astimezone(WIB)
        while start + length <= w.end:
            yield start, index
            start = _grid_after(start)
    for day in fallback_days(request, policy, cal, now, fallback):
        start = datetime.combine(day, policy.service_start, WIB)
        last = datetime.combine(day, policy.service_end, WIB) - length
        while start <= last:
            yield start, None
            start += STEP


def _in_service(start: datetime, end: datetime, policy: PolicyValues, cal: WorkCalendar) -> bool:
    local, local_end = start.astimezone(WIB), end.astimezone(WIB)
    return (
        local.date() == local_end.date()
        and cal.is_working_day(local.date())
        and policy.service_start <= local.time()
        and local_end.time() <= policy.service_end
    )


def find_slots(
    request: SlotRequest,
    people: Sequence[Person],
    rooms: Sequence[RoomInfo],
    occupancy: Occupancy,
    history: Mapping[int, PersonHistory],
    *,
    policy: PolicyValues,
    cal: WorkCalendar,
    now: datetime,
    limit: int = 10,
    fallback: int = 10,
) -> list[SlotSuggestion]:
    """Up to `limit` slots, best first, each with its team and (face to face) its room."""
    topics = frozenset(request.topic_codes)
    ranked = rank_people(people, request.topic_codes, history)
    if not topics or not topics <= {c for rp in ranked for c in rp.covers}:
        return []
    board = Board(occupancy)
    by_size = sorted(rooms, key=lambda r: (r.capacity, r.id)) if request.mode == Mode.FTF else []
    length = timedelta(minutes=policy.session_minutes)
    out: list[SlotSuggestion] = []
    seen: set[datetime] = set()
    for start, window_index in _candidates(request, policy, cal, now, fallback):
        end = start + length
        if start in seen or start <= now or not _in_service(start, end, policy, cal):
            continue
        seen.add(start)
        slot, free = Slot(start, end), {}

        def is_free(rp, slot=slot, free=free):
            pid = rp.person.id
            if pid not in free:
                free[pid] = board.free_at(rp.person, slot)
            return free[pid]

        team = _cover(ranked, topics, is_free)
        if team is None:
            continue
        room = None
        if request.mode == Mode.FTF:
            needed = request.delegation_size + len(team)
            fits = (r for r in by_size if r.capacity >= needed)
            room = next((r for r in fits if not board.room_busy(r.id, slot.s, slot.e)), None)
            if room is None:
                continue
        out.append(SlotSuggestion(start.astimezone(UTC), end.astimezone(UTC), window_index, team, room))
        if len(out) >= limit:
            break
    return out
