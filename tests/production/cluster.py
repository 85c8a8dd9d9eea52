"""Two production servers on one PostgreSQL database and one Redis: the harness of
tests/production/test_two_servers.py.

A scratch database made from TEST_DATABASE_URL (`<name>_cluster`, dropped at the end) is
prepared by the real `flask setup`; each gunicorn server (`gunicorn -c gunicorn.conf.py
wsgi:app`, APP_ENV=production) has its own instance folder and metrics folder and runs in a
process group of its own, so that killing it kills its workers too. A Browser keeps its
cookies by hand and sends them to any server, directly (with the headers nginx would add)
or through nginx over https.
"""

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
import requests
from requests.adapters import HTTPAdapter

from app.domain.policy import WIB, Mode, PolicyValues, earliest_session_date
from app.domain.workdays import WorkCalendar
from tests.machine import free_port, missing
from tests.requests.helpers import form_data

ROOT = Path(__file__).resolve().parents[2]
PUBLIC_HOST = "konsultasi.djpk.kemenkeu.go.id"
PUBLIC_URL = f"https://{PUBLIC_HOST}"
# The one Redis both servers keep their rate limits in: TEST_REDIS_URL (only its database is
# flushed) or, without it, a private redis-server started for the test (PrivateRedis).
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL")
SECRET_KEY = "two-servers-test-secret-" + "k" * 32
START_SECONDS = 60
HIDDEN = r'name="{0}"[^>]*value="([^"]*)"|value="([^"]*)"[^>]*name="{0}"'


ADMIN_EMAIL = "admin@djpk.kemenkeu.go.id"
PEMDA_EMAIL = "operator@brebeskab.go.id"

# The Pemda operator, made with the suite's factory in a production process of its own (its
# password hashed at production cost).
MAKE_PEMDA = """
import sys
from app import create_app
from app.extensions import db
from tests import factories

app = create_app()
with app.app_context():
    factories.pemda_user(factories.BREBES, email=sys.argv[1], password=sys.argv[2], name=sys.argv[3])
    db.session.commit()
"""


def redis_answers(url: str) -> bool:
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=2)
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False
    finally:
        client.close()


def flush_redis(url: str) -> None:
    """Empty the test's Redis database (only that one)."""
    import redis

    with redis.Redis.from_url(url) as client:
        client.flushdb()


