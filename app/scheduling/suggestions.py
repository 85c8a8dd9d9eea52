"""Slot and narasumber suggestions for a request: the database side of app/domain/slots.py.

Everything the search needs is loaded with a few set-based queries over the search horizon
(whole WIB weeks around the candidate days): the people who know one of the request's
topics, their active sessions and leave, the room bookings, the rooms, and this Pemda's
history (who advised it on which topic) with each person's sessions this month and their
latest session, counted in SQL (the statements are in suggestion_queries.py). The request's
own bookings never count against it, so a scheduled request can be moved. The benchmark in
bench/slots.py measures suggest_slots() on two years of sessions.
"""

import json
from collections import defaultdict
from datetime import datetime, time, timedelta
from functools import lru_cache

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import inspect

from app.core.templating import fmt_date
from app.domain.months import month_bounds, month_of
from app.domain.policy import WIB, Mode, PolicyValues, Window
from app.domain.slots import (
    Board,
    Occupancy,
    Person,
    PersonHistory,
    RankedPerson,
    Reason,
    RoomInfo,
    SlotRequest,
    SlotSuggestion,
    find_slots,
    parse_working_hours,
    rank_people,
    search_horizon,
)
from app.policy.services import work_calendar
from app.requests.models import ConsultationRequest
from app.scheduling.suggestion_queries import run

LONGEST_SESSION = timedelta(days=1)


def suggest_slots(
    req: ConsultationRequest,
    *,
    now: datetime,
    limit: int = 10,
    team: list | None = None,
    rooms: list[RoomInfo] | None = None,
) -> list[SlotSuggestion]:
    """Ranked slots for `req`, each with the narasumber who cover its topics and a room (FTF).
    `team` (load_team()) and `rooms` (the active rooms): when the caller has them already."""
    policy = policy_of(req, now)
    cal = work_calendar()
    request = slot_request(req)
    horizon = search_horizon(request, policy, cal, now)
    people = load_people(request.topic_codes) if team is None else people_of(team, request.topic_codes)
    ids = [p.id for p in people]
    ftf = request.mode == Mode.FTF
    if not ftf:
        rooms = []
    elif rooms is None:
        rooms = load_rooms()
    occupancy = load_occupancy(
        ids, horizon, request_id=req.id, room_ids=[r.id for r in rooms] if ftf else None
    )
    history = load_history(req, ids, now)
    return find_slots(
        request, people, rooms, occupancy, history, policy=policy, cal=cal, now=now, limit=limit
    )


def suggest_people(
    req: ConsultationRequest, start: datetime, end: datetime, *, now: datetime, exclude_ids=()
) -> list[RankedPerson]:
    """Narasumber free at [start, end) for `req`'s topics, best first: to replace one who declined.

    People already actively assigned to `req`, and `exclude_ids`, are left out.
    """
    codes = tuple(t.code for t in req.topics)
    people = load_people(codes)
    ids = [p.id for p in people]
    day = start.astimezone(WIB).date()
    monday = datetime.combine(day - timedelta(days=day.weekday()), time(), WIB)
    horizon = (min(monday, start), max(monday + timedelta(days=7), end))
    occupancy = load_occupancy(ids, horizon, request_id=req.id)
    board = Board(occupancy)
    left_out = set(exclude_ids) | {a.narasumber_id for a in req.assignments if a.active}
    ranked = rank_people(people, codes, load_history(req, ids, now), board=board, start=start, end=end)
    return [rp for rp in ranked if rp.person.id not in left_out]


def slot_request(req: ConsultationRequest) -> SlotRequest:
    """What the search needs of the request: from its loaded relationships when the page has
    them already, else with one query (cheaper than loading the rows as objects)."""
    state = inspect(req)
    if not state.persistent or not {"topics", "windows", "delegation"} & state.unloaded:
        codes = tuple(t.code for t in req.topics)
        windows = tuple(Window(w.start, w.end) for w in req.windows)
        size = len(req.delegation)
    else:
        codes, windows, size = [], [], 0
        for kind, code, start, end, n in run("request", rid=req.id):
            if kind == "w":
                windows.append(Window(start, end))
            elif kind == "t":
                codes.append(code)
            else:
                size = n
        codes, windows = tuple(codes), tuple(windows)
    return SlotRequest(Mode(req.mode), codes, windows, size, req.submitted_at.astimezone(WIB).date())


def policy_of(req: ConsultationRequest, now: datetime) -> PolicyValues:
    """The policy the request was made under; the one in force now if it has none."""
    if req.policy_version_id is not None and "policy_version" not in inspect(req).unloaded:
        # Loaded with the request (pages listing requests load it once for all): no query.
        return PolicyValues.from_dict(req.policy_version.values)
    if req.policy_version_id is None:
        rows = run("policy_now", now=now)
    else:
        rows = run("policy", vid=req.policy_version_id)
    return PolicyValues.from_dict(rows[0][0]) if rows else PolicyValues()


