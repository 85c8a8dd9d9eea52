"""Benchmark of the slot suggestion (issue 3): is it fast on two years of sessions?

    .venv/bin/python bench/slots.py                          # a temporary SQLite file
    .venv/bin/python bench/slots.py --database-url postgresql://postgres@127.0.0.1:5432/bench_slots

Builds synthetic data: 200 narasumber (topics spread over the 14 topic codes), 30 rooms and
about 20,000 scheduled sessions over two years of working days, one year either side of
"now", with their narasumber assignments and room bookings (no person or room ever twice at
once), and some leave. Then it times, in alternation, (a) suggest_slots() for a three-topic
face-to-face request whose row is loaded (as on the coordinator's page; its topics, windows
and delegation are read by the suggestion), (b) the same from the request's id, and (c) the
baseline: the plain SQL that fetches the busy intervals the suggestion needs (same people,
rooms and horizon), run on the raw DB-API cursor. Prints median and p95 of each and the
ratio of the medians of (a) and (c). Goal: median suggestion under 50 ms and within 5x of
the baseline.

THE DATABASE IS EMPTIED: on PostgreSQL every table of the application is dropped first.
"""

import argparse
import random
import statistics
import sys
import tempfile
import time as clock
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert, select, text  # noqa: E402

from app import create_app  # noqa: E402
from app.auth.models import Role, UnitType, User  # noqa: E402
from app.catalog.models import NarasumberProfile, Room, Topic, narasumber_topics  # noqa: E402
from app.domain.policy import WIB, Mode  # noqa: E402
from app.domain.states import RequestState  # noqa: E402
from app.extensions import db  # noqa: E402
from app.policy.services import work_calendar  # noqa: E402
from app.regions.models import Region  # noqa: E402
from app.requests.models import ConsultationRequest, DelegationMember, PreferredWindow, request_topics  # noqa: E402
from app.scheduling.models import AssignmentStatus, NarasumberAssignment, RoomBooking, Unavailability  # noqa: E402
from app.scheduling.suggestions import load_people, slot_request, suggest_slots  # noqa: E402
from app.seed_data import TOPICS  # noqa: E402

NOW = datetime(2026, 11, 30, 9, tzinfo=WIB)  # a Monday
PEOPLE, ROOMS, SESSIONS = 200, 30, 20_000
CODES = [code for code, _, _ in TOPICS]
FULL = {str(d): [["08:00", "16:00"]] for d in range(5)}
MORNINGS = {str(d): [["08:00", "12:00"]] for d in range(5)}
TARGET_TOPICS = ("DAU", "DBH", "PDRD")


