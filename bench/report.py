"""Benchmark of the monthly report (issue 6): is it fast on five years of history?

    .venv/bin/python bench/report.py                  # SQLite file in /tmp, plus PostgreSQL when
    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test_report .venv/bin/python bench/report.py

Builds synthetic data with bulk inserts: all 552 regions with one operator each, 14 topics,
five years (Dec 2021 - Nov 2026) of about 100,000 sessions: 60,000 imported history sessions
(Dec 2021 - Nov 2024) and 40,000 live requests (Jun 2024 - Nov 2026: 85% held, the rest
cancelled, no-show or scheduled) with 200,000 delegation members, 1-3 topics each, 50,000
breaches (10% voided) and ratings for about 60% of the held sessions. Then it times, in
alternation, for September 2024 (history and live sessions overlap there: about 2,800 held
sessions in the month), the report's JSON as the application serves it
(app.reports.snapshots.report_json, then the commit):
(a) "stored": read while the data is unchanged, so from the month's snapshot;
(b) "rebuilt": the first read after a commit that changed report data (raising the data
    version is not timed), so built from scratch by build_report and stored;
and (c) the baseline: one hand-written GROUP BY over the same month (held sessions per mode and
topic over both sources, the report's own heaviest aggregate), run on the raw DB-API cursor.
Prints median and p95 of each and the ratios. Goal: median report under 300 ms and within 3x
of the baseline.

THE DATABASES ARE EMPTIED: every table of the application is dropped first.
"""

import argparse
import gc
import os
import random
import statistics
import sys
import time as clock
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, insert, select, text  # noqa: E402

from app import create_app  # noqa: E402
from app.auth.models import Role, UnitType, User  # noqa: E402
from app.catalog.models import Topic  # noqa: E402
from app.compliance.models import Breach  # noqa: E402
from app.core.clock import WIB  # noqa: E402
from app.domain.breaches import BreachType  # noqa: E402
from app.domain.months import month_bounds  # noqa: E402
from app.domain.policy import Mode  # noqa: E402
from app.domain.states import RequestState  # noqa: E402
from app.extensions import db  # noqa: E402
from app.history.models import HistorySession, ImportBatch, history_session_topics  # noqa: E402
from app.regions.models import Region  # noqa: E402
from app.reports.build import build_report  # noqa: E402
from app.reports.snapshots import raise_version, report_json  # noqa: E402
from app.requests.models import ConsultationRequest, DelegationMember, request_topics  # noqa: E402
from app.satisfaction.models import SatisfactionRating  # noqa: E402
from app.seed_data import TOPICS  # noqa: E402
from config import psycopg_url  # noqa: E402

FIRST_DAY, HISTORY_END, LIVE_START, LAST_DAY = (
    date(2021, 12, 1),
    date(2024, 12, 1),
    date(2024, 6, 1),
    date(2026, 12, 1),
)
HISTORY, LIVE, BREACHES, MEMBERS_EACH = 60_000, 40_000, 50_000, 5
MONTH = date(2024, 9, 1)
CHUNK = 10_000


def _days(first: date, end: date) -> list[date]:
    return [
        first + timedelta(days=i)
        for i in range((end - first).days)
        if (first + timedelta(days=i)).weekday() < 5
    ]


def insert_rows(model, rows: list[dict]) -> None:
    """Bulk insert in the session's transaction: COPY on PostgreSQL, executemany in chunks
    elsewhere. `model` is a mapped class or a Table; rows may leave out columns that have a
    default (or are nullable)."""
    if not rows:
        return
    if db.session.get_bind().dialect.name == "postgresql":
        _copy(getattr(model, "__table__", model), rows)
        return
    for i in range(0, len(rows), CHUNK):
        db.session.execute(insert(model), rows[i : i + CHUNK])


