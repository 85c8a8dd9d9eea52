"""The data of bench/pages.py: five years of DJPK's history with every role's pages full.

Built once per database and kept: a SQLite file in /tmp and a PostgreSQL database. A small
table (bench_pages_meta) holds the fingerprint the data was built for: the migrations' head,
the schema that db.create_all() makes (so a new index in a model counts too), this
builder's version and the WIB day (today's visits must be today's). Anything else
rebuilds (and --rebuild always does).

On top of the demo (`flask seed-demo`, same emails; staff get the authenticator secret of
tests/factories.py) and bench/report.py's five years (100,000 sessions, 50,000 breaches,
200,000 delegation members), it adds: Pemda accounts up to 2,000 (some waiting for
activation), 200 narasumber with topics and leave, more staff and rooms, narasumber
assignments and room bookings for the sessions (never overlapping), attendance
confirmations and front-desk visits of held sessions, 300 sessions of the demo's Brebes
operator and 60 breaches, the coordinator's open queue (about 350 requests), the sessions of
the next four weeks, today's visits and walk-ins, audit rows for every request, outbox email,
verification look-ups, ended login sessions and a report snapshot of every month.
"""

import hashlib
import random
import time as clock
from datetime import date, datetime, time, timedelta
from pathlib import Path
from types import SimpleNamespace

from sqlalchemy import func, select, text, update
from sqlalchemy.schema import CreateIndex, CreateTable

from app.attendance.models import AttendanceConfirmation, ConfirmedGuest
from app.auth.models import STAFF_ROLES, Role, UnitType, User
from app.auth.sessions import UserSession
from app.catalog.models import NarasumberProfile, Room, Topic, narasumber_topics
from app.checkin.models import Visit, VisitGuest
from app.compliance.models import Breach
from app.core import audit_chain
from app.core.audit import AuditLog
from app.core.clock import WIB, now_utc
from app.domain.breaches import BreachType
from app.domain.policy import Mode
from app.domain.states import RequestState as S
from app.extensions import db
from app.outbox.models import OutboxMessage
from app.policy.models import PolicyVersion
from app.regions.models import Region
from app.reports.snapshots import report_json
from app.requests.models import ConsultationRequest, DelegationMember, PreferredWindow, request_topics
from app.satisfaction.models import SatisfactionRating
from app.scheduling.models import AssignmentStatus, NarasumberAssignment, RoomBooking, Unavailability
from app.seed import seed_demo
from app.verification.models import VerificationLookup
from bench import report as five_years

# Raise when the data changes, so that cached databases are rebuilt.
BUILD_VERSION = 2
ROOT = Path(__file__).resolve().parents[1]
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # tests/factories.py
PEMDA_ACCOUNTS, NARASUMBER, BREBES_SESSIONS, BREBES_BREACHES = 2000, 200, 300, 60
OPEN_REQUESTS, UPCOMING, TODAY_FTF, TODAY_VC, WALK_INS = 350, 500, 20, 10, 3
OUTBOX, LOOKUPS, OLD_LOGINS, LEAVE = 5000, 3000, 20_000, 400
EXTRA_ROOMS, EXTRA_STAFF = 7, {Role.COORDINATOR: 5, Role.RECEPTIONIST: 5, Role.ADMIN: 3}
BREBES = ("33.29", UnitType.PEMDA, "operator.brebes@demo.go.id")
META = "bench_pages_meta"


# The cache ---------------------------------------------------------------------------------


