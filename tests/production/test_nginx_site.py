"""deploy/nginx/konsultasi.conf in a real nginx: TLS, the redirect from http, the proxy
headers the app's PROXY_COUNT=1 expects, hashed static files from disk with a year's cache,
gzip, and the app's upload limit. The upstream is a small echo server that records what
nginx passes on."""

import gzip
import http.client
import os
import re
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from flask import url_for

from config import Config
from tests.production.nginx import PUBLIC_HOST, ROOT, check_config, start_nginx, write_config

PAGE = ("<!doctype html><title>echo</title>" + "<p>Konsultasi DJPK</p>" * 100).encode()


class Echo(BaseHTTPRequestHandler):
    """Answers every request with a page; keeps the path, headers and body size it got."""

    protocol_version = "HTTP/1.1"  # nginx keeps its upstream connections open

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        remaining = length
        while remaining:
            remaining -= len(self.rfile.read(min(remaining, 1 << 20)))
        self.server.seen.append({"path": self.path, "headers": dict(self.headers.items()), "length": length})
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(PAGE)))
        self.end_headers()
        self.wfile.write(PAGE)

    do_GET = do_POST = _answer

    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def upstream():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Echo)
    server.seen = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def nginx(tmp_path_factory, upstream):
    server = start_nginx(tmp_path_factory.mktemp("site"), [f"127.0.0.1:{upstream.server_address[1]}"])
    yield server
    server.stop()


def _request(port: int, method: str, path: str, *, tls: bool = True, cafile=None, headers=None, body=None):
    """(status, headers, raw body): http.client leaves gzip alone."""
    if tls:
        context = ssl.create_default_context(cafile=str(cafile))
        conn = http.client.HTTPSConnection("127.0.0.1", port, timeout=30, context=context)
    else:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, path, body=body, headers={"Host": PUBLIC_HOST, **(headers or {})})
        response = conn.getresponse()
        return response.status, response.headers, response.read()
    finally:
        conn.close()


def test_the_site_file_passes_nginx_t(tmp_path):
    conf, *_ = write_config(tmp_path, ["127.0.0.1:8000"])
    done = check_config(conf)
    assert done.returncode == 0, done.stderr
    assert "test is successful" in done.stderr


@pytest.mark.skipif(
    not os.access("/var/log/nginx", os.W_OK), reason="Debian's nginx.conf logs to /var/log/nginx"
)
def test_the_site_file_fits_debians_nginx_conf(tmp_path):
    """Debian's own http block (gzip on, its ssl_protocols...) with the site as sites-enabled."""
    debian = Path("/etc/nginx/nginx.conf").read_text()
    assert "include /etc/nginx/sites-enabled/*;" in debian
    conf, *_ = write_config(tmp_path, ["127.0.0.1:8000"])
    debian = debian.replace("include /etc/nginx/sites-enabled/*;", f"include {tmp_path}/site.conf;")
    debian = re.sub(r"(?m)^pid .*$", f"pid {tmp_path}/debian.pid;", debian)
    wrapper = tmp_path / "debian.conf"
    wrapper.write_text(debian)
    done = check_config(wrapper)
    assert done.returncode == 0, done.stderr


def test_hashed_static_files_come_from_disk_for_a_year_and_gzipped(app, nginx, upstream):
    with app.test_request_context():
        css = url_for("static", filename="css/app.css")
    assert re.fullmatch(r"/static/css/app\.[0-9a-f]{12}\.css", css)
    content = (ROOT / "static" / "css" / "app.css").read_bytes()
    before = len(upstream.seen)
    status, headers, body = _request(nginx.https_port, "GET", css, cafile=nginx.certificate)
    assert status == 200 and body == content
    assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert headers["Content-Type"].startswith("text/css")
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "Strict-Transport-Security" in headers
    headers_gzip = {"Accept-Encoding": "gzip"}
    status, headers, body = _request(
        nginx.https_port, "GET", css, cafile=nginx.certificate, headers=headers_gzip
    )
    assert status == 200 and headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in headers["Vary"]
    assert gzip.decompress(body) == content
    assert len(upstream.seen) == before, "static files never reach the app"


def test_plain_static_names_have_a_short_cache(nginx):
    status, headers, body = _request(nginx.https_port, "GET", "/static/js/app.js", cafile=nginx.certificate)
    assert status == 200 and body == (ROOT / "static" / "js" / "app.js").read_bytes()
    assert headers["Cache-Control"] == "public, max-age=600"


def test_missing_or_outside_static_files_are_not_served(nginx, upstream):
    status, headers, _ = _request(
        nginx.https_port, "GET", "/static/css/missing.0123456789ab.css", cafile=nginx.certificate
    )
    assert status == 404 and "immutable" not in headers.get("Cache-Control", "")
    for path in ("/static/..%2fconfig.py", "/static/css/..%2f..%2fconfig.0123456789ab.py"):
        status, _, body = _request(nginx.https_port, "GET", path, cafile=nginx.certificate)
        # nginx resolves the dots (/config.py is no static file) and passes the request to
        # the app as it came, which answers 404 (tests/ops/test_static_files.py).
        assert b"SECRET_KEY" not in body and upstream.seen[-1]["path"] == path


def test_http_redirects_to_https(nginx):
    status, headers, _ = _request(nginx.http_port, "GET", "/masuk?next=%2Fakun", tls=False)
    assert status == 301
    assert headers["Location"] == f"https://{PUBLIC_HOST}/masuk?next=%2Fakun"


def test_the_app_gets_the_headers_proxy_count_1_expects(nginx, upstream):
    sent = {
        "X-Forwarded-For": "203.0.113.9",  # a client's claim: nginx appends the real address
        "X-Forwarded-Host": "attacker.example",
        "X-Forwarded-Proto": "http",
        "X-Request-ID": "client-chosen",
        "Accept-Encoding": "gzip",
    }
    status, headers, body = _request(
        nginx.https_port, "GET", "/masuk", cafile=nginx.certificate, headers=sent
    )
    assert status == 200 and headers["Content-Encoding"] == "gzip" and gzip.decompress(body) == PAGE
    seen = {name.lower(): value for name, value in upstream.seen[-1]["headers"].items()}
    assert seen["host"] == PUBLIC_HOST
    assert seen["x-forwarded-proto"] == "https"
    assert seen["x-forwarded-for"] == "203.0.113.9, 127.0.0.1"  # ProxyFix takes the last
    assert re.fullmatch(r"[0-9a-f]{32}", seen["x-request-id"])
    assert "x-forwarded-host" not in seen


def test_bodies_over_the_apps_limit_get_413(nginx, upstream):
    limit = Config.MAX_CONTENT_LENGTH
    headers = {"Content-Type": "application/octet-stream"}
    status, _, _ = _request(
        nginx.https_port, "POST", "/upload", cafile=nginx.certificate, headers=headers, body=b"x" * limit
    )
    assert status == 200 and upstream.seen[-1]["length"] == limit
    before = len(upstream.seen)
    conn = http.client.HTTPSConnection(
        "127.0.0.1",
        nginx.https_port,
        timeout=30,
        context=ssl.create_default_context(cafile=str(nginx.certificate)),
    )
    try:  # nginx answers from the Content-Length alone: no need to send the body
        conn.putrequest("POST", "/upload", skip_host=True)
        conn.putheader("Host", PUBLIC_HOST)
        conn.putheader("Content-Length", str(limit + 1))
        conn.endheaders()
        response = conn.getresponse()
        assert response.status == 413
        response.read()
    finally:
        conn.close()
    assert len(upstream.seen) == before