def _copy(table, rows: list[dict]) -> None:
    """COPY FROM STDIN, with each value made what SQLAlchemy would bind (enums, JSON, UTC)."""
    dialect = db.session.get_bind().dialect
    given = set().union(*rows)
    columns, defaults, processors = [], [], []
    for column in table.columns:
        scalar = column.default is not None and column.default.is_scalar
        if column.name not in given and not scalar:
            continue  # the database's default, or NULL
        columns.append(column.name)
        defaults.append(column.default.arg if scalar else None)
        processors.append(column.type._cached_bind_processor(dialect))
    names = ", ".join(f'"{name}"' for name in columns)
    raw = db.session.connection().connection.driver_connection
    with raw.cursor() as cursor, cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
        for row in rows:
            values = []
            for name, default, process in zip(columns, defaults, processors, strict=True):
                value = row.get(name, default)
                values.append(process(value) if process and value is not None else value)
            copy.write_row(values)


def next_id(model) -> int:
    """The first free id of `model` (1 in an empty table): build() adds to what is there."""
    return (db.session.scalar(select(func.max(model.id))) or 0) + 1


def build(rng: random.Random) -> None:
    """Add the five years of data to the current database (its regions loaded). On an empty
    one the ids start at 1; rows already there (bench/pages.py's demo accounts) are kept, and
    topics already there are reused by code."""
    t0 = clock.perf_counter()
    now = datetime(2026, 12, 1, tzinfo=UTC)
    regions = db.session.scalars(select(Region.id).order_by(Region.id)).all()
    existing = dict(db.session.execute(select(Topic.code, Topic.id)).all())
    topics = [
        {"id": existing.get(c, i), "code": c, "name": n, "active": True, "sort_order": i}
        for i, (c, n, _) in enumerate(TOPICS, 1)
    ]
    insert_rows(Topic, [t for t in topics if t["code"] not in existing])
    units = {rid: rng.choice(list(UnitType)) for rid in regions}
    users = [
        {
            "id": i,
            "email": f"u{i}@bench.go.id",
            "name": f"Operator {i}",
            "password_hash": "-",
            "role": Role.PEMDA,
            "region_id": rid,
            "unit_type": units[rid],
            "created_at": now,
            "email_verified_at": now,
            "activated_at": now,
            "session_version": 1,
        }
        for i, rid in enumerate(regions, next_id(User))
    ]
    insert_rows(User, users)
    operator = {u["region_id"]: u["id"] for u in users}
    topic_ids = [t["id"] for t in topics]

    batch = next_id(ImportBatch)
    db.session.execute(
        insert(ImportBatch),
        [
            {
                "id": batch,
                "filename": "riwayat.xlsx",
                "sha256": "0" * 64,
                "imported_at": now,
                "rows_total": HISTORY,
                "rows_added": HISTORY,
            }
        ],
    )
    history_days = _days(FIRST_DAY, HISTORY_END)
    history, history_topics = [], []
    first = next_id(HistorySession)
    for hid in range(first, first + HISTORY):
        rid = rng.choice(regions)
        resolved = rng.random() < 0.9
        history.append(
            {
                "id": hid,
                "batch_id": batch,
                "mode": rng.choice((Mode.VC, Mode.VC, Mode.FTF)),
                "session_date": rng.choice(history_days),
                "region_id": rid if resolved else None,
                "unit_type": units[rid],
                "service_user": f"Daerah {rid}",
                "row_number": hid - first + 1,
                "fingerprint": f"bench-{hid}",
            }
        )
        history_topics += [
            {"session_id": hid, "topic_id": t} for t in rng.sample(topic_ids, rng.randint(1, 3))
        ]
    insert_rows(HistorySession, history)
    insert_rows(history_session_topics, history_topics)

    live_days = _days(LIVE_START, LAST_DAY)
    states = (
        [RequestState.HELD] * 85
        + [RequestState.CANCELLED] * 7
        + [RequestState.NO_SHOW] * 4
        + [RequestState.SCHEDULED] * 4
    )
    requests, req_topics, members, ratings = [], [], [], []
    first = next_id(ConsultationRequest)
    for rid_ in range(first, first + LIVE):
        region = rng.choice(regions)
        start = datetime.combine(rng.choice(live_days), datetime.min.time(), WIB).replace(
            hour=rng.randint(8, 15)
        )
        state = rng.choice(states)
        requests.append(
            {
                "id": rid_,
                "region_id": region,
                "unit_type": units[region],
                "created_by_id": operator[region],
                "mode": rng.choice((Mode.VC, Mode.VC, Mode.FTF)),
                "state": state,
                "agenda": "Konsultasi",
                "contact_name": "Kontak",
                "contact_email": "k@pemda.go.id",
                "contact_phone": "0812",
                "submitted_at": start - timedelta(days=10),
                "updated_at": start,
                "scheduled_start": start,
                "scheduled_end": start + timedelta(hours=1),
                "regional_head_attends": False,
                "booking_code": f"B{rid_:09d}",
            }
        )
        req_topics += [{"request_id": rid_, "topic_id": t} for t in rng.sample(topic_ids, rng.randint(1, 3))]
        members += [
            {
                "request_id": rid_,
                "position": p,
                "name": f"Tamu {p}",
                "title": "Kepala Bidang",
                "is_regional_head": False,
            }
            for p in range(MEMBERS_EACH)
        ]
        if state == RequestState.HELD and rng.random() < 0.6:
            ratings.append(
                {
                    "request_id": rid_,
                    "service_score": rng.randint(3, 5),
                    "substance_score": rng.randint(2, 5),
                    "rated_by_id": operator[region],
                    "rated_at": start + timedelta(days=1),
                }
            )
    insert_rows(ConsultationRequest, requests)
    insert_rows(request_topics, req_topics)
    insert_rows(DelegationMember, members)
    insert_rows(SatisfactionRating, ratings)

    span = (LAST_DAY - FIRST_DAY).days * 86400
    first = datetime.combine(FIRST_DAY, datetime.min.time(), WIB)
    breaches = []
    first_breach = next_id(Breach)
    for bid in range(first_breach, first_breach + BREACHES):
        region = rng.choice(regions)
        voided = rng.random() < 0.1
        breaches.append(
            {
                "id": bid,
                "type_code": rng.choice(list(BreachType)).value,
                "region_id": region,
                "unit_type": units[region],
                "recorded_by_kind": "system",
                "recorded_at": first + timedelta(seconds=rng.randrange(span)),
                "evidence": {},
                "voided_at": now if voided else None,
            }
        )
    insert_rows(Breach, breaches)
    db.session.commit()
    print(
        f"  data: {HISTORY} history sessions, {LIVE} requests, {len(members)} delegation members, "
        f"{len(history_topics) + len(req_topics)} session topics, {BREACHES} breaches, {len(ratings)} ratings; "
        f"built in {clock.perf_counter() - t0:.1f} s"
    )


