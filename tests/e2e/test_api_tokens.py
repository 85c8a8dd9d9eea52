"""API tokens in Debian's chromium: a Pemda operator with the second factor makes a personal
token from the account page, a program calls the API with it, and the operator revokes it; an
administrator makes an integration token for the CRM acting as a coordinator, and revokes it.
The API reference page renders the OpenAPI document with the Swagger UI served from static/."""

import json
import re
import urllib.error
import urllib.request
from datetime import UTC, datetime

import pytest
import time_machine
from sqlalchemy import select

from app.api.models import ApiToken, TokenKind
from app.auth.models import Role
from app.domain.policy import Mode
from app.extensions import db
from tests import factories
from tests.e2e.helpers import login, shot, submit, summary_has_focus

pytestmark = pytest.mark.e2e

NOW = datetime(2026, 12, 8, 2, 0, 5, tzinfo=UTC)  # Tuesday 8 December 2026, 09:00 WIB


def _call(base: str, path: str, secret: str) -> tuple[int, dict]:
    request = urllib.request.Request(f"{base}{path}", headers={"Authorization": f"Bearer {secret}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def _tokens() -> list[ApiToken]:
    db.session.expire_all()
    return list(db.session.scalars(select(ApiToken).order_by(ApiToken.id)))


def test_a_pemda_operator_makes_uses_and_revokes_a_personal_token(live_server, browser_page):
    with time_machine.travel(NOW, tick=True):
        operator = factories.pemda_user(name="Operator Brebes", email="operator@brebeskab.go.id", mfa=True)
        req = factories.consultation(operator, mode=Mode.VC, agenda="Konsultasi DAU 2027")
        db.session.commit()
        page = browser_page
        login(page, live_server, operator.email)
        page.goto(f"{live_server}/akun")
        with page.expect_navigation():
            page.click("text=Kelola token API")
        submit(page, "#submit")  # nothing filled in
        summary_has_focus(page, "Isi nama token.", "Pilih paling sedikit satu cakupan.")
        assert _tokens() == []
        page.fill("#name", "Skrip rekap Bappeda")
        page.check("input[name=scopes][value='requests:read']")
        page.select_option("#days", "30")
        shot(page, "api-token-form-phone")
        submit(page, "#submit")
        secret = page.inner_text("#token-baru").strip()
        assert re.fullmatch(r"kdjpk_[A-Za-z0-9_-]{43}", secret)
        shot(page, "api-token-created-phone")
        status, body = _call(live_server, "/api/v1/requests", secret)
        assert status == 200 and [r["id"] for r in body["items"]] == [req.id]
        status, body = _call(live_server, "/api/v1/breaches", secret)
        assert status == 403 and "breaches:read" in body["detail"]
        with page.expect_navigation():
            page.click("main a.btn-primary")  # "Done": back to the list
        row = page.locator("#daftar-token tr[data-token]")
        assert row.count() == 1 and "Skrip rekap Bappeda" in row.inner_text() and secret not in page.content()
        submit(page, "#daftar-token form button[type=submit]")
        assert "telah dicabut" in page.inner_text("main")
        assert _tokens()[0].revoked_at is not None
        assert _call(live_server, "/api/v1/requests", secret)[0] == 401


def test_an_administrator_makes_and_revokes_an_integration_token(live_server, browser_page):
    with time_machine.travel(NOW, tick=True):
        admin = factories.user(Role.ADMIN, name="Adi Admin", email="admin@djpk.go.id")
        factories.user(Role.COORDINATOR, name="CRM Contact Center", email="crm@djpk.go.id")
        db.session.commit()
        page = browser_page
        page.set_viewport_size({"width": 1366, "height": 900})
        login(page, live_server, admin.email)
        page.goto(f"{live_server}/admin/integrasi")
        page.fill("#name", "CRM Contact Center")
        page.fill("#owner_email", "tidak-ada@djpk.go.id")
        page.check("input[name=scopes][value='sessions:read']")
        submit(page, "#submit")
        summary_has_focus(page, "Tidak ada akun aktif dengan email ini.")
        page.fill("#owner_email", "crm@djpk.go.id")
        page.check("input[name=scopes][value='sessions:read']")
        page.check("input[name=scopes][value='reports:read']")
        submit(page, "#submit")
        secret = page.inner_text("#token-baru").strip()
        shot(page, "api-integration-created-desktop")
        [token] = _tokens()
        assert token.kind == TokenKind.INTEGRATION and token.scopes == ["sessions:read", "reports:read"]
        status, body = _call(live_server, "/api/v1/reports/monthly/2026-11", secret)
        assert status == 200 and body["month"] == "2026-11"
        page.goto(f"{live_server}/admin/integrasi")
        submit(page, "#daftar-token form button[type=submit]")
        assert _tokens()[0].revoked_at is not None
        assert _call(live_server, "/api/v1/sessions?start=2026-12-01&end=2026-12-31", secret)[0] == 401


def test_the_api_reference_renders_from_static_files(live_server, chromium):
    """Swagger UI's own markup is not ours to fix, so this page is checked for what it must do
    (load only from this site, show every operation) rather than by the page audit."""
    context = chromium.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    blocked, outside = [], []
    page.on("console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(live_server) else None)
    try:
        page.goto(f"{live_server}/api/v1/docs")
        page.wait_for_selector(".opblock-summary-path", timeout=15_000)
        paths = set(page.locator(".opblock-summary-path").all_inner_texts())
        assert {"/api/v1/requests", "/api/v1/sessions", "/api/v1/breaches"} <= {p.strip() for p in paths}
        shot(page, "api-reference-desktop")
    finally:
        context.close()
    assert blocked == [] and outside == []
