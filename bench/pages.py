"""Benchmark of every page, for every role, at five years of data (issue 14).

    .venv/bin/python bench/pages.py                      # SQLite and PostgreSQL, in-process
    .venv/bin/python bench/pages.py --db sqlite --runs 10 --page queue
    .venv/bin/python bench/pages.py --load               # and gunicorn -w 2 under wrk (PostgreSQL)
    .venv/bin/python bench/pages.py --load-only

Data (bench/pages_data.py): the demo logins, bench/report.py's five years and what makes
every role's pages full; built once per database (SQLite: /tmp/h_bench_pages.db; PostgreSQL:
BENCH_DATABASE_URL, default postgresql://postgres@127.0.0.1:5432/h_bench_pages, which must
exist) and rebuilt with --rebuild or when the schema, the builder or the day changes.

In-process: one app (testing config, but with CSRF on as in production), a test client per
role with a normal login cookie (a server-side session opened as the login does), every page
of PAGES warmed up, then timed N times: median and p95 ms and the SQL statements of one
request (a before_cursor_execute event on the engine). Under load: bench/pages_load.py.
Prints markdown tables and writes artifacts/bench-pages.json.
"""

import argparse
import gc
import json
import os
import platform
import statistics
import sys
import time as clock
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from flask import Flask, session  # noqa: E402
from sqlalchemy import event, select, text  # noqa: E402

from app import create_app  # noqa: E402
from app.auth.models import User  # noqa: E402
from app.catalog.models import NarasumberProfile  # noqa: E402
from app.core.clock import WIB, now_utc  # noqa: E402
from app.domain.policy import Mode  # noqa: E402
from app.domain.states import RequestState as S  # noqa: E402
from app.extensions import db  # noqa: E402
from app.outbox.models import OutboxMessage  # noqa: E402
from app.regions.models import Region  # noqa: E402
from app.requests.models import ConsultationRequest as R  # noqa: E402
from app.scheduling.models import NarasumberAssignment  # noqa: E402
from config import psycopg_url  # noqa: E402

SQLITE = "/tmp/h_bench_pages.db"
POSTGRES = "postgresql://postgres@127.0.0.1:5432/h_bench_pages"
JSON_OUT = ROOT / "artifacts" / "bench-pages.json"
USER_AGENT = "bench-pages/1"
# The client address the login cookies are made for (strong session protection compares it):
# the test client's own, and under load the X-Forwarded-For that wrk sends (PROXY_COUNT=1).
CLIENT_ADDR = "127.0.0.1"
LOAD_CLIENT_ADDR = "203.0.113.50"
GOAL_MS, GOAL_STATEMENTS = 15.0, 10

# Who each role logs in as: the demo logins of `flask seed-demo`.
LOGINS = {
    "pemda": "operator.brebes@demo.go.id",
    "coordinator": "koordinator@demo.djpk.go.id",
    "narasumber": "narasumber1@demo.djpk.go.id",
    "receptionist": "resepsionis@demo.djpk.go.id",
    "admin": "admin@demo.djpk.go.id",
}


@dataclass(frozen=True)
class Fixture:
    """The rows the pages are about, found in the benchmark's data (fixture())."""

    today: date
    month: str  # last month, "2026-11": the report and satisfaction pages
    pemda_request: int  # a held session of the Brebes operator
    review_request: int  # a submitted request: the review page with its suggestions
    assignment: int  # narasumber1's next session
    desk_request: int  # a face-to-face session of today
    outbox_message: int
    booking_code: str  # a scheduled session's code, for /verifikasi


@dataclass(frozen=True)
class Page:
    role: str  # a key of LOGINS, or "public"
    name: str
    url: Callable[[Fixture], str]


