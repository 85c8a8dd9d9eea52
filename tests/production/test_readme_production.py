"""README.md's production section, followed line by line, ends in a working installation:
the first administrator logs in over https through nginx.

The ```sh block after `<!-- production-steps -->` is performed command by command in a
sandbox (tests/production/readme_steps.py says how the host's paths, users, database and
services are stood in for). RULES below is the explicit table: each README command must match
one pattern, or the test fails with "README line not covered by the test". Then a client
connects to nginx's loopback port under the public name (SNI and Host), trusting only the
certificate the README made: the login page, the password, the authenticator enrolment of
the first login (TOTP from the key the page shows), the administrator's page; the session
cookie is Secure and HttpOnly, HSTS is sent, and /readyz is ready (the scheduler unit beats).
"""

import http.client
import os
import re
import shlex
import shutil
import socket
import ssl
import subprocess
import sys
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import psycopg
import pytest

from tests.machine import missing
from tests.outbox.conftest import SmtpServer
from tests.production.readme_steps import (
    APP_DIR,
    BASE_PATH,
    ENV_FILE,
    MARKER,
    PUBLIC_HOST,
    README_BIND,
    README_DB,
    ROOT,
    Rule,
    Sandbox,
    commands,
    copy_working_tree,
    nginx_binary,
    parse_unit,
    perform,
    private_redis,
    production_block,
    read_env_file,
    redis_answers,
)

READY_SECONDS = 60
HIDDEN = r'name="{0}"[^>]*value="([^"]*)"|value="([^"]*)"[^>]*name="{0}"'


# --- What the test does for each README command ------------------------------------------


def _on_path(name: str) -> str:
    found = shutil.which(name, path=BASE_PATH)
    if not found:
        missing(f"{name} is not installed")
    return found


def apt_update(sb: Sandbox, m: re.Match) -> None:
    _on_path("apt-get")


def apt_install(sb: Sandbox, m: re.Match) -> None:
    for package in m["packages"].split():
        status = subprocess.run(["dpkg-query", "-W", "-f=${Status}", package], capture_output=True, text=True)
        if status.stdout.endswith("ok installed"):
            continue
        known = subprocess.run(["apt-cache", "show", "--no-all-versions", package], capture_output=True)
        assert known.returncode == 0 and known.stdout, f"apt-get install: {package} is no Debian package here"


USERADD_FLAGS = ("--system", "-r", "--no-create-home", "-M", "--user-group", "-U")


def useradd(sb: Sandbox, m: re.Match) -> None:
    _on_path("useradd")
    argv = shlex.split(m["args"])
    user = argv.pop()
    assert user == m["user"], f"`id {m['user']}` checks another user than useradd makes ({user})"
    options: dict[str, str] = {}
    while argv:
        arg = argv.pop(0)
        if arg in ("--home-dir", "-d", "--shell", "-s", "--comment", "-c"):
            options[{"-d": "--home-dir", "-s": "--shell", "-c": "--comment"}.get(arg, arg)] = argv.pop(0)
        else:
            assert arg in USERADD_FLAGS, f"useradd option {arg} unknown to the test"
            options[arg] = ""
    assert options.get("--home-dir") == APP_DIR, options
    assert Path(options.get("--shell", "/bin/sh")).exists(), f"no shell {options['--shell']}"
    sb.users.add(user)
    login_defs = Path("/etc/login.defs").read_text() if Path("/etc/login.defs").exists() else ""
    if "--user-group" in options or "-U" in options or re.search(r"(?m)^USERGROUPS_ENAB\s+yes", login_defs):
        sb.groups.add(user)  # useradd makes the group of the same name too


def git_clone(sb: Sandbox, m: re.Match) -> None:
    assert m["target"] == APP_DIR, m["target"]
    _on_path("git")
    copy_working_tree(sb.app)


def cd(sb: Sandbox, m: re.Match) -> None:
    sb.cwd = sb.local(m["dir"])
    assert sb.cwd.is_dir(), f"cd: no folder {m['dir']}"


