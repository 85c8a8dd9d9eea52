"""The README's production steps, performed line by line on this machine in a sandbox: the
harness of tests/production/test_readme_production.py.

The steps are the one ```sh block right after `<!-- production-steps -->` in README.md.
Comments and blank lines are skipped, `\\` continuations joined, and a line is split at `&&`;
each command must match one rule of RULES (a regular expression and what the test does for
it), else the test fails with "README line not covered by the test": a change of the README
needs a change here.

The host is never touched. The README's paths are mapped into the sandbox (Sandbox.PATHS):
/srv/konsultasi is a copy of this working tree whose .venv is the project's own (linked, not
installed again), /etc/konsultasi, /etc/ssl/konsultasi, /etc/nginx/sites-*,
/etc/systemd/system and /run/<RuntimeDirectory> are folders of tmp_path. Commands that change
only files run for real on the mapped paths; a mapped command line that still names a
host path fails instead of running. Users and packages are checked, not made. The database
and role `konsultasi` are `<TEST_DATABASE_URL's database>_konsultasi` on that server;
`systemctl enable --now` runs the units' ExecStartPre/ExecStart (deploy/systemd, as copied
by the README) as child processes; `nginx -t` and `systemctl reload nginx` use an nginx.conf
of the sandbox (like Debian's, its logs and pid in tmp_path) that includes the sandbox's
sites-enabled, on free loopback ports.
"""

import os
import re
import shlex
import shutil
import signal
import socket
import struct
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.machine import free_port, missing

ROOT = Path(__file__).resolve().parents[2]
MARKER = "<!-- production-steps -->"
PUBLIC_HOST = "konsultasi.djpk.kemenkeu.go.id"
APP_DIR = "/srv/konsultasi"
ENV_FILE = "/etc/konsultasi/env"
README_DB = "konsultasi"  # the README's database and PostgreSQL role
README_BIND = "127.0.0.1:8000"  # gunicorn.conf.py's default, the site's upstream
START_SECONDS = 60
BASE_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"  # systemd's
HOST_PATH = re.compile(r"(?<![\w.~-])/(?:etc|srv|run|var)/[\w./-]*")


# --- The block -----------------------------------------------------------------------------


def production_block(readme: str) -> str:
    _, found, after = readme.partition(MARKER)
    assert found, f"README.md has no {MARKER} line"
    block = re.match(r"\s*```sh\n(.*?)^```", after, re.S | re.M)
    assert block, f"no ```sh block right after {MARKER} in README.md"
    return block[1]


def _scan(line: str):
    """(index, char, quoted) of each character, shell quoting followed roughly."""
    quote, escaped = None, False
    for i, char in enumerate(line):
        yield i, char, quote is not None or escaped
        if escaped:
            escaped = False
        elif char == "\\" and quote != "'":
            escaped = True
        elif quote is None and char in "'\"":
            quote = char
        elif char == quote:
            quote = None


def _without_comment(line: str) -> str:
    for i, char, quoted in _scan(line):
        if char == "#" and not quoted and (i == 0 or line[i - 1].isspace()):
            return line[:i].rstrip()
    return line.rstrip()


def commands(block: str) -> list[str]:
    """The block's commands: continuations joined, comments dropped, split at `&&`."""
    lines, pending = [], ""
    for raw in block.splitlines():
        if raw.endswith("\\") and not raw.lstrip().startswith("#"):
            pending += raw[:-1]
            continue
        line = _without_comment((pending + raw).strip())
        pending = ""
        if line:
            lines.append(line)
    out = []
    for line in lines:
        start = 0
        for i, char, quoted in _scan(line):
            if char == "&" and not quoted and line[i : i + 2] == "&&":
                out.append(line[start:i].strip())
                start = i + 2
        out.append(line[start:].strip())
    return [command for command in out if command]


# --- The sandbox ---------------------------------------------------------------------------


