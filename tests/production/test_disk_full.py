"""The disk the web server writes to fills up, or turns read-only, under a production server.

What the application still writes to disk: an upload over 500 KB is spooled to TMPDIR while
the request is read (werkzeug), and each worker's metrics go to files in
PROMETHEUS_MULTIPROC_DIR. Each is a small tmpfs of the test's own here (mounted by the test,
which needs root). The metrics disk is full before the server starts; the upload disk is
filled to the last byte, then emptied and remounted read-only, then writable again.

A Pemda's request with a 600 KB letter then answers 503 with a page that says files cannot be
received now and the form was not saved, and no request row is made; every page keeps
answering, no worker dies (the metrics are skipped, logged once per worker); once there is
room again the same request goes through, without a restart.
"""

import os
import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.files import pdf
from tests.machine import missing
from tests.production.cluster import (
    PEMDA_EMAIL,
    Browser,
    PrivateRedis,
    ScratchDatabase,
    Target,
    WebServer,
    production_env,
    request_form,
    set_up,
)

pytestmark = pytest.mark.postgres

PEMDA_PASSWORD = "disk-penuh-2026"
LETTER = pdf(note="x" * 600_000)  # over werkzeug's 500 KB in memory: spooled to TMPDIR
TMPFS_SIZE = "4m"


class SmallDisk:
    """A tmpfs of TMPFS_SIZE mounted on a folder of its own."""

    def __init__(self):
        self.path = Path(tempfile.mkdtemp(prefix="konsultasi-disk-"))
        done = self._mount("-t", "tmpfs", "-o", f"size={TMPFS_SIZE},mode=1777", "tmpfs")
        if done.returncode != 0:
            self.path.rmdir()
            missing(f"cannot mount a tmpfs (needs root and CAP_SYS_ADMIN): {done.stderr.strip()}")
        (self.path / "tmp").mkdir(mode=0o1777)

    def _mount(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(["mount", *args, str(self.path)], capture_output=True, text=True, timeout=30)

    def fill(self) -> None:
        """Write until the disk says it is full."""
        with open(self.path / "filler", "wb") as out:
            try:
                while True:
                    out.write(b"\0" * 65536)
                    out.flush()
            except OSError as exc:
                assert exc.errno == 28, exc  # ENOSPC

    def read_only(self, on: bool) -> None:
        done = self._mount("-o", "remount," + ("ro" if on else "rw"))
        assert done.returncode == 0, done.stderr

    def empty(self) -> None:
        (self.path / "filler").unlink(missing_ok=True)

    def unmount(self) -> None:
        subprocess.run(["umount", "-l", str(self.path)], capture_output=True, timeout=30)
        self.path.rmdir()


@dataclass
class Stack:
    server: WebServer
    disk: SmallDisk
    database: ScratchDatabase

    @property
    def target(self) -> Target:
        return Target.direct(self.server, "10.1.0.1")

    def requests_made(self) -> int:
        return self.database.scalar("SELECT count(*) FROM consultation_requests")


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    base_url = os.environ.get("TEST_DATABASE_URL")
    if not base_url:
        missing("needs PostgreSQL: set TEST_DATABASE_URL")
    if os.geteuid() != 0:
        missing("mounting the test's small disk needs root")
    folder = tmp_path_factory.mktemp("disk-full")
    disk, metrics_disk = SmallDisk(), SmallDisk()
    metrics_disk.fill()
    redis_server = PrivateRedis(folder / "redis")
    database = ScratchDatabase(base_url, "_disk_full")
    database.create()
    server = None
    try:
        env = production_env(database.url, redis_server.url, 9, folder / "setup")  # no email sent
        set_up(env, PEMDA_PASSWORD)
        env["TMPDIR"] = str(disk.path / "tmp")
        server = WebServer("web", env, folder / "web", metrics=metrics_disk.path / "metrics")
        server.wait_ready()
        yield Stack(server, disk, database)
    finally:
        if server is not None:
            server.stop()
        redis_server.stop()
        database.drop()
        disk.unmount()
        metrics_disk.unmount()


def _send_request(stack: Stack, browser: Browser):
    page = browser.get(stack.target, "/permohonan/baru")
    assert page.status_code == 200, page.text
    upload = {"letter_file": ("surat permohonan.pdf", LETTER, "application/pdf")}
    return browser.post(stack.target, "/permohonan/baru", data=request_form(page.text), files=upload)


def test_a_full_or_read_only_disk_refuses_uploads_clearly_and_keeps_nothing(stack):
    browser = Browser(user_agent="disk-full-operator")
    try:
        assert browser.login(stack.target, stack.target, PEMDA_EMAIL, PEMDA_PASSWORD).status_code == 302
        for state in ("full", "read-only"):
            if state == "full":
                stack.disk.fill()
            else:
                stack.disk.empty()
                stack.disk.read_only(True)
            refused = _send_request(stack, browser)
            assert refused.status_code == 503, (state, refused.status_code, refused.text[:2000])
            assert "tidak dapat menerima berkas" in refused.text, refused.text
            assert "Formulir Anda belum tersimpan" in refused.text
            assert stack.requests_made() == 0, state
            dashboard = browser.get(stack.target, "/permohonan/")
            assert dashboard.status_code == 200, (state, dashboard.status_code)
        stack.disk.read_only(False)
        sent = _send_request(stack, browser)
        assert sent.status_code == 302, re.findall(r'class="invalid-feedback[^"]*"[^>]*>([^<]+)', sent.text)
        assert stack.requests_made() == 1
    finally:
        browser.close()
    log = stack.server.text()
    assert log.count("storage unavailable (OSError)") == 2, log[-5000:]
    assert (
        '"status": 500' not in log
        and "SIGBUS" not in log
        and "Booting worker" not in log.split("Control socket")[-1]
    )
    assert 1 <= log.count("metrics could not be written") <= 2  # once per worker