BASELINE = """
SELECT mode, code, count(*) FROM (
  SELECT r.mode AS mode, t.code AS code FROM request_topics rt
    JOIN consultation_requests r ON r.id = rt.request_id
    JOIN topics t ON t.id = rt.topic_id
   WHERE r.state = 'held' AND r.scheduled_start >= {s} AND r.scheduled_start < {e}
  UNION ALL
  SELECT h.mode, t.code FROM history_session_topics ht
    JOIN history_sessions h ON h.id = ht.session_id
    JOIN topics t ON t.id = ht.topic_id
   WHERE h.session_date >= {d0} AND h.session_date < {d1}
) x GROUP BY mode, code
"""


def baseline_query(dialect: str):
    start, end = month_bounds(MONTH)
    values = {"s": start, "e": end, "d0": MONTH, "d1": date(MONTH.year, MONTH.month + 1, 1)}
    if dialect == "sqlite":  # stored as naive UTC text, as UTCDateTime writes it
        values = {
            k: v.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
            if isinstance(v, datetime)
            else v.isoformat()
            for k, v in values.items()
        }
        marks = {k: f":{k}" for k in values}
    else:
        marks = {k: f"%({k})s" for k in values}
    return BASELINE.format(**marks), values


def measure(runs: int) -> dict[str, float]:
    sql, values = baseline_query(db.engine.dialect.name)
    raw = db.engine.raw_connection()
    out: dict = {}

    def stored():
        out["json"] = report_json(MONTH)
        db.session.commit()

    def rebuilt():
        out["rebuilt"] = report_json(MONTH)
        db.session.commit()

    def baseline():
        cursor = raw.cursor()
        cursor.execute(sql, values)
        out["rows"] = cursor.fetchall()
        cursor.close()
        raw.rollback()

    def change():
        """Not timed: a commit that changes report data, so the next read rebuilds."""
        raise_version(db.session)
        db.session.commit()

    steps = (("stored", stored, None), ("rebuilt", rebuilt, change), ("baseline", baseline, None))
    times: dict[str, list[float]] = {name: [] for name, _, _ in steps}
    for i in range(runs + 3):  # three warm-up rounds, then alternating
        for name, fn, before in steps:
            if before:
                before()
            t = clock.perf_counter()
            fn()
            if i >= 3:
                times[name].append((clock.perf_counter() - t) * 1000)
    raw.close()
    data = out["json"]
    assert data == out["rebuilt"] == build_report(MONTH).to_json()
    print(
        f"  month {data['month']}: {data['video_conference']['count']} VC, {data['face_to_face']['count']} FTF held, "
        f"{data['breaches']['total']} breaches; baseline returns {len(out['rows'])} groups"
    )
    medians = {}
    for name, values_ms in times.items():
        values_ms.sort()
        medians[name] = statistics.median(values_ms)
        p95 = values_ms[max(0, round(0.95 * len(values_ms)) - 1)]
        print(f"  {name:>8}: median {medians[name]:7.2f} ms   p95 {p95:7.2f} ms   ({runs} runs)")
    return medians


