"""Real nginx with the site file of deploy/nginx/konsultasi.conf, on free loopback ports.

    from tests.production.nginx import start_nginx

    https_port, http_port, stop = server = start_nginx(tmp_path, ["127.0.0.1:8001", "127.0.0.1:8002"])
    ...  # https://127.0.0.1:{https_port}/, verify=server.certificate
    stop()

The site file is used as it is, with its placeholders replaced textually: the upstream's
`server 127.0.0.1:8000;` by one `server ...;` line per item of `upstreams` (an item may carry
nginx's parameters: "127.0.0.1:8001 max_fails=1 fail_timeout=5s"), `listen 443 ssl;` and
`listen 80;` by loopback ports (the IPv6 `listen [::]...` lines are dropped), the certificate
paths by a self-signed certificate for PUBLIC_HOST and 127.0.0.1 made with openssl, and
/srv/konsultasi/static by `static_root`. Around it, a small nginx.conf of our own (like
Debian's: the site is read inside `http { }`) keeps the pid file, logs and temporary files in
`tmp_path/nginx`. nginx runs in the foreground (`daemon off`) as a child of the test, so
`stop()` ends exactly that nginx (its master; the workers follow).

Missing nginx or openssl fails the test when CI is set and skips it elsewhere.
"""

import grp
import os
import pwd
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.machine import free_port, missing

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "deploy" / "nginx" / "konsultasi.conf"
STATIC_ROOT = ROOT / "static"
PUBLIC_HOST = "konsultasi.djpk.kemenkeu.go.id"
START_SECONDS = 15

UPSTREAM_LINE = "    server 127.0.0.1:8000;\n"
PLACEHOLDERS = (
    UPSTREAM_LINE,
    "listen 443 ssl;",
    "listen 80;",
    "/etc/ssl/konsultasi/fullchain.pem",
    "/etc/ssl/konsultasi/privkey.pem",
    "/srv/konsultasi/static",
)

WRAPPER = """\
{user}
daemon off;
worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/error.log info;
events {{
    worker_connections 256;
}}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    access_log {dir}/access.log;
    client_body_temp_path {dir}/temp/body;
    proxy_temp_path {dir}/temp/proxy;
    fastcgi_temp_path {dir}/temp/fastcgi;
    uwsgi_temp_path {dir}/temp/uwsgi;
    scgi_temp_path {dir}/temp/scgi;
    include {dir}/site.conf;
}}
"""


def nginx_binary() -> str:
    """Debian's /usr/sbin/nginx (or one on PATH); fails under CI, skips elsewhere, without."""
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if os.access("/usr/sbin/nginx", os.X_OK) else None)
    if not found:
        missing("nginx is not installed (apt-get install nginx)")
    if not shutil.which("openssl"):
        missing("openssl is not installed")
    return found


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    """(certificate, key) for PUBLIC_HOST and 127.0.0.1, made once per directory. The
    certificate is its own CA: pass it as `verify=`/`cafile=`."""
    cert, key = directory / "fullchain.pem", directory / "privkey.pem"
    if not cert.exists():
        directory.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"]
            + ["-nodes", "-days", "2", "-keyout", str(key), "-out", str(cert)]
            + ["-subj", f"/CN={PUBLIC_HOST}", "-addext", f"subjectAltName=DNS:{PUBLIC_HOST},IP:127.0.0.1"],
            check=True,
            capture_output=True,
        )
    return cert, key


def site_config(
    upstreams: list[str], static_root: Path, https_port: int, http_port: int, cert: Path, key: Path
) -> str:
    """The site file with its placeholders replaced (each must be there: a renamed one fails)."""
    text = SITE.read_text()
    for placeholder in PLACEHOLDERS:
        assert placeholder in text, f"{SITE.name} lost its placeholder {placeholder!r}"
    assert upstreams, "at least one upstream"
    servers = "".join(f"    server {address};\n" for address in upstreams)
    text = text.replace(UPSTREAM_LINE, servers)
    text = text.replace("listen 443 ssl;", f"listen 127.0.0.1:{https_port} ssl;")
    text = text.replace("listen 80;", f"listen 127.0.0.1:{http_port};")
    text = "".join(line for line in text.splitlines(keepends=True) if "listen [::]" not in line)
    text = text.replace("/etc/ssl/konsultasi/fullchain.pem", str(cert))
    text = text.replace("/etc/ssl/konsultasi/privkey.pem", str(key))
    return text.replace("/srv/konsultasi/static", str(Path(static_root).resolve()))