def copy_working_tree(target: Path) -> None:
    """What `git clone` gives, with this working tree's uncommitted changes: the files git
    tracks or would track (not .venv, node_modules, compiled catalogues, instance/)."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if not source.exists() and not source.is_symlink():
            continue  # deleted in the working tree
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target / name, follow_symlinks=False)


def _files(folder: Path) -> dict[str, tuple[int, int]]:
    """name -> (size, mtime) of every file below `folder`, but .venv and __pycache__ (Python
    goes on without writing bytecode where it cannot)."""
    found = {}
    for path in folder.rglob("*"):
        name = str(path.relative_to(folder))
        if name.startswith(".venv") or "__pycache__" in path.parts or path.is_dir():
            continue
        stat = path.lstat()
        found[name] = (stat.st_size, stat.st_mtime_ns)
    return found


@dataclass
class Unit:
    name: str
    service: dict[str, list[str]]

    def first(self, key: str, default: str = "") -> str:
        return self.service.get(key, [default])[0]


def parse_unit(path: Path) -> Unit:
    """The [Service] section of a unit file: key -> every value given (in order)."""
    service: dict[str, list[str]] = {}
    section, text = None, path.read_text().replace("\\\n", " ")
    for line in text.splitlines():
        line = line.strip()
        if not line or line[0] in "#;":
            continue
        if line.startswith("["):
            section = line
        elif section == "[Service]":
            key, _, value = line.partition("=")
            service.setdefault(key.strip(), []).append(value.strip())
    return Unit(path.name.removesuffix(".service"), service)


def read_env_file(path: Path) -> dict[str, str]:
    """EnvironmentFile= as systemd reads it: NAME=value lines, "quotes" removed."""
    env = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line[0] in "#;":
            continue
        key, sep, value = line.partition("=")
        assert sep, f"{path.name}: not NAME=value: {line!r}"
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        env[key.strip()] = value
    return env


class Process:
    """A child in a process group of its own, its output in a file."""

    def __init__(self, name: str, argv: list[str], cwd: Path, env: dict, log: Path):
        self.name, self.log = name, log
        with open(log, "wb") as out:
            self.popen = subprocess.Popen(
                argv,
                cwd=cwd,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self, sig: int = signal.SIGTERM) -> None:
        for signal_ in (sig, signal.SIGKILL):
            try:
                os.killpg(self.popen.pid, signal_)
            except ProcessLookupError:
                pass
            try:
                self.popen.wait(timeout=30)
                break
            except subprocess.TimeoutExpired:
                continue
        try:
            os.killpg(self.popen.pid, signal.SIGKILL)  # any worker left in the group
        except ProcessLookupError:
            pass


class Sandbox:
    def __init__(self, root: Path, *, database_url: str, database: str, redis_url: str, mail_port: int):
        self.root = root
        self.app = root / "srv" / "konsultasi"
        self.paths = {
            APP_DIR: self.app,
            "/etc/konsultasi": root / "etc" / "konsultasi",
            "/etc/ssl/konsultasi": root / "etc" / "ssl" / "konsultasi",
            "/etc/nginx/sites-available": root / "etc" / "nginx" / "sites-available",
            "/etc/nginx/sites-enabled": root / "etc" / "nginx" / "sites-enabled",
            "/etc/systemd/system": root / "etc" / "systemd" / "system",
        }
        (root / "etc" / "ssl").mkdir(parents=True)  # the README makes /etc/konsultasi and /etc/ssl/konsultasi
        for prefix in ("/etc/nginx/sites-available", "/etc/nginx/sites-enabled", "/etc/systemd/system"):
            self.paths[prefix].mkdir(parents=True)
        default = Path("/etc/nginx/sites-available/default")  # Debian's, which step 6 removes
        if default.exists():
            shutil.copy(default, self.paths["/etc/nginx/sites-available"] / "default")
            (self.paths["/etc/nginx/sites-enabled"] / "default").symlink_to(
                self.paths["/etc/nginx/sites-available"] / "default"
            )
        self.cwd = root
        self.database_url, self.database, self.redis_url = database_url, database, redis_url
        self.mail_port = mail_port
        self.bind = f"127.0.0.1:{free_port()}"
        self.users: set[str] = {"root"}
        self.groups: set[str] = {"root"}
        self.admin: str | None = None  # the email of `setup --email`; its password: self.password
        self.password = "Produksi-" + os.urandom(9).hex()
        self.processes: dict[str, Process] = {}
        self.nginx: Process | None = None
        self.https_port = self.http_port = 0
        self.settings_done = False
        self.done: list[tuple[str, str]] = []  # (command, rule) as performed
        self.code: dict[str, tuple[int, int]] | None = None

    # The code is root's ----------------------------------------------------------------------

    def freeze_code(self) -> None:
        """From the first run of the application on, /srv/konsultasi is read-only to it (root's
        files; ProtectSystem=strict in the units): note what is there to find writes later."""
        if self.code is None:
            self.code = _files(self.app)

    def code_written(self) -> list[str]:
        """Files the application made or changed in /srv/konsultasi since freeze_code()."""
        assert self.code is not None
        now = _files(self.app)
        return sorted(name for name, stat in now.items() if self.code.get(name) != stat)

    # Paths ---------------------------------------------------------------------------------

    def path(self, text: str) -> str:
        """`text` with every README path mapped into the sandbox (relative: from cwd)."""
        for prefix in sorted(self.paths, key=len, reverse=True):
            text = re.sub(re.escape(prefix) + r"(?=[/\s\"';]|$)", str(self.paths[prefix]), text)
        return text

    def local(self, text: str) -> Path:
        mapped = Path(self.path(text))
        return mapped if mapped.is_absolute() else self.cwd / mapped

    def run_mapped(self, command: str, *, env: dict | None = None, timeout: float = 60) -> str:
        """A command that changes only files, run for real on the sandbox's paths."""
        mapped = self.path(command)
        left = HOST_PATH.findall(mapped.replace(str(self.root), "SANDBOX"))
        assert not left, f"README line {command!r} names host paths the test does not map: {left}"
        done = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", mapped],
            cwd=self.cwd,
            env=env or self.clean_env(),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        assert done.returncode == 0, f"README line failed: {command}\n{done.stdout}\n{done.stderr}"
        return done.stdout

    def clean_env(self) -> dict:
        return {"PATH": BASE_PATH, "LANG": "C.UTF-8", "HOME": str(self.root)}

    # Settings ------------------------------------------------------------------------------

    def settings(self) -> Path:
        """The settings file, with what the administrator writes in it for this server (the
        README: "set MAIL_* to your SMTP relay"), done once before it is first read: the
        database and Redis of the test, the test's SMTP server, gunicorn on a free port."""
        env_file = self.local(ENV_FILE)
        assert env_file.exists(), f"no {ENV_FILE} when a step reads it"
        if self.settings_done:
            return env_file
        values = read_env_file(env_file)
        for name, expected in (
            ("APP_ENV", "production"),
            ("PUBLIC_URL", f"https://{PUBLIC_HOST}"),
            ("PROXY_COUNT", "1"),
        ):
            assert values.get(name) == expected, (
                f"{ENV_FILE}: {name} is {values.get(name)!r}, not {expected!r}"
            )
        secret = values.get("SECRET_KEY", "")
        assert len(secret) >= 32, f"{ENV_FILE}: SECRET_KEY not set by the README's steps ({secret!r})"
        assert "DATABASE_URL" in values and "REDIS_URL" in values, f"{ENV_FILE} lacks DATABASE_URL/REDIS_URL"
        ours = {
            "DATABASE_URL": self.database_url_for(values["DATABASE_URL"]),
            "REDIS_URL": self.redis_url,
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": str(self.mail_port),
            "GUNICORN_BIND": self.bind,
        }
        lines = env_file.read_text().splitlines()
        example_bind = [line for line in lines if re.match(r"^#?GUNICORN_BIND=", line)]
        assert example_bind == [f"#GUNICORN_BIND={README_BIND}"], (
            f"{ENV_FILE}: {example_bind}, not {README_BIND}"
        )
        conf = (self.app / "gunicorn.conf.py").read_text()
        assert f'os.environ.get("GUNICORN_BIND", "{README_BIND}")' in conf, "gunicorn.conf.py's bind changed"
        for name, value in ours.items():
            pattern = re.compile(rf"^#?{name}=")
            at = [i for i, line in enumerate(lines) if pattern.match(line)]
            assert at, f"{ENV_FILE}: no {name}= line (set or commented) to edit"
            lines[at[0]] = f'{name}="{value}"' if "&" in value else f"{name}={value}"  # sh reads it too
        env_file.write_text("\n".join(lines) + "\n")
        self.settings_done = True
        return env_file

    def database_url_for(self, readme_url: str) -> str:
        """The README's DATABASE_URL with its role and database made the test's; its Unix
        socket kept when the test's server listens there (trust standing in for peer)."""
        found = re.fullmatch(r"postgresql://(\w+)@([^/]*)/(\w+)(\?host=(/[^&]+))?", readme_url)
        assert found, f"{ENV_FILE}: DATABASE_URL {readme_url!r} is not the form the test maps"
        assert found[1] == found[3] == README_DB, (
            f"DATABASE_URL {readme_url!r}: not role and database {README_DB}"
        )
        from urllib.parse import urlsplit

        test = urlsplit(self.database_url)
        port = test.port or 5432
        socket_dir = found[5]
        if socket_dir and test.hostname in ("127.0.0.1", "localhost"):
            if Path(socket_dir, f".s.PGSQL.{port}").exists():
                return f"postgresql://{self.database}@/{self.database}?host={socket_dir}&port={port}"
        return f"postgresql://{self.database}@{test.hostname}:{port}/{self.database}"

    # Services ------------------------------------------------------------------------------

    def unit(self, name: str) -> Unit:
        path = self.paths["/etc/systemd/system"] / f"{name}.service"
        assert path.exists(), f"systemctl: {name}.service was not installed by an earlier line"
        return parse_unit(path)

    def start_unit(self, name: str) -> None:
        unit = self.unit(name)
        self.freeze_code()
        for key in ("User", "Group"):
            who = unit.first(key, "root")
            assert who in (self.users if key == "User" else self.groups), (
                f"{name}: {key}={who} does not exist"
            )
        env = self.clean_env()
        for item in unit.service.get("Environment", []):
            for pair in shlex.split(item):
                key, _, value = pair.partition("=")
                env[key] = value
        for runtime in unit.service.get("RuntimeDirectory", []):
            folder = self.root / "run" / runtime
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True, mode=0o700)
            self.paths[f"/run/{runtime}"] = folder
        env = {key: self.path(value) for key, value in env.items()}
        for item in unit.service.get("EnvironmentFile", []):  # they override Environment=
            optional, name_ = item.startswith("-"), item.lstrip("-")
            if name_ == ENV_FILE:
                self.settings()
            path = self.local(name_)
            if path.exists():
                env.update({key: self.path(value) for key, value in read_env_file(path).items()})
            else:
                assert optional, f"{name}: EnvironmentFile={name_} does not exist"
        workdir = self.local(unit.first("WorkingDirectory", "/"))
        for pre in unit.service.get("ExecStartPre", []):
            command = pre.lstrip("+-!@:")
            self.cwd, saved = workdir, self.cwd
            try:
                self.run_mapped(command, env=env)
            finally:
                self.cwd = saved
        argv = shlex.split(self.path(unit.first("ExecStart")))
        notify = None
        if unit.first("Type") == "notify":
            notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
            address = self.root / f"notify-{len(self.processes)}"
            notify.bind(str(address))
            notify.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
            env["NOTIFY_SOCKET"] = str(address)
        process = Process(name, argv, workdir, env, self.root / f"{name}.log")
        self.processes[name] = process
        if notify is not None:
            with notify:
                self._wait_ready(unit, process, notify)

    def _wait_ready(self, unit: Unit, process: Process, notify: socket.socket) -> None:
        """Type=notify: systemd waits for READY=1 (from the main process: NotifyAccess=main)."""
        end = time.monotonic() + START_SECONDS
        while time.monotonic() < end:
            if process.popen.poll() is not None:
                pytest.fail(f"{unit.name} exited ({process.popen.returncode}):\n{process.output()}")
            notify.settimeout(0.5)
            try:
                data, ancillary, _, _ = notify.recvmsg(4096, socket.CMSG_SPACE(12))
            except TimeoutError:
                continue
            sender = [
                struct.unpack("iII", d[:12])[0]
                for lvl, kind, d in ancillary
                if kind == socket.SCM_CREDENTIALS
            ]
            if b"READY=1" in data.split(b"\n"):
                if unit.first("NotifyAccess", "main") == "main":
                    assert sender == [process.popen.pid], (
                        f"{unit.name}: READY=1 from {sender}, not the main process"
                    )
                return
        pytest.fail(
            f"{unit.name} (Type=notify) never sent READY=1: systemd would time out\n{process.output()}"
        )

    # nginx ---------------------------------------------------------------------------------

    def nginx_conf(self) -> Path:
        """An nginx.conf like Debian's whose http block includes the sandbox's sites-enabled,
        each site's ports, listen addresses and paths mapped."""
        folder = self.root / "nginx"
        for sub in ("temp/body", "temp/proxy", "temp/fastcgi", "temp/uwsgi", "temp/scgi", "sites"):
            (folder / sub).mkdir(parents=True, exist_ok=True)
        if not self.https_port:
            self.https_port, self.http_port = free_port(), free_port()
        for old in (folder / "sites").iterdir():
            old.unlink()
        for site in sorted(self.paths["/etc/nginx/sites-enabled"].iterdir()):
            assert site.exists(), f"sites-enabled/{site.name} points to nothing"
            text = "".join(line for line in site.read_text().splitlines(True) if "listen [::]" not in line)
            text = re.sub(r"listen\s+443\b", f"listen 127.0.0.1:{self.https_port}", text)
            text = re.sub(r"listen\s+80\b", f"listen 127.0.0.1:{self.http_port}", text)
            if "upstream " in text:
                assert f"server {README_BIND};" in text, f"{site.name}: the upstream is not {README_BIND}"
                text = text.replace(f"server {README_BIND};", f"server {self.bind};")
            (folder / "sites" / site.name).write_text(self.path(text))
        user = "user root root;" if os.geteuid() == 0 else ""  # workers must read tmp_path
        conf = folder / "nginx.conf"
        conf.write_text(
            f"{user}\ndaemon off;\nworker_processes 1;\npid {folder}/nginx.pid;\n"
            f"error_log {folder}/error.log info;\nevents {{ worker_connections 256; }}\n"
            f"http {{\n include /etc/nginx/mime.types;\n default_type application/octet-stream;\n"
            f" sendfile on;\n access_log {folder}/access.log;\n"
            + "".join(
                f" {kind}_temp_path {folder}/temp/{kind};\n" for kind in ("proxy", "fastcgi", "uwsgi", "scgi")
            )
            + f" client_body_temp_path {folder}/temp/body;\n include {folder}/sites/*;\n}}\n"
        )
        return conf

    def nginx_test(self) -> None:
        conf = self.nginx_conf()
        done = subprocess.run(
            [nginx_binary(), "-t", "-c", str(conf), "-p", str(conf.parent)], capture_output=True, text=True
        )
        assert done.returncode == 0, f"nginx -t failed:\n{done.stderr}"

    def start_nginx(self) -> None:
        conf = self.nginx_conf()
        argv = [nginx_binary(), "-c", str(conf), "-p", str(conf.parent)]
        self.nginx = Process("nginx", argv, conf.parent, self.clean_env(), conf.parent / "stderr.log")
        end = time.monotonic() + START_SECONDS
        while not all(_listening(port) for port in (self.https_port, self.http_port)):
            if self.nginx.popen.poll() is not None or time.monotonic() > end:
                pytest.fail(f"nginx did not start:\n{self.nginx.output()}")
            time.sleep(0.05)  # waiting for another process: nothing to freeze

    def stop(self) -> None:
        if self.nginx is not None:
            self.nginx.stop(signal.SIGQUIT)
        for process in reversed(list(self.processes.values())):
            process.stop()


