"""bench/pages.py --load: every page under load, side by side with hello world.

The application runs as in production (deploy/systemd/konsultasi-web.service):
`gunicorn -c gunicorn.conf.py wsgi:app` with 2 workers, APP_ENV=production, PostgreSQL (the
benchmark's data), Redis DB 11 for the rate limits, PROMETHEUS_MULTIPROC_DIR set. Hello world
(bench/hello.py) runs under the same command and settings on another port. wrk (Debian:
`apt-get install -y wrk`) sends 50 connections from 2 threads to one page for 1 s (not
counted), then 5 s with --latency; hello world is measured at the start, the middle and the
end, and a page's share is its req/s over their mean.

What makes a plain-http request from wrk an authenticated one, as nginx's would be:
- Host: PUBLIC_URL's host (https://konsultasi.djpk.kemenkeu.go.id here); any other is a 400;
- PROXY_COUNT=1 with `X-Forwarded-Proto: https` and `X-Forwarded-For: 203.0.113.50`: the
  request is https to the app (the session cookie is Secure: a browser sends it only there,
  but the server reads it whatever the scheme) and comes from that address;
- the cookie of a login opened for that address and `User-Agent: bench-pages/1` (the session
  protection compares both), signed with the SECRET_KEY given to gunicorn; the server-side
  session row is written before the run (staff idle limit 30 min: a run takes minutes).
/verifikasi?kode= is limited to 20 look-ups a minute per address: its wrk script sends a
random X-Forwarded-For with each request, as many visitors would.
"""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time as clock
from http.client import HTTPConnection
from pathlib import Path

from app.extensions import db

ROOT = Path(__file__).resolve().parents[1]
HOST = "konsultasi.djpk.kemenkeu.go.id"
SECRET_KEY = "bench-pages-secret-key-not-for-production-0123456789"
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/11")
WARMUP_SECONDS, THREADS = 1, 2
# After a run of a slow page the workers still answer the requests queued when wrk stopped
# (sync workers read them from the listen backlog): a plain request waits for them first.
DRAIN_SECONDS = 180


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(target: str, port: int, env: dict, log: Path) -> subprocess.Popen:
    command = [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        "-c",
        str(ROOT / "gunicorn.conf.py"),
        "-w",
        "2",
        "-b",
        f"127.0.0.1:{port}",
        target,
    ]
    out = log.open("ab")
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=out, start_new_session=True)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def headers(cookie: str | None) -> dict:
    from bench.pages import LOAD_CLIENT_ADDR, USER_AGENT

    values = {
        "Host": HOST,
        "X-Forwarded-Proto": "https",
        "X-Forwarded-For": LOAD_CLIENT_ADDR,
        "User-Agent": USER_AGENT,
    }
    if cookie:
        values["Cookie"] = f"session={cookie}"
    return values


def get(port: int, path: str, cookie: str | None) -> tuple[int, str]:
    connection = HTTPConnection("127.0.0.1", port, timeout=DRAIN_SECONDS)
    try:
        connection.request("GET", path, headers=headers(cookie))
        response = connection.getresponse()
        response.read()
        return response.status, response.getheader("Location") or ""
    finally:
        connection.close()


def wait_ready(port: int, path: str, process: subprocess.Popen, log: Path) -> None:
    deadline = clock.monotonic() + 60
    while clock.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited; see {log}")
        try:
            if get(port, path, None)[0] == 200:
                return
        except OSError:
            pass
        clock.sleep(0.2)
    raise SystemExit(f"gunicorn did not answer within 60 s; see {log}")


def lua(path: str, cookie: str | None, random_client: bool) -> str:
    lines = ['wrk.method = "GET"', f'wrk.path = "{path}"']
    lines += [f'wrk.headers["{k}"] = "{v}"' for k, v in headers(cookie).items()]
    if random_client:
        lines += [
            "math.randomseed(os.time() + math.floor(os.clock() * 1000000))",
            "request = function()",
            '  wrk.headers["X-Forwarded-For"] = string.format("10.%d.%d.%d", '
            "math.random(0, 255), math.random(0, 255), math.random(1, 254))",
            "  return wrk.format()",
            "end",
        ]
    return "\n".join(lines) + "\n" + COUNT_STATUS


# Counts the answers that are not 200 (wrk itself counts only those outside 2xx and 3xx: a
# redirect to the login page would pass unseen).
COUNT_STATUS = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) not200 = 0 end
function response(status, headers, body) if status ~= 200 then not200 = not200 + 1 end end
function done(summary, latency, requests)
  local n = 0
  for _, t in ipairs(threads) do n = n + t:get("not200") end
  io.write(string.format("not200: %d\\n", n))