def write_config(
    directory: Path,
    upstreams: list[str],
    static_root: Path = STATIC_ROOT,
    ports: tuple[int, int] | None = None,
) -> tuple[Path, int, int, Path]:
    """nginx.conf and site.conf in `directory`: (nginx.conf, https port, http port, certificate)."""
    https_port, http_port = ports or (free_port(), free_port())
    cert, key = self_signed_certificate(directory / "tls")
    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (directory / "temp" / sub).mkdir(parents=True, exist_ok=True)
    (directory / "site.conf").write_text(
        site_config(upstreams, static_root, https_port, http_port, cert, key)
    )
    user = ""
    if os.geteuid() == 0:  # workers would otherwise become nobody, who cannot read tmp_path
        user = f"user {pwd.getpwuid(0).pw_name} {grp.getgrgid(0).gr_name};"
    conf = directory / "nginx.conf"
    conf.write_text(WRAPPER.format(user=user, dir=directory))
    return conf, https_port, http_port, cert


def check_config(conf: Path) -> subprocess.CompletedProcess:
    """`nginx -t` of a written configuration (returncode, and its verdict in stderr)."""
    return subprocess.run(
        [nginx_binary(), "-t", "-c", str(conf), "-p", str(conf.parent)],
        capture_output=True,
        text=True,
        timeout=30,
    )


@dataclass
class Nginx:
    """A running nginx; unpacks as (https_port, http_port, stop)."""

    https_port: int
    http_port: int
    stop: Callable[[], None]
    certificate: Path
    directory: Path
    process: subprocess.Popen = field(repr=False)

    def __iter__(self) -> Iterator:
        return iter((self.https_port, self.http_port, self.stop))

    @property
    def error_log(self) -> str:
        path = self.directory / "error.log"
        return path.read_text(errors="replace") if path.exists() else ""


def start_nginx(tmp_path: Path, upstreams: list[str], static_root: Path = STATIC_ROOT) -> Nginx:
    """nginx with the site file on two free loopback ports, ready to answer; see the module
    docstring. Call `stop()` when done (a fixture's finalizer): it is safe to call twice."""
    binary = nginx_binary()
    directory = Path(tmp_path) / "nginx"
    for _attempt in range(3):  # a free port may be taken between the check and nginx's bind
        conf, https_port, http_port, cert = write_config(directory, upstreams, static_root)
        (directory / "error.log").unlink(missing_ok=True)
        with open(directory / "stderr.log", "wb") as stderr:
            process = subprocess.Popen(
                [binary, "-c", str(conf), "-p", str(directory)],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
            )
        if _wait_listening(process, (https_port, http_port)):
            return Nginx(https_port, http_port, _stopper(process), cert, directory, process)
        _stopper(process)()
        error = (directory / "stderr.log").read_text(errors="replace")
        if "Address already in use" not in error:
            pytest.fail(f"nginx did not start:\n{error}")
    pytest.fail("nginx found no free ports")


def _wait_listening(process: subprocess.Popen, ports: tuple[int, ...]) -> bool:
    end = time.monotonic() + START_SECONDS
    while time.monotonic() < end:
        if process.poll() is not None:
            return False
        if all(_listening(port) for port in ports):
            return True
        time.sleep(0.05)  # waiting for another process: nothing to freeze
    return False


def _listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def _stopper(process: subprocess.Popen) -> Callable[[], None]:
    def stop() -> None:
        if process.poll() is None:
            process.send_signal(signal.SIGQUIT)  # graceful: the workers finish and exit
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)

    return stop