PAGES = [
    Page("pemda", "dashboard", lambda f: "/permohonan/"),
    Page("pemda", "request detail", lambda f: f"/permohonan/{f.pemda_request}"),
    Page("pemda", "new request form", lambda f: "/permohonan/baru"),
    Page("pemda", "breaches", lambda f: "/permohonan/pelanggaran"),
    Page("pemda", "account", lambda f: "/akun"),
    Page("coordinator", "queue", lambda f: "/koordinator/"),
    Page("coordinator", "queue: held FTF", lambda f: "/koordinator/?state=held&mode=ftf"),
    Page(
        "coordinator",
        "queue: region and session dates",
        lambda f: (
            f"/koordinator/?region=Kab&date_field=session&date_from={f.today - timedelta(days=365)}"
            f"&date_to={f.today}"
        ),
    ),
    Page("coordinator", "queue: page 5", lambda f: "/koordinator/?state=held&page=5"),
    Page("coordinator", "review page", lambda f: f"/koordinator/permohonan/{f.review_request}"),
    Page("coordinator", "calendar week", lambda f: "/koordinator/kalender"),
    Page("coordinator", "calendar month", lambda f: "/koordinator/kalender?view=month"),
    Page("coordinator", "breach ledger", lambda f: "/koordinator/pelanggaran"),
    Page(
        "coordinator",
        "breach ledger: filtered",
        lambda f: f"/koordinator/pelanggaran?type=no_show&month={f.month}",
    ),
    Page("coordinator", "report", lambda f: f"/koordinator/laporan?bulan={f.month}"),
    Page("coordinator", "report csv", lambda f: f"/koordinator/laporan/{f.month}.csv"),
    Page("coordinator", "report xlsx", lambda f: f"/koordinator/laporan/{f.month}.xlsx"),
    Page("coordinator", "report print", lambda f: f"/koordinator/laporan/{f.month}/cetak"),
    Page("coordinator", "satisfaction", lambda f: f"/koordinator/kepuasan?bulan={f.month}"),
    Page("coordinator", "history import", lambda f: "/koordinator/impor"),
    Page("coordinator", "staff home", lambda f: "/beranda"),
    Page("narasumber", "sessions", lambda f: "/narasumber/"),
    Page("narasumber", "session detail", lambda f: f"/narasumber/{f.assignment}"),
    Page("receptionist", "front desk today", lambda f: "/resepsionis/"),
    Page("receptionist", "visit", lambda f: f"/resepsionis/kunjungan/{f.desk_request}"),
    Page("receptionist", "visitor log csv", lambda f: "/resepsionis/buku-tamu.csv"),
    Page("admin", "users", lambda f: "/admin/pengguna"),
    Page("admin", "registrations", lambda f: "/admin/pendaftaran"),
    Page("admin", "topics", lambda f: "/admin/topik"),
    Page("admin", "rooms", lambda f: "/admin/ruang"),
    Page("admin", "narasumber", lambda f: "/admin/narasumber"),
    Page("admin", "policy", lambda f: "/admin/kebijakan"),
    Page("admin", "report recipients", lambda f: "/admin/laporan/penerima"),
    Page("admin", "outbox", lambda f: "/admin/email/"),
    Page("admin", "outbox message", lambda f: f"/admin/email/{f.outbox_message}"),
    Page("admin", "audit log", lambda f: "/admin/audit"),
    Page("public", "login", lambda f: "/masuk"),
    Page("public", "verification", lambda f: f"/verifikasi?kode={f.booking_code}"),
]


def fixture() -> Fixture:
    """Find the rows of Fixture in the app context's database."""
    s, now = db.session, now_utc()
    today = now.astimezone(WIB).date()
    last_month = today.replace(day=1) - timedelta(days=1)
    brebes = s.scalars(select(User).where(User.email == LOGINS["pemda"])).one()
    narasumber = s.scalars(select(User).where(User.email == LOGINS["narasumber"])).one()
    mine = (R.region_id == brebes.region_id, R.unit_type == brebes.unit_type)
    profile = s.scalar(select(NarasumberProfile.id).where(NarasumberProfile.user_id == narasumber.id))
    assignments = select(NarasumberAssignment.id).where(NarasumberAssignment.narasumber_id == profile)
    return Fixture(
        today=today,
        month=last_month.strftime("%Y-%m"),
        pemda_request=s.scalar(
            select(R.id).where(*mine, R.state == S.HELD).order_by(R.scheduled_start.desc())
        ),
        review_request=s.scalar(select(R.id).where(R.state == S.SUBMITTED).order_by(R.id)),
        assignment=s.scalar(
            assignments.where(NarasumberAssignment.start > now).order_by(NarasumberAssignment.start)
        )
        or s.scalar(assignments.order_by(NarasumberAssignment.start.desc())),
        desk_request=s.scalar(
            select(R.id)
            .join(Region, Region.id == R.region_id)
            .where(R.mode == Mode.FTF, R.state == S.CONFIRMED, R.scheduled_start >= now - timedelta(hours=12))
            .order_by(R.scheduled_start)
        ),
        outbox_message=s.scalar(select(OutboxMessage.id).order_by(OutboxMessage.id.desc())),
        booking_code=s.scalar(
            select(R.booking_code).where(R.state.in_((S.SCHEDULED, S.CONFIRMED))).order_by(R.id)
        ),
    )