def build(rng: random.Random) -> int:
    """Fill the database; returns the id of the request whose slots are searched."""
    t0 = clock.perf_counter()
    cal = work_calendar()
    # One operator per province, regency and city (about 550 service users), so that a Pemda
    # has a few dozen earlier sessions, as an active one would.
    regions = db.session.scalars(select(Region.id)).all()
    topics = [
        {"id": i, "code": c, "name": n, "active": True, "sort_order": i}
        for i, (c, n, _) in enumerate(TOPICS, 1)
    ]
    db.session.execute(insert(Topic), topics)
    topic_id = {t["code"]: t["id"] for t in topics}
    users, pemda = [], []
    pemda_count = len(regions)
    for i in range(1, PEOPLE + pemda_count + 2):
        role = (
            Role.NARASUMBER if i <= PEOPLE else Role.PEMDA if i <= PEOPLE + pemda_count else Role.COORDINATOR
        )
        u = {
            "id": i,
            "email": f"u{i}@bench.go.id",
            "name": f"Orang {i}",
            "phone": None,
            "password_hash": "-",
            "role": role,
            "region_id": None,
            "unit_type": None,
            "created_at": NOW,
            "email_verified_at": NOW,
            "activated_at": NOW,
            "session_version": 1,
        }
        if role == Role.PEMDA:
            u["region_id"], u["unit_type"] = regions[i - PEOPLE - 1], rng.choice(list(UnitType))
            pemda.append(u)
        users.append(u)
    db.session.execute(insert(User), users)
    profiles, links, knows = [], [], {c: [] for c in CODES}
    for pid in range(1, PEOPLE + 1):
        hours = MORNINGS if pid % 7 == 0 else FULL
        profiles.append(
            {
                "id": pid,
                "user_id": pid,
                "unit": "Direktorat",
                "working_hours": hours,
                "max_per_day": 3,
                "max_per_week": 10,
            }
        )
        mine = {CODES[pid % len(CODES)], *rng.sample(CODES, rng.randint(0, 2))}
        for code in mine:
            links.append({"narasumber_id": pid, "topic_id": topic_id[code]})
            knows[code].append(pid)
    db.session.execute(insert(NarasumberProfile), profiles)
    db.session.execute(insert(narasumber_topics), links)
    rooms = [
        {
            "id": r,
            "name": f"Ruang {r}",
            "floor": "9",
            "capacity": rng.choice([6, 8, 10, 12, 20]),
            "active": True,
        }
        for r in range(1, ROOMS + 1)
    ]
    db.session.execute(insert(Room), rooms)
    hours = {p["id"]: p["working_hours"] for p in profiles}

    first, last = (NOW - timedelta(days=365)).date(), (NOW + timedelta(days=365)).date()
    days, day = [], first
    while day <= last:
        if cal.is_working_day(day):
            days.append(day)
        day += timedelta(days=1)
    per_day = SESSIONS / len(days)
    requests, windows, req_topics, assignments, bookings = [], [], [], [], []
    taken: set = set()  # (kind, id, day, half-hour)
    load: dict = {}  # (person, day) and (person, iso week) -> sessions
    rid = 0
    for day in days:
        for _ in range(int(per_day) + (rng.random() < per_day % 1)):
            start_half = rng.randint(16, 30)  # 08:00 .. 15:00 WIB
            start = datetime.combine(day, time(), WIB) + timedelta(minutes=30 * start_half)
            end = start + timedelta(hours=1)
            codes = rng.sample(CODES, rng.choice([1, 1, 2, 2, 3]))
            week = day.isocalendar()[:2]
            team = []
            for code in codes:
                free = [
                    p
                    for p in knows[code]
                    if p not in team and _free(p, day, week, start_half, hours, taken, load)
                ]
                if free:
                    team.append(rng.choice(free))
            if not team:
                continue
            mode = Mode.FTF if rng.random() < 0.45 else Mode.VC
            room = None
            if mode == Mode.FTF:
                fits = [
                    r["id"]
                    for r in rooms
                    if all(("r", r["id"], day, h) not in taken for h in (start_half, start_half + 1))
                ]
                room = rng.choice(fits) if fits else None
                mode = mode if room else Mode.VC
            past = start < NOW
            cancelled = rng.random() < 0.05
            state = (
                RequestState.CANCELLED
                if cancelled
                else RequestState.HELD
                if past
                else rng.choice([RequestState.SCHEDULED, RequestState.CONFIRMED])
            )
            rid += 1
            owner = rng.choice(pemda)
            submitted = start - timedelta(days=rng.randint(10, 30))
            requests.append(
                {
                    "id": rid,
                    "region_id": owner["region_id"],
                    "unit_type": owner["unit_type"],
                    "created_by_id": owner["id"],
                    "mode": mode,
                    "state": state,
                    "agenda": "Konsultasi",
                    "contact_name": "Kontak",
                    "contact_email": "k@pemda.go.id",
                    "contact_phone": "0812",
                    "submitted_at": submitted,
                    "updated_at": submitted,
                    "scheduled_start": start,
                    "scheduled_end": end,
                    "room_id": room,
                    "regional_head_attends": False,
                }
            )
            windows.append(
                {"request_id": rid, "position": 0, "start": start, "end": end + timedelta(hours=1)}
            )
            req_topics += [{"request_id": rid, "topic_id": topic_id[c]} for c in codes]
            for p in team:
                if not cancelled:
                    taken.update({("p", p, day, start_half), ("p", p, day, start_half + 1)})
                    load[(p, day)] = load.get((p, day), 0) + 1
                    load[(p, week)] = load.get((p, week), 0) + 1
                assignments.append(
                    {
                        "request_id": rid,
                        "narasumber_id": p,
                        "start": start,
                        "end": end,
                        "active": not cancelled,
                        "status": AssignmentStatus.RELEASED if cancelled else AssignmentStatus.ACCEPTED,
                        "topic_codes": codes,
                        "assigned_at": submitted + timedelta(days=2),
                    }
                )
            if room:
                if not cancelled:
                    taken.update({("r", room, day, start_half), ("r", room, day, start_half + 1)})
                bookings.append(
                    {
                        "request_id": rid,
                        "room_id": room,
                        "start": start,
                        "end": end,
                        "active": not cancelled,
                        "created_at": submitted + timedelta(days=2),
                    }
                )
    leave = []
    for p in rng.sample(range(1, PEOPLE + 1), PEOPLE // 5):
        for _ in range(4):
            s = datetime.combine(rng.choice(days), time(), WIB)
            leave.append(
                {
                    "narasumber_id": p,
                    "start": s,
                    "end": s + timedelta(days=rng.randint(1, 5)),
                    "kind": "leave",
                }
            )
    # The request to schedule: three topics, face to face, two windows a week and more ahead.
    target = rid + 1
    owner = pemda[0]
    requests.append(
        {
            "id": target,
            "region_id": owner["region_id"],
            "unit_type": owner["unit_type"],
            "created_by_id": owner["id"],
            "mode": Mode.FTF,
            "state": RequestState.SUBMITTED,
            "agenda": "Konsultasi DAU, DBH dan PDRD",
            "contact_name": "Kontak",
            "contact_email": "k@pemda.go.id",
            "contact_phone": "0812",
            "submitted_at": NOW - timedelta(hours=2),
            "updated_at": NOW,
            "regional_head_attends": False,
        }
    )
    windows += [
        {"request_id": target, "position": 0, "start": _wib(10, 9), "end": _wib(10, 12)},
        {"request_id": target, "position": 1, "start": _wib(14, 13), "end": _wib(14, 16)},
    ]
    req_topics += [{"request_id": target, "topic_id": topic_id[c]} for c in TARGET_TOPICS]
    members = [
        {
            "request_id": target,
            "position": i,
            "name": f"Tamu {i}",
            "title": "Kepala Bidang",
            "is_regional_head": False,
        }
        for i in range(4)
    ]
    for model, rows in (
        (ConsultationRequest, requests),
        (PreferredWindow, windows),
        (request_topics, req_topics),
        (NarasumberAssignment, assignments),
        (RoomBooking, bookings),
        (Unavailability, leave),
        (DelegationMember, members),
    ):
        db.session.execute(insert(model), rows)
    db.session.commit()
    print(
        f"data: {len(requests) - 1} sessions, {len(assignments)} assignments, {len(bookings)} room bookings, "
        f"{len(leave)} leave periods; built in {clock.perf_counter() - t0:.1f} s"
    )
    return target


def _wib(day: int, hour: int) -> datetime:
    return datetime(2026, 12, day, hour, tzinfo=WIB)


def _free(p, day, week, half, hours, taken, load) -> bool:
    periods = hours[p].get(str(day.weekday()), [])
    opens, closes = (16, 24) if periods == [["08:00", "12:00"]] else (16, 32)
    return (
        bool(periods)
        and opens <= half
        and half + 2 <= closes
        and ("p", p, day, half) not in taken
        and ("p", p, day, half + 1) not in taken
        and load.get((p, day), 0) < 3
        and load.get((p, week), 0) < 10
    )


BASELINE = """
SELECT 's', narasumber_id, start, "end" FROM narasumber_assignments
 WHERE narasumber_id IN ({people}) AND active AND start >= {lo} AND start < {h1} AND "end" > {h0}
   AND request_id != {rid}
UNION ALL
SELECT 'u', narasumber_id, start, "end" FROM narasumber_unavailability
 WHERE narasumber_id IN ({people}) AND start < {h1} AND "end" > {h0}
UNION ALL
SELECT 'r', room_id, start, "end" FROM room_bookings
 WHERE room_id IN ({rooms}) AND active AND start >= {lo} AND start < {h1}
   AND "end" > {h0} AND request_id != {rid}
"""


def baseline_query(engine, people, rooms, horizon, rid):
    """The plain SQL of the busy intervals, in the driver's parameter style, with its values."""
    h0, h1 = horizon
    values = {"lo": h0 - timedelta(days=1), "h0": h0, "h1": h1}
    if engine.dialect.name == "sqlite":  # stored as naive UTC text, as UTCDateTime writes it
        values = {k: v.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f") for k, v in values.items()}
        marks = {k: f":{k}" for k in values}
    else:
        marks = {k: f"%({k})s" for k in values}
    sql = BASELINE.format(
        people=", ".join(str(int(p)) for p in people),
        rooms=", ".join(str(int(r)) for r in rooms),
        rid=int(rid),
        **marks,
    )
    return sql, values


def measure(target: int, runs: int) -> None:
    from app.domain.slots import search_horizon
    from app.policy.services import policy_in_force

    req = db.session.get(ConsultationRequest, target)
    request = slot_request(req)
    horizon = search_horizon(request, policy_in_force(NOW)[1], work_calendar(), NOW)
    people = [p.id for p in load_people(request.topic_codes)]
    rooms = db.session.scalars(select(Room.id).where(Room.active.is_(True))).all()
    sql, values = baseline_query(db.engine, people, rooms, horizon, target)
    raw = db.engine.raw_connection()
    found: list = []
    found_rows: list = []

    def fresh_request():
        """The request as the coordinator's page has it: its row loaded, nothing else."""
        db.session.rollback()
        db.session.expunge_all()
        return db.session.get(ConsultationRequest, target)

    def suggestion(req):
        found[:] = suggest_slots(req, now=NOW)

    def from_id(_):
        db.session.expunge_all()
        found[:] = suggest_slots(db.session.get(ConsultationRequest, target), now=NOW)

    def baseline(_):
        cursor = raw.cursor()
        cursor.execute(sql, values)
        found_rows[:] = cursor.fetchall()
        cursor.close()
        raw.rollback()

    runners = (("suggestion", suggestion), ("from id", from_id), ("baseline", baseline))
    times: dict[str, list[float]] = {name: [] for name, _ in runners}
    for i in range(runs + 3):  # three warm-up rounds; the three measures alternate
        for name, fn in runners:
            req = fresh_request()
            t = clock.perf_counter()
            fn(req)
            if i >= 3:
                times[name].append((clock.perf_counter() - t) * 1000)
    db.session.rollback()
    raw.close()
    first = found[0]
    print(
        f"horizon {horizon[0]:%Y-%m-%d} .. {horizon[1]:%Y-%m-%d} (UTC); {len(people)} narasumber know a topic; "
        f"baseline fetches {len(found_rows)} busy intervals"
    )
    print(
        f"first suggestion: {first.start.astimezone(WIB):%a %d %b %H:%M} WIB, room {first.room.name}, "
        f"people {[rp.person.id for rp in first.people]}; {len(found)} suggestions"
    )
    medians = {}
    for name, values_ms in times.items():
        values_ms.sort()
        medians[name] = statistics.median(values_ms)
        p95 = values_ms[max(0, round(0.95 * len(values_ms)) - 1)]
        print(f"{name:>10}: median {medians[name]:7.2f} ms   p95 {p95:7.2f} ms   ({runs} runs)")
    ratio = medians["suggestion"] / medians["baseline"]
    ok = medians["suggestion"] < 50 and ratio <= 5
    print(f"     ratio: {ratio:.2f}x  (goal: median < 50 ms and <= 5x)  {'OK' if ok else 'MISSED'}")
    print(
        f"   from id: {medians['from id'] / medians['baseline']:.2f}x the baseline, loading the request row too"
    )


def profile(target: int) -> None:
    import cProfile
    import pstats

    def run():
        for _ in range(20):
            db.session.expunge_all()
            suggest_slots(db.session.get(ConsultationRequest, target), now=NOW)
            db.session.rollback()

    profiler = cProfile.Profile()
    profiler.runcall(run)
    pstats.Stats(profiler).sort_stats("tottime").print_stats(30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="PostgreSQL URL (default: a temporary SQLite file)")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--profile", action="store_true", help="print a cProfile of the suggestion")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.db"
        for prefix in ("postgres://", "postgresql://"):
            if url.startswith(prefix):
                url = "postgresql+psycopg://" + url[len(prefix) :]
        app = create_app("testing", SQLALCHEMY_DATABASE_URI=url, UPLOAD_DIR=f"{tmp}/uploads")
        with app.app_context():
            print(f"database: {db.engine.dialect.name}")
            if db.engine.dialect.name == "postgresql":
                with db.engine.begin() as conn:
                    conn.execute(text("CREATE EXTENSION IF NOT EXISTS btree_gist"))
            db.drop_all()
            db.create_all()
            from app.regions.services import load_regions

            load_regions()
            db.session.commit()
            target = build(random.Random(args.seed))
            with db.engine.begin() as conn:
                conn.execute(text("ANALYZE"))  # fresh statistics, as autovacuum would give
            measure(target, args.runs)
            if args.profile:
                profile(target)
            db.session.remove()
            db.engine.dispose()


if __name__ == "__main__":
    main()
