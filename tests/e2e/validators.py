"""The outside validators the browser journeys run on every page they visit.

- axe-core (Deque, WCAG 2.1 A and AA rules) runs inside the page, on the document as the
  person sees it at the moment they leave it (or at the end of the test).
- The Nu HTML Checker (vnu-jar, the W3C's validator) checks the HTML the server sent: one
  checker process serves the whole session over HTTP on loopback.
- Mozilla's ical.js (Thunderbird's calendar parser) parses calendar files, through
  tests/js/parse_ics.mjs.

All three come from the npm registry (package.json, pinned; `npm ci`), Java from Debian. When
one is missing the test skips locally and fails under CI.
"""

import json
import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NODE_MODULES = ROOT / "node_modules"
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def missing(what: str) -> None:
    """Skip locally, fail under CI: the checks are part of the suite there."""
    message = f"{what} is not installed: run `npm ci` (and apt-get install default-jre-headless)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def axe_source() -> str:
    if not AXE_JS.exists():
        missing("axe-core (node_modules/axe-core)")
    return AXE_JS.read_text(encoding="utf-8")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class NuChecker:
    """The Nu HTML Checker as a local web service (nu.validator.servlet.Main)."""

    def __init__(self) -> None:
        java = shutil.which("java")
        if not java or not VNU_JAR.exists():
            missing("the Nu HTML Checker (java, node_modules/vnu-jar)")
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}/?out=json&level=error"
        self.process = subprocess.Popen(
            [java, "-Xss1024k", "-Dnu.validator.servlet.bind-address=127.0.0.1", "-cp", str(VNU_JAR)]
            + ["nu.validator.servlet.Main", str(self.port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self._wait_until_ready()
        self._cache: dict[int, list[str]] = {}

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail("the Nu HTML Checker exited at start")
            try:
                self.check("<!doctype html><html lang=en><title>x</title></html>")
                return
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.3)
        pytest.fail("the Nu HTML Checker did not start within 60 s")

    def check(self, html: str) -> list[str]:
        """The checker's errors for one document, as readable lines."""
        key = hash(html)
        if key in getattr(self, "_cache", {}):
            return self._cache[key]
        body = html.encode("utf-8")
        req = urllib.request.Request(
            self.url, data=body, headers={"Content-Type": "text/html; charset=utf-8"}, method="POST"
        )
        with urllib.request.urlopen(req, timeout=60) as response:
            result = json.load(response)
        errors = []
        lines = html.splitlines()
        for message in result.get("messages", []):
            if message.get("type") != "error" and message.get("subType") != "fatal":
                continue
            line = message.get("lastLine") or message.get("firstLine")
            source = lines[line - 1].strip()[:160] if line and line <= len(lines) else ""
            errors.append(f"line {line}: {message.get('message')} | {source}")
        if hasattr(self, "_cache"):
            self._cache[key] = errors
        return errors

    def close(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:  # pragma: no cover - a stuck JVM
            self.process.kill()
