"""End-to-end fixtures: the app served on loopback in a thread, Debian's chromium driven by
Playwright (never a downloaded browser), and the outside validators (tests/e2e/audit.py) run
on every page a test visits: a finding fails the test."""

import os
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.e2e.audit import Audited, PageAudit
from tests.e2e.coverage import COVERAGE
from tests.e2e.validators import NuChecker

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


@pytest.fixture
def live_server(app):
    """The session app served on a free loopback port for the length of one test."""
    stop_listening = COVERAGE.listen(app)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}"
    # Links in email (which a journey opens) come from PUBLIC_URL: this server's address.
    public_url = app.config["PUBLIC_URL"]
    app.config["PUBLIC_URL"] = url
    try:
        yield url
    finally:
        app.config["PUBLIC_URL"] = public_url
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        stop_listening()


@pytest.fixture(autouse=True)
def _csrf_as_in_production(request, monkeypatch):
    """A browser sends the CSRF token the page holds: the check is on, as in production."""
    if "app" in request.fixturenames:
        monkeypatch.setitem(request.getfixturevalue("app").config, "WTF_CSRF_ENABLED", True)


@pytest.fixture(scope="session")
def nu_checker():
    checker = NuChecker()
    yield checker
    checker.close()


@pytest.fixture(scope="session")
def chromium():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"chromium not found at {CHROMIUM}; .ci/run installs Debian's chromium")
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page_audit():
    """Set by browser_page; a test may call .check() after a change made without navigation."""
    return {}


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    # Keeps each phase's report on the test, so that a fixture can tell a failed test.
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def browser_page(request, app, chromium, nu_checker, page_audit):
    """A phone-sized page (390 px, the width of most phones in use); every page it shows is
    checked by axe-core, the Nu HTML Checker and for sideways overflow when the test ends."""
    context = chromium.new_context(viewport=PHONE, locale="id-ID")
    page = context.new_page()
    page.set_default_timeout(15_000)
    audit = PageAudit(page, nu_checker, on_forms=lambda url, forms: COVERAGE.saw(app, url, forms))
    audit.install()

    # Chromium reports what the Content-Security-Policy blocked (an inline script or style, an
    # on*="" handler) in the console only: each report is a finding.
    def csp_report(message) -> None:
        if "Content Security Policy" in message.text:
            audit.findings.append(f"CSP at {page.url}: {message.text}")

    page.on("console", csp_report)
    page_audit["audit"] = audit
    try:
        yield Audited(page, audit)
        call = getattr(request.node, "report_call", None)
        # A test that failed already says what went wrong; its page may be half loaded.
        findings = audit.finish() if call is not None and call.passed else []
        if call is not None and call.passed:
            COVERAGE.tests.add(request.node.nodeid)
    finally:
        context.close()
    if findings:
        listed = "\n".join(findings)
        pytest.fail(
            f"{len(findings)} finding(s) of the outside validators on {len(audit.pages)} pages:\n{listed}"
        )