def reset_schema() -> None:
    """Empty the app context's database: every table dropped, the schema created again
    (db.create_all) and the regions loaded."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
            conn.execute(text("CREATE EXTENSION IF NOT EXISTS btree_gist"))
    db.drop_all()
    db.create_all()
    from app.regions.services import load_regions

    load_regions()
    db.session.commit()


def analyze() -> None:
    """Fresh statistics and visibility map, as autovacuum gives a production server (this
    machine's PostgreSQL runs with autovacuum off)."""
    name = db.engine.dialect.name
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE" if name == "postgresql" else "ANALYZE"))


def run(url: str, runs: int, seed: int) -> tuple[str, dict[str, float]]:
    app = create_app(
        "testing", SQLALCHEMY_DATABASE_URI=psycopg_url(url), UPLOAD_DIR="/tmp/bench-report-uploads"
    )
    with app.app_context():
        name = db.engine.dialect.name
        print(f"database: {name}")
        reset_schema()
        build(random.Random(seed))
        analyze()
        gc.collect()
        gc.freeze()  # as wsgi.py does after start-up
        medians = measure(runs)
        db.session.remove()
        db.engine.dispose()
    return name, medians


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--sqlite", default="/tmp/bench-report.db", help="the SQLite file (emptied)")
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    urls = [f"sqlite:///{args.sqlite}"]
    pg = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")
    if pg and not args.no_postgres:
        urls.append(pg)
    results = [run(url, args.runs, args.seed) for url in urls]
    print()
    print("stored: the report read while its data is unchanged (served from its snapshot)")
    print("rebuilt: the first read after a change (built from scratch, then stored)")
    print(
        f"{'database':<12}{'report':>10}{'median':>11}{'baseline':>12}{'ratio':>8}  goal: < 300 ms and <= 3x"
    )
    for name, m in results:
        for kind in ("stored", "rebuilt"):
            ratio = m[kind] / m["baseline"]
            ok = m[kind] < 300 and ratio <= 3
            print(
                f"{name:<12}{kind:>10}{m[kind]:>8.2f} ms{m['baseline']:>9.2f} ms{ratio:>7.2f}x  {'OK' if ok else 'MISSED'}"
            )


if __name__ == "__main__":
    main()