def redis_answers(url: str) -> bool:
    import redis

    try:
        with redis.Redis.from_url(url, socket_connect_timeout=2) as client:
            return bool(client.ping())
    except redis.RedisError:
        return False


def private_redis(folder: Path) -> tuple[Process, str]:
    """Debian's redis-server on a free loopback port, in memory only (no Redis answers)."""
    binary = shutil.which("redis-server", path=BASE_PATH)
    if not binary:
        missing("no Redis answers and redis-server is not installed")
    folder.mkdir(parents=True)
    port = free_port()
    argv = [binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no"]
    process = Process("redis", [*argv, "--dir", str(folder)], folder, {"PATH": BASE_PATH}, folder / "log")
    url = f"redis://127.0.0.1:{port}/0"
    end = time.monotonic() + START_SECONDS
    while not redis_answers(url):
        if process.popen.poll() is not None or time.monotonic() > end:
            process.stop()
            pytest.fail(f"redis-server did not start:\n{process.output()}")
        time.sleep(0.05)  # waiting for another process: nothing to freeze
    return process, url


def nginx_binary() -> str:
    found = shutil.which("nginx", path=BASE_PATH)
    if not found:
        missing("nginx is not installed (apt-get install nginx)")
    return found


def _listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


# --- The rules -----------------------------------------------------------------------------


@dataclass
class Rule:
    pattern: str
    how: str
    act: Callable[[Sandbox, re.Match], None]


def perform(sandbox: Sandbox, command: str, rules: list[Rule]) -> None:
    for rule in rules:
        found = re.fullmatch(rule.pattern, command)
        if found:
            rule.act(sandbox, found)
            sandbox.done.append((command, rule.how))
            return
    pytest.fail(f"README line not covered by the test: {command}")