def load_people(topic_codes) -> list[Person]:
    """Active narasumber who know at least one of `topic_codes`, with those they know (the
    search needs no other topics of theirs)."""
    topics, first = defaultdict(set), {}
    for pid, name, hours, per_day, per_week, code in run("people", codes=list(topic_codes)):
        topics[pid].add(code)
        first.setdefault(pid, (name, hours, per_day, per_week))
    return [
        Person(pid, name, frozenset(topics[pid]), _hours(hours), per_day, per_week)
        for pid, (name, hours, per_day, per_week) in first.items()
    ]


def load_team() -> list[tuple]:
    """Every active narasumber, one row per topic they know (in topic order; None for one who
    knows none): (id, name, unit, working hours as stored, max per day, max per week, topic
    id, topic code). For the review page, whose manual form lists them all and whose
    suggestions take people_of() them: one statement for both."""
    return run("team")


def people_of(team: list[tuple], topic_codes) -> list[Person]:
    """load_people(topic_codes), from the rows of load_team()."""
    wanted = set(topic_codes)
    topics, first = defaultdict(set), {}
    for pid, name, _unit, hours, per_day, per_week, _topic_id, code in team:
        if code in wanted:
            topics[pid].add(code)
            first.setdefault(pid, (name, hours, per_day, per_week))
    return [
        Person(pid, name, frozenset(topics[pid]), _hours(hours), per_day, per_week)
        for pid, (name, hours, per_day, per_week) in first.items()
    ]


@lru_cache(maxsize=256)
def _hours(stored: str | None) -> dict:
    """Parsed working hours by their stored JSON text: most people share a few patterns.
    The result is shared between callers and never changed."""
    return parse_working_hours(json.loads(stored) if stored else {})


def load_rooms() -> list[RoomInfo]:
    return [RoomInfo(*row) for row in run("rooms")]


def busy_params(person_ids, horizon, request_id: int | None, room_ids=None) -> dict:
    """The parameters of the busy-interval query ("busy_ftf" or "busy_vc" in _statements())."""
    h0, h1 = horizon
    # A session lies inside one day's service hours: one overlapping the horizon starts less
    # than a day before it, which bounds the index range scanned.
    params = {"ids": list(person_ids), "lo": h0 - LONGEST_SESSION, "h0": h0, "h1": h1, "rid": request_id or 0}
    if room_ids is not None:
        params["rooms"] = list(room_ids)
    return params


def load_occupancy(person_ids, horizon, *, request_id: int | None, room_ids=None) -> Occupancy:
    """Busy intervals (in POSIX seconds) of the people, their leave and (given) the rooms."""
    found = {"s": defaultdict(list), "u": defaultdict(list), "r": defaultdict(list)}
    name = "busy_vc" if room_ids is None else "busy_ftf"
    for kind, key, start, end in run(name, **busy_params(person_ids, horizon, request_id, room_ids)):
        found[kind][key].append((start, end))
    return Occupancy(sessions=found["s"], unavailable=found["u"], rooms=found["r"])


def load_history(req: ConsultationRequest, person_ids, now: datetime) -> dict[int, PersonHistory]:
    """Per person: topics they advised this Pemda (region and unit) on in its other sessions
    begun before now, their active sessions this month (WIB), and the start of their latest
    session before now."""
    m0, m1 = month_bounds(month_of(now))
    params = {"region": req.region_id, "unit": req.unit_type, "rid": req.id, "now": now, "m0": m0, "m1": m1}
    advised, counts = defaultdict(set), {}
    for kind, pid, codes, count, latest in run("history", ids=list(person_ids), **params):
        if kind == "a":
            advised[pid].update(_codes(codes))
        else:
            counts[pid] = (count or 0, latest)
    return {
        pid: PersonHistory(frozenset(advised.get(pid, ())), count, latest)
        for pid, (count, latest) in counts.items()
    }


@lru_cache(maxsize=1024)
def _codes(stored: str | None) -> tuple[str, ...]:
    return tuple(json.loads(stored)) if stored else ()


def reason_text(reason: Reason) -> str:
    """The sentence shown beside a suggested narasumber."""
    code, params = reason
    if code == "covers":
        return _("Menguasai %(topics)s", topics=", ".join(params))
    if code == "continuity":
        return _("Pernah mendampingi Pemda ini untuk %(topics)s", topics=", ".join(params))
    if code == "fairness":
        n, last = params["month_count"], params["last"]
        if last is None:
            return ngettext(
                "%(num)d sesi bulan ini; belum pernah bertugas sebelumnya",
                "%(num)d sesi bulan ini; belum pernah bertugas sebelumnya",
                n,
            )
        day = fmt_date(last, "Asia/Jakarta", "d MMMM y")
        return ngettext(
            "%(num)d sesi bulan ini; terakhir %(date)s",
            "%(num)d sesi bulan ini; terakhir %(date)s",
            n,
            date=day,
        )
    raise ValueError(f"unknown reason {code!r}")