def make_venv(sb: Sandbox, m: re.Match) -> None:
    """Debian's python3 can make a venv (python3-venv); the project's .venv, of the same
    Python version, is linked in its place instead of installing everything again."""
    python = _on_path("python3")
    done = subprocess.run(
        [python, "-c", "import sys, venv, ensurepip; print('%d.%d' % sys.version_info[:2])"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, f"{python} cannot make a venv:\n{done.stderr}"
    assert sys.prefix != sys.base_prefix, "the tests do not run in a virtualenv"
    ours = f"{sys.version_info.major}.{sys.version_info.minor}"
    assert done.stdout.strip() == ours, (
        f"Debian's python3 is {done.stdout.strip()}, the project's venv {ours}"
    )
    target = sb.cwd / m["dir"]
    assert not target.exists()
    target.symlink_to(Path(sys.prefix))


def pip_install(sb: Sandbox, m: re.Match) -> None:
    """The line with --no-index --dry-run: pip resolves requirements.txt against what the
    linked venv holds, offline; it fails when a pinned package is missing or of another
    version. `pip check` then finds no broken dependency."""
    pip = str(sb.cwd / m["pip"])
    done = subprocess.run(
        [pip, "install", "--no-index", "--dry-run", "--disable-pip-version-check", "-r", m["file"]],
        cwd=sb.cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0 and "Would install" not in done.stdout, done.stdout + done.stderr
    check = subprocess.run([pip, "check"], capture_output=True, text=True, timeout=60)
    assert check.returncode == 0, check.stdout


def pybabel_compile(sb: Sandbox, m: re.Match) -> None:
    sb.run_mapped(m[0])
    catalogues = list((sb.cwd / m["dir"]).glob("*/LC_MESSAGES/*.po"))
    assert catalogues
    for po in catalogues:
        assert po.with_suffix(".mo").exists(), f"{po.relative_to(sb.app)} was not compiled"


def services_running(sb: Sandbox, m: re.Match) -> None:
    """PostgreSQL and Redis: the test's own servers, which answer."""
    with psycopg.connect(sb.database_url, connect_timeout=5) as conn:
        conn.execute("SELECT 1")
    assert redis_answers(sb.redis_url)


def as_postgres(sb: Sandbox, m: re.Match) -> None:
    """`runuser -u postgres -- TOOL ...` as the superuser of the test's server; the
    README's database and role name are the test's own."""
    import pwd

    pwd.getpwnam("postgres")  # the OS user runuser switches to (Debian's postgresql)
    server = urlsplit(sb.database_url)
    argv = [sb.database if arg == README_DB else arg for arg in shlex.split(m["args"])]
    connection = ["-h", server.hostname or "127.0.0.1", "-p", str(server.port or 5432), "-U", server.username]
    done = subprocess.run(
        [_on_path(m["tool"]), *connection, *argv], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, f"{m[0]}:\n{done.stdout}{done.stderr}"


def install(sb: Sandbox, m: re.Match) -> None:
    """Run with the owner and group left out (checked: root or made by an earlier line)."""
    argv, out = shlex.split(m[0])[1:], ["install"]
    while argv:
        arg = argv.pop(0)
        if arg in ("-o", "-g"):
            name = argv.pop(0)
            known = sb.users if arg == "-o" else sb.groups
            assert name in known, f"{m[0]}: {'user' if arg == '-o' else 'group'} {name} does not exist"
        elif arg == "-m":
            out += [arg, argv.pop(0)]
        else:
            assert arg == "-d" or not arg.startswith("-"), f"install option {arg} unknown to the test"
            out.append(arg)
    sb.run_mapped(shlex.join(out))


def sed_env(sb: Sandbox, m: re.Match) -> None:
    env_file = sb.local(ENV_FILE)
    before = env_file.read_text()
    sb.run_mapped(m[0])
    assert env_file.read_text() != before, f"{m[0]} changed nothing in {ENV_FILE}"


def konsultasi_flask(sb: Sandbox, m: re.Match) -> None:
    """deploy/konsultasi-flask without its switch to the user konsultasi (none here), its
    paths mapped; the password prompt answered twice on stdin."""
    text = sb.local(m["script"]).read_text()
    switch = re.search(
        r'if \[ "\$\(id -un\)" != (\w+) \]; then\n\s*exec runuser -u (\w+) -- \S+ "\$@"\nfi\n', text
    )
    assert switch and switch[1] == switch[2], "deploy/konsultasi-flask: its user switch changed"
    assert switch[1] in sb.users, f"deploy/konsultasi-flask runs as {switch[1]}, made by no earlier line"
    wrapper = sb.root / "konsultasi-flask"
    wrapper.write_text(sb.path(text.replace(switch[0], "")))
    wrapper.chmod(0o755)
    sb.settings()
    sb.freeze_code()
    args = shlex.split(m["args"])
    done = subprocess.run(
        [str(wrapper), *args],
        cwd=sb.cwd,
        env=sb.clean_env(),
        input=f"{sb.password}\n{sb.password}\n",
        capture_output=True,
        text=True,
        timeout=240,
        start_new_session=True,  # no terminal: the hidden prompt reads stdin
    )
    assert done.returncode == 0, f"{m[0]}:\n{done.stdout}\n{done.stderr}"
    if args[0] == "setup" and "--email" in args:
        sb.admin = args[args.index("--email") + 1]
        assert f"administrator {sb.admin} created" in done.stdout, done.stdout


def file_command(sb: Sandbox, m: re.Match) -> None:
    sb.run_mapped(m[0])


def daemon_reload(sb: Sandbox, m: re.Match) -> None:
    units = list(sb.paths["/etc/systemd/system"].glob("*.service"))
    assert units, "daemon-reload: no unit installed"
    for path in units:
        assert parse_unit(path).first("ExecStart"), f"{path.name} has no ExecStart"


def enable_units(sb: Sandbox, m: re.Match) -> None:
    for name in m["units"].split():
        sb.start_unit(name)


def self_signed(sb: Sandbox, m: re.Match) -> None:
    _on_path("openssl")
    assert not sb.local(m["cert"]).exists()
    sb.run_mapped(m[0])
    assert sb.local(m["cert"]).exists()


def nginx_t(sb: Sandbox, m: re.Match) -> None:
    sb.nginx_test()


def reload_nginx(sb: Sandbox, m: re.Match) -> None:
    sb.start_nginx()


def curl(sb: Sandbox, m: re.Match) -> None:
    """Run for real, with gunicorn's and nginx's ports the sandbox's."""
    _on_path("curl")
    line = m[0].replace(f"http://{README_BIND}/", f"http://{sb.bind}/")
    line = line.replace(f"--resolve {PUBLIC_HOST}:443:", f"--resolve {PUBLIC_HOST}:{sb.https_port}:")
    line = line.replace(f"https://{PUBLIC_HOST}/", f"https://{PUBLIC_HOST}:{sb.https_port}/")
    assert line != m[0], f"curl: neither {README_BIND} nor https://{PUBLIC_HOST}/ in {m[0]}"
    sb.run_mapped(line, timeout=90)


PKG = r"[a-z0-9][a-z0-9.+-]*"
RULES = [
    Rule(r"apt-get update", "not run (the host's package lists); apt-get exists", apt_update),
    Rule(
        rf"apt-get install -y (?:--no-install-recommends )?(?P<packages>{PKG}(?: {PKG})*)",
        "each package installed (dpkg-query) or known to apt-cache; nothing installed",
        apt_install,
    ),
    Rule(
        r"id (?P<user>\w+) \|\| useradd (?P<args>--system .+)",
        "checked (useradd, the shell, home = /srv/konsultasi), the user noted, not made",
        useradd,
    ),
    Rule(
        r'git clone "\$\{REPOSITORY:\?[^}]*\}" (?P<target>\S+)',
        "the working tree's git-listed files copied to the sandbox's /srv/konsultasi",
        git_clone,
    ),
    Rule(r"cd (?P<dir>\S+)", "the sandbox's current folder", cd),
    Rule(
        r"python3 -m venv (?P<dir>\.venv)",
        "Debian's python3 can make a venv; the project's venv (same Python) linked as .venv",
        make_venv,
    ),
    Rule(
        r"(?P<pip>\.venv/bin/pip) install -r (?P<file>requirements\.txt)",
        "pip install --no-index --dry-run: satisfied offline by the linked venv; pip check",
        pip_install,
    ),
    Rule(
        r'\.venv/bin/pybabel compile -d (?P<dir>translations)(?: -D "[a-z ]+")?',
        "run; every .po has its .mo",
        pybabel_compile,
    ),
    Rule(
        r"systemctl enable --now postgresql redis-server",
        "the test's PostgreSQL (TEST_DATABASE_URL) and Redis answer",
        services_running,
    ),
    Rule(
        r"runuser -u postgres -- (?P<tool>createuser|createdb|psql) (?P<args>.+)",
        "run as the test server's superuser; database and role konsultasi -> <test db>_konsultasi",
        as_postgres,
    ),
    Rule(
        r"install (?:-[dmog] \S+ |-d )*\S+(?: \S+)?",
        "run on sandbox paths without -o/-g (owner and group checked to exist)",
        install,
    ),
    Rule(
        r'sed -i "[^"]*" /etc/konsultasi/env',
        "run on the sandbox's settings file (which it must change)",
        sed_env,
    ),
    Rule(
        r"(?P<script>/srv/konsultasi/deploy/konsultasi-flask) (?P<args>.+)",
        "run (paths mapped, no user switch), password typed twice on stdin",
        konsultasi_flask,
    ),
    Rule(
        r"(?:cp|ln -sf|rm -f|chmod [0-7]{3,4}) \S.*",
        "run on sandbox paths",
        file_command,
    ),
    Rule(r"systemctl daemon-reload", "the installed units parse, each with an ExecStart", daemon_reload),
    Rule(
        r"systemctl enable --now (?P<units>konsultasi-[\w-]+(?: konsultasi-[\w-]+)*)",
        "each unit's ExecStartPre/ExecStart run (EnvironmentFile, Environment, WorkingDirectory,"
        " RuntimeDirectory; Type=notify waits for READY=1)",
        enable_units,
    ),
    Rule(
        r"test -f (?P<cert>/etc/ssl/konsultasi/fullchain\.pem) \|\| openssl req -x509 .+",
        "run on sandbox paths: the self-signed certificate",
        self_signed,
    ),
    Rule(r"nginx -t", "nginx -t of the sandbox's nginx.conf (sites-enabled included)", nginx_t),
    Rule(r"systemctl reload nginx", "the sandbox's nginx started on free loopback ports", reload_nginx),
    Rule(r"curl -fsS .+", "run for real on the sandbox's ports", curl),
]


# --- The fixture and the browser --------------------------------------------------------


@pytest.fixture
def sandbox(tmp_path):
    base_url = os.environ.get("TEST_DATABASE_URL")
    if not base_url:
        missing("needs PostgreSQL: set TEST_DATABASE_URL")
    nginx_binary()
    for tool in ("openssl", "curl", "git"):
        _on_path(tool)
    admin_url = base_url.replace("postgresql+psycopg://", "postgresql://", 1)
    parts = urlsplit(admin_url)
    scratch = parts.path.lstrip("/") + "_konsultasi"

    def drop() -> None:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
            conn.execute(f'DROP ROLE IF EXISTS "{scratch}"')

    drop()
    redis_url, redis_server = os.environ.get("TEST_REDIS_URL") or "redis://127.0.0.1:6379/9", None
    if not redis_answers(redis_url):
        redis_server, redis_url = private_redis(tmp_path / "redis")
    flush_redis(redis_url)
    smtp = SmtpServer()
    smtp.start()
    sb = Sandbox(tmp_path, database_url=admin_url, database=scratch, redis_url=redis_url, mail_port=smtp.port)
    try:
        yield sb
    finally:
        sb.stop()
        smtp.stop()
        drop()
        if redis_server is not None:
            redis_server.stop()
        else:
            flush_redis(redis_url)


def flush_redis(url: str) -> None:
    import redis

    with redis.Redis.from_url(url) as client:
        client.flushdb()


class _Connection(http.client.HTTPSConnection):
    """TLS to 127.0.0.1:port under the public name (SNI and certificate check)."""

    def connect(self) -> None:
        raw = socket.create_connection(("127.0.0.1", self.port), self.timeout)
        self.sock = self._context.wrap_socket(raw, server_hostname=PUBLIC_HOST)


class Browser:
    def __init__(self, port: int, certificate: Path):
        self.port = port
        self.context = ssl.create_default_context(cafile=str(certificate))
        # The README's certificate names the host in its CN only; Python still checks it
        # (browsers want a subjectAltName: see the report of this test).
        self.context.hostname_checks_common_name = True
        self.certificate = ssl.PEM_cert_to_DER_cert(certificate.read_text())
        self.cookies: dict[str, str] = {}
        self.set_cookies: list[str] = []

    def request(self, method: str, path: str, form: dict | None = None):
        conn = _Connection(PUBLIC_HOST, self.port, timeout=30, context=self.context)
        headers = {"Host": PUBLIC_HOST, "User-Agent": "readme-production-test"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"https://{PUBLIC_HOST}{path}"
        try:
            conn.request(method, path, body=body, headers=headers)
            assert conn.sock.getpeercert(binary_form=True) == self.certificate, "not the README's certificate"
            response = conn.getresponse()
            text = response.read().decode()
        finally:
            conn.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            self.set_cookies.append(header)
            for name, morsel in SimpleCookie(header).items():
                if morsel.value:
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)
        return response.status, response.headers, text

    def get(self, path: str):
        return self.request("GET", path)

    def post(self, path: str, form: dict):
        return self.request("POST", path, form)


def hidden(page: str, name: str) -> str:
    found = re.search(HIDDEN.format(re.escape(name)), page)
    assert found, f"no field {name} in the page"
    return found[1] if found[1] is not None else found[2]


def location(headers) -> str:
    return urlsplit(headers["Location"]).path


# --- The tests ---------------------------------------------------------------------------


def test_the_block_is_read_as_a_shell_would():
    block = (
        "# 1. a comment\n"
        "apt-get update\n\n"
        'cmd one "a # not a comment" \\\n'
        "    --flag  # a comment\n"
        "a && b 'c && d'\n"
        "  # indented comment\n"
    )
    assert commands(block) == ["apt-get update", 'cmd one "a # not a comment"     --flag', "a", "b 'c && d'"]
    readme = f"text\n{MARKER}\n```sh\necho one\n```\nmore\n```sh\necho two\n```\n"
    assert commands(production_block(readme)) == ["echo one"]


def test_every_readme_production_command_has_a_rule():
    """Also in the SQLite pass: a README change without its rule fails at once."""
    for command in commands(production_block((ROOT / "README.md").read_text())):
        assert any(re.fullmatch(rule.pattern, command) for rule in RULES), (
            f"README line not covered by the test: {command}"
        )


def test_a_line_no_rule_knows_fails(tmp_path):
    sandbox = Sandbox(tmp_path, database_url="", database="", redis_url="", mail_port=0)
    with pytest.raises(pytest.fail.Exception, match="README line not covered by the test: make world"):
        perform(sandbox, "make world", RULES)


@pytest.mark.postgres
def test_the_readme_steps_install_a_server_the_first_admin_logs_in_to_over_https(sandbox):
    started = time.monotonic()
    for command in commands(production_block((ROOT / "README.md").read_text())):
        perform(sandbox, command, RULES)
    print("\nREADME production steps, as the test performed them:")
    for command, how in sandbox.done:
        print(f"  {command[:100]}\n      -> {how}")
    assert sandbox.admin, "no README line ran `setup --email`"
    assert sandbox.nginx is not None, "no README line started nginx"
    assert {"konsultasi-web", "konsultasi-scheduler"} <= set(sandbox.processes), (
        "the services were not started"
    )
    assert read_env_file(sandbox.local(ENV_FILE))["GUNICORN_BIND"] == sandbox.bind

    browser = Browser(sandbox.https_port, sandbox.local("/etc/ssl/konsultasi/fullchain.pem"))
    status, headers, page = browser.get("/masuk")
    assert status == 200, page
    form = {"csrf_token": hidden(page, "csrf_token"), "email": sandbox.admin, "password": sandbox.password}
    status, headers, page = browser.post("/masuk", form)
    assert status == 302 and location(headers) == "/masuk/daftarkan-kode", (status, page[:2000])

    status, headers, page = browser.get("/masuk/daftarkan-kode")
    assert status == 200, page
    secret = re.search(r'id="kunci-rahasia">([A-Z2-7 ]+)<', page)[1].replace(" ", "")
    import pyotp

    code = pyotp.TOTP(secret).now()
    status, headers, page = browser.post(
        "/masuk/daftarkan-kode", {"csrf_token": hidden(page, "csrf_token"), "code": code}
    )
    assert status == 200 and 'id="kode-pemulihan"' in page, (status, page[:2000])
    onwards = re.search(r'<a class="btn[^"]*" href="([^"]+)">', page)[1]

    path = urlsplit(onwards).path
    for _hop in range(3):
        status, headers, page = browser.get(path)
        if status != 302:
            break
        path = location(headers)
    assert status == 200 and path.startswith("/admin/"), (path, status)
    assert sandbox.admin in page
    hsts = headers.get("Strict-Transport-Security", "")
    assert re.search(r"max-age=\d{7,}", hsts), f"no HSTS: {hsts!r}"

    assert "session" in browser.cookies, browser.set_cookies
    for header in browser.set_cookies:
        name_value, *attributes = header.split(";")
        if name_value.partition("=")[2]:  # a cookie set, not one deleted (Flask-Login's remember_token)
            flags = {part.strip().lower() for part in attributes}
            assert "secure" in flags and "httponly" in flags, header

    end = time.monotonic() + READY_SECONDS
    while True:
        status, _, body = browser.get("/readyz")
        if status == 200 or time.monotonic() > end:
            break
        time.sleep(0.5)  # waiting for the scheduler process: nothing to freeze
    assert status == 200 and '"status":"ok"' in body.replace(" ", ""), body
    for name, process in sandbox.processes.items():
        assert process.popen.poll() is None, f"{name} stopped:\n{process.output()}"
    written = sandbox.code_written()
    assert not written, f"the application wrote in /srv/konsultasi (read-only to it on the server): {written}"
    print(f"README steps and login: {time.monotonic() - started:.1f} s")