class PrivateRedis:
    """Debian's redis-server on a free loopback port, in memory only, for one test module."""

    def __init__(self, folder: Path):
        binary = shutil.which("redis-server") or shutil.which("/usr/bin/redis-server")
        if not binary:
            missing("redis-server is not installed (apt-get install redis-server), nor TEST_REDIS_URL set")
        folder.mkdir(parents=True, exist_ok=True)
        self.binary, self.folder = binary, folder
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.log = folder / "redis.log"
        self.start()

    def start(self) -> None:
        """Start (again, after stop(): the same port, empty) and wait until it answers."""
        command = [
            self.binary,
            "--bind",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--save",
            "",
            "--appendonly",
            "no",
        ]
        with open(self.log, "ab") as out:
            self.process = subprocess.Popen(
                [*command, "--dir", str(self.folder)],
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        end = time.monotonic() + START_SECONDS
        while not redis_answers(self.url):
            if self.process.poll() is not None or time.monotonic() > end:
                self.stop()
                pytest.fail(f"redis-server did not start:\n{self.log.read_text(errors='replace')}")
            time.sleep(0.05)  # waiting for another process: nothing to freeze

    def pause(self) -> None:
        """SIGSTOP: the port still accepts connections (the kernel's backlog), nothing answers."""
        os.kill(self.process.pid, signal.SIGSTOP)

    def resume(self) -> None:
        os.kill(self.process.pid, signal.SIGCONT)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.resume()  # a paused server would not act on SIGTERM
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def hidden(page: str, name: str) -> str:
    found = re.search(HIDDEN.format(re.escape(name)), page)
    assert found, f"no field {name} in the page"
    return found[1] if found[1] is not None else found[2]


class ScratchDatabase:
    """`<database of TEST_DATABASE_URL>_cluster` on the same server, made empty and dropped."""

    def __init__(self, base_url: str, suffix: str = "_cluster"):
        parts = urlsplit(base_url.replace("postgresql+psycopg://", "postgresql://", 1))
        self.name = parts.path.lstrip("/") + suffix
        self._admin = urlunsplit(parts)
        self.url = urlunsplit(parts._replace(path="/" + self.name))

    def _run(self, *statements: str) -> None:
        with psycopg.connect(self._admin, autocommit=True) as conn:
            for statement in statements:
                conn.execute(statement)

    def create(self) -> None:
        quoted = f'"{self.name}"'
        self._run(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)", f"CREATE DATABASE {quoted}")

    def drop(self) -> None:
        self._run(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    def scalar(self, sql: str, params: dict | None = None):
        with psycopg.connect(self.url, autocommit=True) as conn:
            return conn.execute(sql, params or {}).fetchone()[0]

    def rows(self, sql: str, params: dict | None = None) -> list[tuple]:
        with psycopg.connect(self.url, autocommit=True) as conn:
            return conn.execute(sql, params or {}).fetchall()


def production_env(database_url: str, redis_url: str, mail_port: int, folder: Path) -> dict:
    """The environment of a production process (README "Production") with its own folders."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FLASK_", "GUNICORN_", "UPLOAD_"))}
    env.update(
        APP_ENV="production",
        SECRET_KEY=SECRET_KEY,
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        PUBLIC_URL=PUBLIC_URL,
        PROXY_COUNT="1",
        INSTANCE_DIR=str(folder / "instance"),
        # The web servers never send: email waits in the outbox for the scheduler.
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=str(mail_port),
        MAIL_USE_TLS="0",
        MAIL_TIMEOUT="5",
        PYTHONUNBUFFERED="1",
    )
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    env.pop("EXTRA_HOSTS", None)
    return env


def run_python(env: dict, *args: str, timeout: float = 120) -> str:
    """`python ARGS` in the project with `env`; its output (fails the test when it fails)."""
    done = subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert done.returncode == 0, f"{' '.join(args)[:200]} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def flask_command(env: dict, *args: str, timeout: float = 120) -> str:
    """`flask --app wsgi ARGS` (production with `env`); its output."""
    return run_python(env, "-m", "flask", "--app", "wsgi", *args, timeout=timeout)


def set_up(env: dict, pemda_password: str, pemda_name: str = "Operator Brebes") -> None:
    """An empty database made ready as an operator does (`flask setup`, the first
    administrator invited), with the Brebes operator PEMDA_EMAIL to log in as."""
    flask_command(env, "setup", "--email", ADMIN_EMAIL, "--name", "Admin DJPK", "--invite")
    run_python(env, "-c", MAKE_PEMDA, PEMDA_EMAIL, pemda_password, pemda_name)


class WebServer:
    """`gunicorn -c gunicorn.conf.py wsgi:app` with an instance folder of its own."""

    def __init__(self, name: str, env: dict, folder: Path, metrics: Path | None = None):
        self.name = name
        self.port = free_port()
        folder.mkdir(parents=True, exist_ok=True)
        self.metrics = metrics or folder / "metrics"
        self.env = dict(env)
        self.env.update(
            INSTANCE_DIR=str(folder / "instance"),
            PROMETHEUS_MULTIPROC_DIR=str(self.metrics),
            GUNICORN_BIND=f"127.0.0.1:{self.port}",
            WEB_CONCURRENCY="2",
        )
        self.log = folder / "gunicorn.log"
        self._start("wb")

    def restart(self) -> None:
        """After kill(): the same server again, on the same port (its log goes on), ready."""
        self._start("ab")
        self.wait_ready()

    def _start(self, log_mode: str) -> None:
        shutil.rmtree(self.metrics, ignore_errors=True)  # emptied before each start
        self.metrics.mkdir()
        env = self.env
        with open(self.log, log_mode) as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"],
                cwd=ROOT,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: the workers die with it
            )

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def text(self) -> str:
        return self.log.read_text(errors="replace")

    def served(self, endpoint: str) -> int:
        """Requests of `endpoint` this server's workers logged (one JSON line each)."""
        return self.text().count(f'"endpoint": "{endpoint}"')

    def wait_ready(self) -> None:
        end = time.monotonic() + START_SECONDS
        url = f"http://{self.address}/healthz"
        while True:
            if self.process.poll() is not None:
                pytest.fail(f"gunicorn {self.name} exited ({self.process.returncode}):\n{self.text()}")
            try:
                if requests.get(url, headers={"Host": PUBLIC_HOST}, timeout=10).status_code == 200:
                    return
            except (requests.ConnectionError, requests.Timeout):  # still booting, or a loaded machine
                pass
            if time.monotonic() > end:
                pytest.fail(f"gunicorn {self.name} did not answer /healthz:\n{self.text()}")
            time.sleep(0.2)  # waiting for another process: nothing to freeze

    def _signal_group(self, sig: int) -> None:
        try:
            os.killpg(self.process.pid, sig)  # the group's id is the master's pid
        except ProcessLookupError:
            pass

    def kill(self) -> None:
        """SIGKILL to the master and its workers at once: no goodbye to anyone."""
        self._signal_group(signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process.poll() is None:
            self._signal_group(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                pass
        self._signal_group(signal.SIGKILL)  # any worker left behind
        if self.process.poll() is None:
            self.process.wait(timeout=30)


class _PublicNameAdapter(HTTPAdapter):
    """TLS to nginx's loopback port under the public name: its SNI, its certificate."""

    def init_poolmanager(self, *args, **kwargs):
        kwargs.update(server_hostname=PUBLIC_HOST, assert_hostname=PUBLIC_HOST)
        super().init_poolmanager(*args, **kwargs)


class Target:
    """Where a request goes: a gunicorn server directly (with the headers nginx adds) or nginx."""

    def __init__(self, base: str, *, headers: dict | None = None, verify: str | bool = True):
        self.base = base
        self.headers = headers or {}
        self.verify = verify

    @classmethod
    def direct(cls, server: WebServer, client_address: str = "127.0.0.1") -> "Target":
        # PROXY_COUNT=1: the app believes one hop of X-Forwarded-For/-Proto, as from nginx.
        headers = {"X-Forwarded-Proto": "https", "X-Forwarded-For": client_address}
        return cls(f"http://{server.address}", headers=headers)

    @classmethod
    def via_nginx(cls, port: int, certificate: str) -> "Target":
        return cls(f"https://127.0.0.1:{port}", verify=certificate)


class Browser:
    """One browser: cookies kept here (Secure ones too) and sent to whichever target."""

    def __init__(self, user_agent: str = "two-servers-test"):
        self.cookies: dict[str, str] = {}
        self.user_agent = user_agent
        self.http = requests.Session()
        self.http.mount("https://", _PublicNameAdapter())
        from http.cookiejar import DefaultCookiePolicy

        # The session's own jar stays empty: it would not send Secure cookies over plain http.
        self.http.cookies.set_policy(DefaultCookiePolicy(allowed_domains=[]))

    def request(self, target: Target, method: str, path: str, **kwargs) -> requests.Response:
        headers = {"Host": PUBLIC_HOST, "User-Agent": self.user_agent, **target.headers}
        if method != "GET":
            headers["Referer"] = PUBLIC_URL + path  # Flask-WTF checks it on https
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        headers.update(kwargs.pop("headers", {}))
        response = self.http.request(
            method,
            target.base + path,
            headers=headers,
            allow_redirects=False,
            timeout=kwargs.pop("timeout", 30),
            verify=target.verify,
            **kwargs,
        )
        for cookie in response.cookies:
            self.cookies[cookie.name] = cookie.value
        return response

    def get(self, target: Target, path: str, **kwargs) -> requests.Response:
        return self.request(target, "GET", path, **kwargs)

    def post(self, target: Target, path: str, **kwargs) -> requests.Response:
        return self.request(target, "POST", path, **kwargs)

    def login(self, form_from: Target, post_to: Target, email: str, password: str) -> requests.Response:
        """The login form: opened on one target, sent to another (the same one is fine)."""
        page = self.get(form_from, "/masuk")
        assert page.status_code == 200, page.text
        data = {"email": email, "password": password, "csrf_token": hidden(page.text, "csrf_token")}
        return self.post(post_to, "/masuk", data=data)

    def close(self) -> None:
        self.http.close()


def session_day() -> str:
    """A working day a face-to-face request sent today may ask for (one day to spare)."""
    today = datetime.now(UTC).astimezone(WIB).date()
    calendar = WorkCalendar()
    earliest = earliest_session_date(today, Mode.FTF, PolicyValues(), calendar)
    return calendar.shift(earliest, 1).isoformat()


def request_form(page: str) -> dict:
    """The new-request form filled in as a Pemda would, face to face, with its tokens."""
    topic = re.search(r'<input[^>]*name="topics"[^>]*>', page)
    assert topic, "no topic to choose"
    topic_id = int(re.search(r'value="(\d+)"', topic[0])[1])
    today = datetime.now(UTC).astimezone(WIB).date().isoformat()
    data = form_data(
        [SimpleNamespace(id=topic_id)],
        mode=Mode.FTF.value,
        windows=((session_day(), "09:00", "11:00"),),
        letter={"letter_date": today},
    )
    data.update(csrf_token=hidden(page, "csrf_token"), token=hidden(page, "token"))
    return data