def login_cookie(app: Flask, email: str, client_addr: str = CLIENT_ADDR) -> str:
    """The session cookie of a fresh login of `email` (its server-side row committed), as
    the login's last step makes it: for a browser at `client_addr` sending USER_AGENT."""
    from app.auth import mfa_flow
    from app.auth.routes import _start_session

    environ = {"REMOTE_ADDR": client_addr}
    with app.test_request_context("/masuk", environ_base=environ, headers={"User-Agent": USER_AGENT}):
        user = db.session.scalars(select(User).where(User.email == email)).one()
        _start_session(user)
        mfa_flow.mark_checked()
        db.session.commit()
        return app.session_interface.get_signing_serializer(app).dumps(dict(session))


def create_database(url: str) -> None:
    """PostgreSQL: create the benchmark's database when it does not exist yet."""
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    target = make_url(psycopg_url(url))
    if not target.drivername.startswith("postgresql"):
        return
    engine = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        exists = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": target.database})
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{target.database}"'))
    engine.dispose()


def bench_app(url: str, **overrides) -> Flask:
    """The application as the benchmark serves it: the testing config (no SMTP, no Redis)
    with CSRF on as in production, and the look-up limit of /verifikasi lifted (the test
    client is one address)."""
    options = {
        "SQLALCHEMY_DATABASE_URI": psycopg_url(url),
        "WTF_CSRF_ENABLED": True,
        "VERIFY_LIMIT": "1000000 per minute",
        "UPLOAD_DIR": "/tmp/h_bench_pages_uploads",
    }
    return create_app("testing", **(options | overrides))


def hello_app() -> Flask:
    """The baseline: hello world (bench/hello.py, also served under load)."""
    from bench.hello import app

    return app


# In-process ----------------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(share * len(ordered)) - 1)]


def time_page(client, url: str, runs: int, warmup: int, counter: list[int], headers: dict) -> dict:
    status = None
    for _ in range(warmup):
        status = client.get(url, headers=headers).status_code
    times, statements = [], []
    for _ in range(runs):
        counter[0] = 0
        t = clock.perf_counter()
        response = client.get(url, headers=headers)
        times.append((clock.perf_counter() - t) * 1000)
        statements.append(counter[0])
        status = response.status_code
    return {
        "status": status,
        "median_ms": round(statistics.median(times), 2),
        "p95_ms": round(percentile(times, 0.95), 2),
        "statements": int(statistics.median(statements)),
        "statements_max": max(statements),
    }


def in_process(url: str, runs: int, warmup: int, rebuild: bool, only: str | None) -> dict:
    from bench import pages_data

    create_database(url)
    app = bench_app(url)
    with app.app_context():
        dialect = db.engine.dialect.name
        print(f"database: {dialect} ({url})")
        built, seconds = pages_data.ensure(rebuild)
        print(
            f"  data {f'built in {seconds:.1f} s' if built else 'cached (' + pages_data.stored_fingerprint() + ')'}"
        )
        fx = fixture()
        cookies = {role: login_cookie(app, email) for role, email in LOGINS.items()}
        engine = db.engine
    counter = [0]

    @event.listens_for(engine, "before_cursor_execute")
    def _count(*_args):
        counter[0] += 1

    gc.collect()
    gc.freeze()  # as wsgi.py does after start-up
    cookie_name = app.config["SESSION_COOKIE_NAME"]
    headers = {"User-Agent": USER_AGENT}
    clients = {}
    for role in [*LOGINS, "public"]:
        clients[role] = app.test_client()
        if role in cookies:
            clients[role].set_cookie(cookie_name, cookies[role])
    t0 = clock.perf_counter()
    rows = []
    hello = hello_app().test_client()
    result = time_page(hello, "/", runs, warmup, [0], headers)
    rows.append({"role": "-", "name": "hello world (baseline)", "url": "/", **result, "statements": 0})
    for page in PAGES:
        if only and only.lower() not in f"{page.role} {page.name}".lower():
            continue
        target = page.url(fx)
        result = time_page(clients[page.role], target, runs, warmup, counter, headers)
        rows.append({"role": page.role, "name": page.name, "url": target, **result})
        print(
            f"  {page.role:<12} {page.name:<32} {result['status']} {result['median_ms']:8.2f} ms "
            f"p95 {result['p95_ms']:8.2f}  {result['statements']:4d} SQL"
        )
    event.remove(engine, "before_cursor_execute", _count)
    gc.unfreeze()
    engine.dispose()
    seconds = clock.perf_counter() - t0
    print(f"  timed in {seconds:.0f} s")
    return {
        "database": dialect,
        "fixture": asdict(fx) | {"today": fx.today.isoformat()},
        "seconds": round(seconds),
        "pages": rows,
    }