end
"""


def parse_ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def wrk(port: int, script: str, seconds: int, connections: int, latency: bool = True) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script)
    command = ["wrk", f"-t{THREADS}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", f.name]
    if latency:
        command.append("--latency")
    out = subprocess.run(
        [*command, f"http://127.0.0.1:{port}"], capture_output=True, text=True, check=True
    ).stdout
    os.unlink(f.name)
    result = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))}
    for share in ("50", "99"):
        found = re.search(rf"^\s+{share}(?:\.000)?%\s+(\S+)", out, re.M)
        if found:
            result[f"p{share}_ms"] = round(parse_ms(found.group(1)), 1)
    bad = re.search(r"not200: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    result["not_200"] = int(bad.group(1)) if bad else 0
    result["socket_errors"] = errors.group(1).strip() if errors else ""
    result["requests"] = int(re.search(r"(\d+) requests in", out).group(1))
    if result["requests"] == 0:  # none answered within the run: wrk's latencies read 0
        result.pop("p50_ms", None)
        result.pop("p99_ms", None)
    return result


def measure(
    port: int,
    path: str,
    cookie: str | None,
    duration: int,
    connections: int,
    *,
    drain: str,
    random_client=False,
):
    """wrk for WARMUP_SECONDS (not counted), then `duration` seconds; after each, a plain
    request of `drain` returns only once the queued requests are answered."""
    script = lua(path, cookie, random_client)
    wrk(port, script, WARMUP_SECONDS, connections, latency=False)
    get(port, drain, None)
    result = wrk(port, script, duration, connections)
    get(port, drain, None)
    return result


def prepare(pg_url: str, rebuild: bool):
    """The data (built if needed), the pages' fixture and a login cookie per role, signed with
    SECRET_KEY for a browser at LOAD_CLIENT_ADDR."""
    from bench import pages_data
    from bench.pages import LOAD_CLIENT_ADDR, LOGINS, bench_app, create_database, fixture, login_cookie

    create_database(pg_url)
    app = bench_app(pg_url, SECRET_KEY=SECRET_KEY)
    with app.app_context():
        built, seconds = pages_data.ensure(rebuild)
        if built:
            print(f"  data built in {seconds:.1f} s")
        fx = fixture()
        cookies = {role: login_cookie(app, email, LOAD_CLIENT_ADDR) for role, email in LOGINS.items()}
        db.engine.dispose()
    return fx, cookies


def run(pg_url: str, duration: int, connections: int, only: str | None, rebuild: bool) -> dict:
    from bench.pages import PAGES, machine

    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install -y wrk")
    t0 = clock.perf_counter()
    print(f"load: gunicorn -w 2, PostgreSQL, {connections} connections, {duration} s per page")
    fx, cookies = prepare(pg_url, rebuild)
    metrics = Path(tempfile.mkdtemp(prefix="h_bench_pages_metrics_"))
    log = Path(tempfile.gettempdir()) / "h_bench_pages_gunicorn.log"
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("FLASK_", "APP_", "DATABASE_", "PUBLIC_"))
    }
    env |= {
        "APP_ENV": "production",
        "SECRET_KEY": SECRET_KEY,
        "DATABASE_URL": pg_url,
        "REDIS_URL": REDIS_URL,
        "PUBLIC_URL": f"https://{HOST}",
        "PROXY_COUNT": "1",
        "PROMETHEUS_MULTIPROC_DIR": str(metrics),
        "PYTHONPATH": str(ROOT),
    }
    app_port, hello_port = free_port(), free_port()
    app_server = start("wsgi:app", app_port, env, log)
    hello_server = start("bench.hello:app", hello_port, env, log)
    pages = [p for p in PAGES if not only or only.lower() in f"{p.role} {p.name}".lower()]
    rows, hellos = [], []
    try:
        wait_ready(app_port, "/masuk", app_server, log)
        wait_ready(hello_port, "/", hello_server, log)

        def hello(when: str) -> None:
            result = measure(hello_port, "/", None, duration, connections, drain="/")
            hellos.append(result)
            rows.append({"role": "-", "name": f"hello world ({when})", "url": "/", "status": 200, **result})
            print(f"  hello world ({when}): {result['rps']:.0f} req/s, p99 {result.get('p99_ms')} ms")

        hello("start")
        for i, page in enumerate(pages):
            if i == len(pages) // 2:
                hello("middle")
            path = page.url(fx)
            cookie = cookies.get(page.role)
            status, location = get(app_port, path, cookie)
            result = measure(
                app_port,
                path,
                cookie,
                duration,
                connections,
                drain="/masuk",
                random_client=page.name == "verification",
            )
            rows.append({"role": page.role, "name": page.name, "url": path, "status": status, **result})
            if location:
                rows[-1]["location"] = location
            print(
                f"  {page.role:<12} {page.name:<32} {status} {result['rps']:8.1f} req/s "
                f"p50 {result.get('p50_ms')} p99 {result.get('p99_ms')} ms"
                + (f" not 200: {result['not_200']}" if result["not_200"] else "")
            )
        hello("end")
    finally:
        stop(app_server)
        stop(hello_server)
        shutil.rmtree(metrics, ignore_errors=True)
    baseline = sum(h["rps"] for h in hellos) / len(hellos)
    for row in rows:
        row["share"] = round(row["rps"] / baseline, 4)
    seconds = clock.perf_counter() - t0
    print(f"  load run took {seconds:.0f} s")
    return {
        "connections": connections,
        "threads": THREADS,
        "duration_s": duration,
        "hello_rps": round(baseline, 1),
        "seconds": round(seconds),
        "machine": machine(),
        "pages": rows,
    }


def table(load: dict) -> str:
    lines = [
        f"### Under load: gunicorn -w 2, PostgreSQL, {load['connections']} connections, "
        f"{load['duration_s']} s per page (hello world: {load['hello_rps']:.0f} req/s, the mean of its runs; "
        "goal: 15% behind a login, 35% public, p99 < 150 ms)",
        "",
        "| role | page | url | status | req/s | p50 ms | p99 ms | share of hello world | not 200, socket errors |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for row in load["pages"]:
        errors = row["not_200"] or ""
        if row["socket_errors"]:
            errors = f"{errors} {row['socket_errors']}".strip()
        lines.append(
            f"| {row['role']} | {row['name']} | `{row['url']}` | {row['status']} | {row['rps']:.0f} | "
            f"{row.get('p50_ms', '-')} | {row.get('p99_ms', '-')} | {row['share']:.0%} | {errors} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit("run bench/pages.py --load")