def fingerprint(today: date) -> str:
    """What the data depends on: the schema (migrations' head and create_all's DDL), this
    builder and the WIB day."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(ROOT / "migrations"))
    head = ScriptDirectory.from_config(config).get_current_head()
    dialect = db.engine.dialect
    ddl = []
    for table in db.metadata.sorted_tables:
        ddl.append(str(CreateTable(table).compile(dialect=dialect)))
        ddl += sorted(str(CreateIndex(index).compile(dialect=dialect)) for index in table.indexes)
    schema = hashlib.sha256("\n".join(ddl).encode()).hexdigest()[:16]
    return f"head={head} schema={schema} build={BUILD_VERSION} day={today.isoformat()}"


def stored_fingerprint() -> str | None:
    try:
        with db.engine.connect() as conn:
            return conn.execute(text(f"SELECT value FROM {META} WHERE key = 'fingerprint'")).scalar()
    except Exception:  # no such table: never built
        return None


def ensure(rebuild: bool = False, seed: int = 2026) -> tuple[bool, float]:
    """Build the app context's database unless it holds this fingerprint's data already.
    Returns (built, seconds)."""
    today = now_utc().astimezone(WIB).date()
    wanted = fingerprint(today)
    if not rebuild and stored_fingerprint() == wanted:
        return False, 0.0
    t0 = clock.perf_counter()
    build(random.Random(seed))
    with db.engine.begin() as conn:
        conn.execute(text(f"DROP TABLE IF EXISTS {META}"))
        conn.execute(text(f"CREATE TABLE {META} (key VARCHAR(40) PRIMARY KEY, value TEXT)"))
        conn.execute(text(f"INSERT INTO {META} VALUES ('fingerprint', :v)"), {"v": wanted})
    return True, clock.perf_counter() - t0


# The build ---------------------------------------------------------------------------------


def build(rng: random.Random) -> None:
    t0 = clock.perf_counter()
    five_years.reset_schema()
    seed_demo()
    db.session.commit()
    now = now_utc()
    db.session.execute(
        update(User)
        .where(User.role.in_(STAFF_ROLES))
        .values(mfa_secret=TOTP_SECRET, mfa_enabled_at=now, mfa_last_step=None)
    )
    db.session.commit()
    print(f"  demo seeded ({clock.perf_counter() - t0:.1f} s)")
    five_years.build(rng)
    Extras(rng, now).add()
    db.session.commit()
    sync_sequences()
    five_years.analyze()
    t1 = clock.perf_counter()
    month = date(2021, 12, 1)
    last = now.astimezone(WIB).date().replace(day=1)
    months = 0
    while month <= last:
        report_json(month)
        db.session.commit()
        month = (month + timedelta(days=32)).replace(day=1)
        months += 1
    print(f"  {months} report snapshots stored in {clock.perf_counter() - t1:.1f} s")
    five_years.analyze()


def sync_sequences() -> None:
    """PostgreSQL: rows inserted with explicit ids leave the id sequences behind."""
    if db.engine.dialect.name != "postgresql":
        return
    with db.engine.begin() as conn:
        for table in db.metadata.sorted_tables:
            if "id" in table.c and table.c.id.autoincrement in (True, "auto") and table.c.id.primary_key:
                conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                        f"COALESCE((SELECT max(id) FROM {table.name}), 0) + 1, false)"
                    )
                )


def wib(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), WIB)


def hours(start: datetime, end: datetime) -> list[int]:
    """The hours (POSIX seconds // 3600) that [start, end) touches: two sessions of one person
    or room may share none (the exclusion constraints on PostgreSQL)."""
    return list(range(int(start.timestamp()) // 3600, (int(end.timestamp()) - 1) // 3600 + 1))


def working_days(first: date, end: date) -> list[date]:
    return [
        first + timedelta(days=i)
        for i in range((end - first).days)
        if (first + timedelta(days=i)).weekday() < 5
    ]


class Extras:
    """Everything bench/pages.py adds to the demo and bench/report.py's history."""

    def __init__(self, rng: random.Random, now: datetime):
        self.rng, self.now = rng, now
        self.today = now.astimezone(WIB).date()
        self.ids = {}
        self.audit: list[dict] = []

    def next(self, model) -> int:
        if model not in self.ids:
            self.ids[model] = five_years.next_id(model)
        value = self.ids[model]
        self.ids[model] += 1
        return value

    def add(self) -> None:
        t0 = clock.perf_counter()
        s = db.session
        self.regions = {r.id: r for r in s.scalars(select(Region).order_by(Region.id))}
        self.topics = dict(s.execute(select(Topic.id, Topic.code)).all())
        self.policy_id = s.scalar(select(func.max(PolicyVersion.id)))
        self.coordinator = s.scalar(select(User.id).where(User.email == "koordinator@demo.djpk.go.id"))
        self.receptionist = s.scalar(select(User.id).where(User.email == "resepsionis@demo.djpk.go.id"))
        self.people()
        self.rooms = list(s.scalars(select(Room.id).order_by(Room.id)))
        self.requests()
        self.sessions()
        self.compliance()
        self.messages()
        self.chain_audit()
        print(f"  extras added in {clock.perf_counter() - t0:.1f} s")

    # People ------------------------------------------------------------------------------

    def user_row(self, email: str, name: str, role: Role, **extra) -> dict:
        row = {
            "id": self.next(User),
            "email": email,
            "name": name,
            "password_hash": "-",
            "role": role,
            "created_at": self.now - timedelta(days=self.rng.randint(30, 1800)),
            "email_verified_at": self.now - timedelta(days=20),
            "activated_at": self.now - timedelta(days=10),
            "session_version": 1,
        }
        if role in STAFF_ROLES:
            row |= {"mfa_secret": TOTP_SECRET, "mfa_enabled_at": self.now - timedelta(days=10)}
        return row | extra

    def people(self) -> None:
        rng, s = self.rng, db.session
        users = []
        pemda = s.scalar(select(func.count()).select_from(User).where(User.role == Role.PEMDA))
        region_ids = list(self.regions)
        for k in range(PEMDA_ACCOUNTS - pemda):
            waiting = k % 30 == 0  # verified, waiting for DJPK's activation
            users.append(
                self.user_row(
                    f"p{k}@bench.go.id",
                    f"Operator Tambahan {k}",
                    Role.PEMDA,
                    region_id=rng.choice(region_ids),
                    unit_type=rng.choice(list(UnitType)),
                    phone="0812000" + str(k),
                    activated_at=None if waiting else self.now - timedelta(days=10),
                )
            )
        for role, count in EXTRA_STAFF.items():
            users += [
                self.user_row(f"{role.value}{k}@bench.djpk.go.id", f"Staf {role.value} {k}", role)
                for k in range(count)
            ]
        existing = s.scalar(select(func.count()).select_from(NarasumberProfile))
        people = [
            self.user_row(f"n{k}@bench.djpk.go.id", f"Narasumber Bench {k}", Role.NARASUMBER)
            for k in range(NARASUMBER - existing)
        ]
        five_years.insert_rows(User, users + people)
        working = {str(day): [["08:00", "16:00"]] for day in range(5)}
        profiles, links = [], []
        for person in people:
            pid = self.next(NarasumberProfile)
            profiles.append(
                {
                    "id": pid,
                    "user_id": person["id"],
                    "unit": f"Direktorat {rng.randint(1, 6)}",
                    "working_hours": working,
                    "max_per_day": 3,
                    "max_per_week": 10,
                }
            )
            links += [
                {"narasumber_id": pid, "topic_id": t}
                for t in rng.sample(list(self.topics), rng.randint(2, 3))
            ]
        five_years.insert_rows(NarasumberProfile, profiles)
        five_years.insert_rows(narasumber_topics, links)
        rooms = [
            {"id": self.next(Room), "name": f"Ruang Bench {k}", "floor": "8", "capacity": 10, "active": True}
            for k in range(EXTRA_ROOMS)
        ]
        five_years.insert_rows(Room, rooms)
        self.operators: dict[tuple, list[int]] = {}
        for uid, region, unit in s.execute(
            select(User.id, User.region_id, User.unit_type)
            .where(User.role == Role.PEMDA, User.activated_at.is_not(None))
            .order_by(User.id)
        ):
            self.operators.setdefault((region, unit), []).append(uid)
        self.narasumber = {
            pid: set() for pid in s.scalars(select(NarasumberProfile.id).order_by(NarasumberProfile.id))
        }
        self.covering: dict[int, list[int]] = {}
        for pid, tid in s.execute(
            select(narasumber_topics.c.narasumber_id, narasumber_topics.c.topic_id).order_by(
                narasumber_topics.c.narasumber_id, narasumber_topics.c.topic_id
            )
        ):
            self.covering.setdefault(tid, []).append(pid)
        leave = []
        for _ in range(LEAVE):
            start = wib(self.today + timedelta(days=rng.randint(-700, 60)), 0)
            leave.append(
                {
                    "id": self.next(Unavailability),
                    "narasumber_id": rng.choice(list(self.narasumber)),
                    "start": start,
                    "end": start + timedelta(days=rng.randint(1, 5)),
                    "kind": "leave",
                    "reason": "Cuti",
                }
            )
        five_years.insert_rows(Unavailability, leave)

    # Requests ----------------------------------------------------------------------------

    def request_row(
        self, region: int, unit, owner: int, mode, state, submitted: datetime, start=None
    ) -> dict:
        rid = self.next(ConsultationRequest)
        row = {
            "id": rid,
            "region_id": region,
            "unit_type": unit,
            "created_by_id": owner,
            "mode": mode,
            "state": state,
            "agenda": f"Konsultasi pengelolaan keuangan daerah ({rid})",
            "contact_name": "Kontak Pemda",
            "contact_email": "kontak@pemda.go.id",
            "contact_phone": "081200001111",
            "policy_version_id": self.policy_id,
            "submitted_at": submitted,
            "updated_at": submitted,
            "regional_head_attends": False,
            "scheduled_start": start,
            "scheduled_end": start + timedelta(hours=1) if start else None,
            "booking_code": f"X{rid:09d}" if start else None,
        }
        return row

    def requests(self) -> None:
        """Brebes' five years, the open queue, the next four weeks and today."""
        rng = self.rng
        rows, windows = [], []
        code, unit, email = BREBES
        brebes = db.session.scalar(select(Region.id).where(Region.code == code))
        brebes_owner = db.session.scalar(select(User.id).where(User.email == email))
        past = working_days(date(2021, 12, 1), self.today)
        ended = [S.HELD] * 80 + [S.CANCELLED] * 6 + [S.NO_SHOW] * 4 + [S.REJECTED] * 5
        for _ in range(BREBES_SESSIONS):
            state = rng.choice(ended)
            start = wib(rng.choice(past[:-3]), rng.randint(8, 15))
            mode = rng.choice((Mode.VC, Mode.FTF))
            rows.append(
                self.request_row(
                    brebes,
                    unit,
                    brebes_owner,
                    mode,
                    state,
                    start - timedelta(days=12),
                    None if state == S.REJECTED else start,
                )
            )
        keys = [k for k in self.operators if self.operators[k]]
        ahead = working_days(self.today + timedelta(days=1), self.today + timedelta(days=36))
        for k in range(OPEN_REQUESTS):
            region, unit_ = rng.choice(keys) if k % 10 else (brebes, unit)
            owner = rng.choice(self.operators[(region, unit_)]) if k % 10 else brebes_owner
            state = S.CHANGES_REQUESTED if k % 7 == 0 else S.SUBMITTED
            submitted = self.now - timedelta(hours=rng.randint(1, 24 * 15))
            row = self.request_row(
                region, unit_, owner, rng.choice((Mode.VC, Mode.VC, Mode.FTF)), state, submitted
            )
            rows.append(row)
            self.audit.append(
                {
                    "at": submitted,
                    "actor_id": owner,
                    "action": "request.submit",
                    "object_type": "ConsultationRequest",
                    "object_id": str(row["id"]),
                    "before": None,
                    "after": {"state": "submitted"},
                    "ip": None,
                }
            )
            for position in range(2):
                start = wib(rng.choice(ahead[4:]), rng.randint(8, 13))
                windows.append(
                    {
                        "id": self.next(PreferredWindow),
                        "request_id": row["id"],
                        "position": position,
                        "start": start,
                        "end": start + timedelta(hours=3),
                    }
                )
        for k in range(UPCOMING):
            region, unit_ = rng.choice(keys)
            state = S.CONFIRMED if k % 5 < 2 else S.SCHEDULED
            start = wib(rng.choice(ahead[:20]), rng.randint(8, 15))
            rows.append(
                self.request_row(
                    region,
                    unit_,
                    rng.choice(self.operators[(region, unit_)]),
                    rng.choice((Mode.VC, Mode.VC, Mode.FTF)),
                    state,
                    start - timedelta(days=10),
                    start,
                )
            )
        for k in range(TODAY_FTF + TODAY_VC):
            region, unit_ = rng.choice(keys)
            start = wib(self.today, 8 + k % 8)
            rows.append(
                self.request_row(
                    region,
                    unit_,
                    rng.choice(self.operators[(region, unit_)]),
                    Mode.FTF if k < TODAY_FTF else Mode.VC,
                    S.CONFIRMED,
                    start - timedelta(days=10),
                    start,
                )
            )
        five_years.insert_rows(ConsultationRequest, rows)
        five_years.insert_rows(PreferredWindow, windows)
        topics, members = [], []
        for row in rows:
            topics += [
                {"request_id": row["id"], "topic_id": t}
                for t in rng.sample(list(self.topics), rng.randint(1, 3))
            ]
            members += [
                {
                    "id": self.next(DelegationMember),
                    "request_id": row["id"],
                    "position": p,
                    "name": f"Tamu {p}",
                    "title": "Kepala Bidang",
                    "is_regional_head": False,
                }
                for p in range(rng.randint(2, 5))
            ]
        five_years.insert_rows(request_topics, topics)
        five_years.insert_rows(DelegationMember, members)
        ratings = [
            {
                "id": self.next(SatisfactionRating),
                "request_id": row["id"],
                "service_score": rng.randint(3, 5),
                "substance_score": rng.randint(2, 5),
                "comment": "Penjelasan jelas.",
                "rated_by_id": row["created_by_id"],
                "rated_at": row["scheduled_end"] + timedelta(days=1),
            }
            for row in rows
            if row["state"] == S.HELD and rng.random() < 0.6
        ]
        five_years.insert_rows(SatisfactionRating, ratings)

    # Sessions: who, where, confirmed, arrived ----------------------------------------------

    def sessions(self) -> None:
        rng, s = self.rng, db.session
        R = ConsultationRequest
        codes: dict[int, list[int]] = {}
        for rid, tid in s.execute(
            select(request_topics.c.request_id, request_topics.c.topic_id).order_by(
                request_topics.c.request_id, request_topics.c.topic_id
            )
        ):
            codes.setdefault(rid, []).append(tid)
        taken = {
            (a.narasumber_id, hour)
            for a in s.execute(select(NarasumberAssignment).where(NarasumberAssignment.active)).scalars()
            for hour in hours(a.start, a.end)
        }
        booked = {
            (b.room_id, hour)
            for b in s.execute(select(RoomBooking).where(RoomBooking.active)).scalars()
            for hour in hours(b.start, b.end)
        }
        assigned = set(s.scalars(select(NarasumberAssignment.request_id)))
        rows = s.execute(
            select(
                R.id,
                R.state,
                R.mode,
                R.scheduled_start,
                R.scheduled_end,
                R.region_id,
                R.unit_type,
                R.created_by_id,
            )
            .where(R.scheduled_start.is_not(None))
            .order_by(R.id)
        ).all()
        everyone = list(self.narasumber)
        assignments, bookings, rooms_of = [], [], []
        confirmations, guests, visits, visit_guests = [], [], [], []
        for r in rows:
            if r.id in assigned:
                continue
            active = r.state in (S.SCHEDULED, S.CONFIRMED, S.HELD, S.NO_SHOW)
            for tid in codes.get(r.id, [])[: 1 if rng.random() < 0.7 else 2]:
                pool = self.covering.get(tid) or everyone
                for _ in range(6):
                    pid = rng.choice(pool if rng.random() < 0.9 else everyone)
                    if not taken.intersection((pid, h) for h in hours(r.scheduled_start, r.scheduled_end)):
                        break
                else:
                    continue
                if active:
                    taken.update((pid, h) for h in hours(r.scheduled_start, r.scheduled_end))
                future = r.scheduled_start > self.now
                assignments.append(
                    {
                        "id": self.next(NarasumberAssignment),
                        "request_id": r.id,
                        "narasumber_id": pid,
                        "start": r.scheduled_start,
                        "end": r.scheduled_end,
                        "active": active,
                        "status": (
                            AssignmentStatus.RELEASED
                            if not active
                            else AssignmentStatus.ASSIGNED
                            if future and rng.random() < 0.3
                            else AssignmentStatus.ACCEPTED
                        ),
                        "topic_codes": [self.topics[tid]],
                        "assigned_at": r.scheduled_start - timedelta(days=8),
                        "assigned_by_id": self.coordinator,
                        "responded_at": r.scheduled_start - timedelta(days=7),
                    }
                )
            if r.mode == Mode.FTF and active:
                slot = hours(r.scheduled_start, r.scheduled_end)
                free = (
                    x
                    for x in rng.sample(self.rooms, len(self.rooms))
                    if not booked.intersection((x, h) for h in slot)
                )
                room = next(free, None)
                if room is not None:
                    booked.update((room, h) for h in slot)
                    rooms_of.append({"id": r.id, "room_id": room})
                    bookings.append(
                        {
                            "id": self.next(RoomBooking),
                            "request_id": r.id,
                            "room_id": room,
                            "start": r.scheduled_start,
                            "end": r.scheduled_end,
                            "active": True,
                            "created_at": r.scheduled_start - timedelta(days=8),
                        }
                    )
            self.audit_request(r)
            if r.state not in (S.CONFIRMED, S.HELD):
                continue
            cid = self.next(AttendanceConfirmation)
            at = r.scheduled_start - timedelta(days=2)
            confirmations.append(
                {
                    "id": cid,
                    "request_id": r.id,
                    "regional_head_attends": False,
                    "confirmed_at": at,
                    "confirmed_by_id": r.created_by_id,
                    "updated_at": at,
                    "updated_by_id": r.created_by_id,
                    "version": 1,
                }
            )
            size = rng.randint(2, 5)
            guests += [
                {
                    "id": self.next(ConfirmedGuest),
                    "confirmation_id": cid,
                    "position": p,
                    "name": f"Tamu {p}",
                    "title": "Kepala Bidang",
                    "is_regional_head": False,
                }
                for p in range(size)
            ]
            today_arrived = r.scheduled_start.astimezone(WIB).date() == self.today and rng.random() < 0.4
            if r.mode == Mode.FTF and (r.state == S.HELD or today_arrived):
                vid = self.next(Visit)
                visits.append(
                    self.visit_row(
                        vid, r.region_id, r.unit_type, r.scheduled_start, r.id, done=r.state == S.HELD
                    )
                )
                visit_guests += [
                    {
                        "id": self.next(VisitGuest),
                        "visit_id": vid,
                        "position": p,
                        "name": f"Tamu {p}",
                        "title": "Kepala Bidang",
                        "on_list": True,
                        "present": True,
                        "is_regional_head": False,
                    }
                    for p in range(size)
                ]
        keys = list(self.operators)
        for k in range(WALK_INS):
            region, unit = rng.choice(keys)
            vid = self.next(Visit)
            visits.append(self.visit_row(vid, region, unit, wib(self.today, 9 + k), None, done=False))
            visit_guests.append(
                {
                    "id": self.next(VisitGuest),
                    "visit_id": vid,
                    "position": 0,
                    "name": "Tamu",
                    "title": "Staf",
                    "on_list": False,
                    "present": True,
                    "is_regional_head": False,
                }
            )
        five_years.insert_rows(NarasumberAssignment, assignments)
        five_years.insert_rows(RoomBooking, bookings)
        for i in range(0, len(rooms_of), five_years.CHUNK):
            s.execute(update(ConsultationRequest), rooms_of[i : i + five_years.CHUNK])
        five_years.insert_rows(AttendanceConfirmation, confirmations)
        five_years.insert_rows(ConfirmedGuest, guests)
        five_years.insert_rows(Visit, visits)
        five_years.insert_rows(VisitGuest, visit_guests)
        print(
            f"  {len(assignments)} narasumber assignments, {len(bookings)} room bookings, "
            f"{len(confirmations)} confirmations, {len(visits)} visits"
        )

    def visit_row(self, vid, region, unit, start, request_id, *, done: bool) -> dict:
        arrived = start - timedelta(minutes=self.rng.randint(-20, 40))
        return {
            "id": vid,
            "request_id": request_id,
            "region_id": region,
            "unit_type": unit,
            "walk_in": request_id is None,
            "arrived_at": arrived,
            "checked_in_by_id": self.receptionist,
            "regional_head_present": False,
            "checked_out_at": arrived + timedelta(minutes=80) if done else None,
            "checked_out_by_id": self.receptionist if done else None,
        }

    def audit_request(self, r) -> None:
        """What the log holds of a session: submitted, approved, and how it ended."""
        start = r.scheduled_start
        steps = [
            ("request.submit", r.created_by_id, start - timedelta(days=12), None, {"state": "submitted"})
        ]
        steps.append(
            (
                "request.approve",
                self.coordinator,
                start - timedelta(days=8),
                {"state": "submitted"},
                {"state": "scheduled"},
            )
        )
        if r.state in (S.CONFIRMED, S.HELD):
            steps.append(
                (
                    "request.confirm",
                    r.created_by_id,
                    start - timedelta(days=2),
                    {"state": "scheduled"},
                    {"state": "confirmed"},
                )
            )
        if r.state in (S.HELD, S.NO_SHOW, S.CANCELLED):
            steps.append(
                (f"request.{r.state.value}", None, start + timedelta(hours=2), None, {"state": r.state.value})
            )
        for action, actor, at, before, after in steps:
            self.audit.append(
                {
                    "at": at,
                    "actor_id": actor,
                    "action": action,
                    "object_type": "ConsultationRequest",
                    "object_id": str(r.id),
                    "before": before,
                    "after": after,
                    "ip": None,
                }
            )

    # Breaches, email, look-ups, old logins ---------------------------------------------------

    def compliance(self) -> None:
        rng = self.rng
        code, unit, _email = BREBES
        brebes = db.session.scalar(select(Region.id).where(Region.code == code))
        breaches = []
        for k in range(BREBES_BREACHES):
            breaches.append(
                {
                    "id": self.next(Breach),
                    "type_code": rng.choice(list(BreachType)).value,
                    "region_id": brebes,
                    "unit_type": unit,
                    "recorded_by_kind": "system" if k % 3 else "receptionist",
                    "recorded_by_id": None if k % 3 else self.receptionist,
                    "recorded_at": self.now - timedelta(days=rng.randint(1, 1800)),
                    "evidence": {},
                    "note": "Dicatat oleh bench",
                    "voided_at": self.now if k % 10 == 0 else None,
                    "voided_by_id": self.coordinator if k % 10 == 0 else None,
                    "void_reason": "Salah catat" if k % 10 == 0 else None,
                }
            )
        five_years.insert_rows(Breach, breaches)

    def messages(self) -> None:
        rng, s = self.rng, db.session
        recent = list(
            s.scalars(
                select(ConsultationRequest.id)
                .where(ConsultationRequest.submitted_at > self.now - timedelta(days=60))
                .order_by(ConsultationRequest.id)
            )
        )
        kinds = ("scheduling/scheduled", "attendance/request", "reminders/day_before", "auth/verify_email")
        body = (
            "Yth. Bapak/Ibu,\n\n"
            + "Sesi konsultasi Anda telah dijadwalkan. " * 10
            + "\n\nSalam,\nKonsultasi DJPK"
        )
        rows = []
        for k in range(OUTBOX):
            created = self.now - timedelta(minutes=rng.randint(1, 60 * 24 * 60))
            state = "sent" if k % 20 > 1 else "failed" if k % 20 == 1 else "pending"
            rows.append(
                {
                    "id": self.next(OutboxMessage),
                    "recipients": [f"penerima{k}@pemda.go.id"],
                    "subject": f"Konsultasi DJPK: pemberitahuan {k}",
                    "text_body": body,
                    "html_body": "<p>" + body + "</p>",
                    "attachments": [],
                    "kind": rng.choice(kinds),
                    "request_id": rng.choice(recent) if recent else None,
                    "dedupe_key": f"bench-{k}",
                    "state": state,
                    "attempts": 1 if state == "sent" else 6 if state == "failed" else 0,
                    "next_attempt_at": created,
                    "last_error": "550 mailbox unavailable" if state == "failed" else None,
                    "created_at": created,
                    "sent_at": created + timedelta(seconds=30) if state == "sent" else None,
                }
            )
        five_years.insert_rows(OutboxMessage, rows)
        coded = list(
            s.execute(
                select(ConsultationRequest.id, ConsultationRequest.booking_code)
                .where(ConsultationRequest.booking_code.is_not(None))
                .order_by(ConsultationRequest.id)
                .limit(5000)
            )
        )
        lookups = []
        for k in range(LOOKUPS):
            rid, code = rng.choice(coded)
            found = k % 10
            lookups.append(
                {
                    "id": self.next(VerificationLookup),
                    "looked_up_at": self.now - timedelta(minutes=rng.randint(1, 60 * 24 * 90)),
                    "code_entered": code if found else "SALAH-123",
                    "result": "genuine" if found else "not_found",
                    "request_id": rid if found else None,
                    "client_ip": "203.0.113.7",
                    "via_qr": k % 2 == 0,
                }
            )
        five_years.insert_rows(VerificationLookup, lookups)
        users = list(s.scalars(select(User.id).where(User.activated_at.is_not(None)).order_by(User.id)))
        logins = []
        for k in range(OLD_LOGINS):
            at = self.now - timedelta(minutes=rng.randint(120, 60 * 24 * 365))
            logins.append(
                {
                    "id": self.next(UserSession),
                    "user_id": rng.choice(users),
                    "token_hash": hashlib.sha256(f"bench-{k}".encode()).hexdigest(),
                    "session_version": 1,
                    "created_at": at,
                    "last_seen_at": at + timedelta(minutes=20),
                    "ended_at": at + timedelta(minutes=50),
                    "end_reason": "logout" if k % 3 else "idle",
                    "ip": "203.0.113.9",
                    "user_agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0",
                }
            )
            if k % 4 == 0:
                self.audit.append(
                    {
                        "at": at,
                        "actor_id": logins[-1]["user_id"],
                        "action": "auth.login",
                        "object_type": "User",
                        "object_id": str(logins[-1]["user_id"]),
                        "before": None,
                        "after": None,
                        "ip": "203.0.113.9",
                    }
                )
        five_years.insert_rows(UserSession, logins)

    def chain_audit(self) -> None:
        """The audit rows, hash-chained after the demo's (app.core.audit_chain), oldest first."""
        tail = db.session.execute(
            select(AuditLog.seq, AuditLog.row_hash).order_by(AuditLog.seq.desc()).limit(1)
        ).first()
        seq, prev = (tail.seq, tail.row_hash) if tail else (0, audit_chain.GENESIS)
        self.audit.sort(key=lambda row: row["at"])
        for row in self.audit:
            seq += 1
            row |= {"id": self.next(AuditLog), "seq": seq, "prev_hash": prev, "http_request_id": None}
            row["row_hash"] = prev = audit_chain.hash_of(SimpleNamespace(**row))
        five_years.insert_rows(AuditLog, self.audit)
        print(f"  {len(self.audit)} audit rows")