def inprocess_table(result: dict, runs: int) -> str:
    lines = [
        f"### In-process, {result['database']} ({runs} requests per page; goal: median < {GOAL_MS:g} ms, "
        f"<= {GOAL_STATEMENTS} SQL statements)",
        "",
        "| role | page | url | status | median ms | p95 ms | SQL | goal |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for row in result["pages"]:
        ok = row["median_ms"] < GOAL_MS and row["statements"] <= GOAL_STATEMENTS and row["status"] == 200
        sql = str(row["statements"]) + (
            f" (max {row['statements_max']})" if row["statements_max"] != row["statements"] else ""
        )
        lines.append(
            f"| {row['role']} | {row['name']} | `{row['url']}` | {row['status']} | {row['median_ms']:.1f} | "
            f"{row['p95_ms']:.1f} | {sql} | {'yes' if ok else 'no'} |"
        )
    return "\n".join(lines)


# Output ------------------------------------------------------------------------------------


def machine() -> dict:
    load = os.getloadavg()
    return {
        "cpus": os.cpu_count(),
        "load_average": [round(x, 2) for x in load],
        "python": platform.python_version(),
        "at": now_utc().isoformat(timespec="seconds"),
    }


def write_json(update: dict) -> None:
    JSON_OUT.parent.mkdir(exist_ok=True)
    data = {}
    if JSON_OUT.exists():
        try:
            data = json.loads(JSON_OUT.read_text())
        except ValueError:
            data = {}
    data.setdefault("in_process", {})
    data["in_process"].update(update.get("in_process", {}))
    if "load" in update:
        data["load"] = update["load"]
    data["machine"] = machine()
    JSON_OUT.write_text(json.dumps(data, indent=2, default=str) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--runs", type=int, default=30, help="timed requests per page (in-process)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed requests per page first")
    parser.add_argument("--rebuild", action="store_true", help="build the data again")
    parser.add_argument("--page", help="only the pages whose role and name contain this")
    parser.add_argument("--sqlite", default=SQLITE, help="the SQLite file (emptied when built)")
    parser.add_argument("--load", action="store_true", help="then gunicorn -w 2 under wrk (PostgreSQL)")
    parser.add_argument("--load-only", action="store_true", help="only the load run")
    parser.add_argument("--duration", type=int, default=5, help="seconds of each wrk run")
    parser.add_argument("--connections", type=int, default=50)
    args = parser.parse_args()
    pg = os.environ.get("BENCH_DATABASE_URL") or POSTGRES
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    urls = []
    if not args.load_only:
        if args.db in ("sqlite", "both"):
            urls.append(f"sqlite:///{args.sqlite}")
        if args.db in ("postgres", "both"):
            urls.append(pg)
    results = [in_process(url, args.runs, args.warmup, args.rebuild, args.page) for url in urls]
    update: dict = {"in_process": {r["database"]: r | {"machine": machine()} for r in results}}
    load = None
    if args.load or args.load_only:
        from bench import pages_load

        load = pages_load.run(pg, args.duration, args.connections, args.page, args.rebuild and not urls)
        update["load"] = load
    write_json(update)
    print()
    for result in results:
        print(inprocess_table(result, args.runs))
        print()
    if load:
        from bench import pages_load

        print(pages_load.table(load))
        print()
    print(f"written: {JSON_OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
