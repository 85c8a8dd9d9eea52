"""Every response carries the security headers (app/core/headers.py), and the templates keep
to what the Content-Security-Policy allows: no inline script, no on*="" handler, no inline
style (a policy with 'unsafe-inline' would let an injected <script> run)."""

import re
from pathlib import Path

import pytest

from app.auth.models import Role
from app.core.headers import CONTENT_SECURITY_POLICY
from app.extensions import db
from app.outbox.routes import PREVIEW_POLICY
from tests import factories

ROOT = Path(__file__).resolve().parents[2]


def _policy(response) -> dict[str, str]:
    directives = (d.strip().split(" ", 1) for d in response.headers["Content-Security-Policy"].split(";"))
    return {d[0]: d[1] if len(d) > 1 else "" for d in directives}


def test_every_page_has_the_security_headers(client):
    response = client.get("/masuk")
    policy = _policy(response)
    assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'"
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert "unsafe-eval" not in response.headers["Content-Security-Policy"]
    assert policy["frame-ancestors"] == "'none'" and policy["object-src"] == "'none'"
    assert policy["base-uri"] == "'self'" and policy["form-action"] == "'self'"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    features = response.headers["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
        assert feature in features
    # HSTS only in production (tests/hardening/test_production_config.py): here http is fine.
    assert "Strict-Transport-Security" not in response.headers


def test_error_pages_have_them_too(client):
    response = client.get("/tidak-ada")
    assert response.status_code == 404
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_only_the_front_desk_scan_page_may_use_the_camera(app, client, auth):
    desk = factories.user(Role.RECEPTIONIST)
    db.session.commit()
    auth.login(desk)
    assert "camera=(self)" in client.get("/resepsionis/").headers["Permissions-Policy"]
    for url in ("/resepsionis/tanpa-jadwal", "/akun", "/"):
        response = client.get(url)
        assert response.status_code in (200, 302)
        assert "camera=()" in response.headers["Permissions-Policy"], url


def test_signed_in_pages_are_never_stored_but_static_files_may_be(app, client, auth):
    anonymous = client.get("/masuk")
    assert "no-store" not in anonymous.headers.get("Cache-Control", "")
    auth.login(factories.pemda_user())
    for url in ("/permohonan/", "/akun", "/tidak-ada"):
        response = client.get(url)
        assert "no-store" in response.headers.get("Cache-Control", ""), url
    with client.get("/static/css/app.css") as static:
        assert static.status_code == 200
        assert "no-store" not in static.headers.get("Cache-Control", "")
    assert client.get("/masuk").headers["Cache-Control"] == "no-store"  # any page, once signed in


def test_a_route_with_its_own_policy_keeps_it(app, client, auth):
    # The outbox's email preview allows inline style inside its sandboxed iframe only.
    from app.outbox.services import add_message

    admin = factories.user(Role.ADMIN)
    message = add_message(
        recipients=["siti@brebeskab.go.id"],
        subject="Uji",
        text_body="Halo",
        html_body="<p style='color:red'>Halo</p>",
        kind="test/preview",
        dedupe_key="test:preview",
    )
    db.session.commit()
    auth.login(admin)
    response = client.get(f"/admin/email/{message.id}")
    assert response.status_code == 200
    assert response.headers["Content-Security-Policy"] == PREVIEW_POLICY
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"


def _template_lines():
    for path in sorted((ROOT / "templates").rglob("*.html")):
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith("templates/email/"):
            continue  # email HTML is shown only in the outbox's sandboxed preview (its own policy)
        for n, line in enumerate(path.read_text().splitlines(), 1):
            yield f"{rel}:{n}", line


@pytest.mark.parametrize(
    ("what", "pattern"),
    [
        ("an inline <script>", re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)),
        ("an on*= handler", re.compile(r"<[^>]*\son[a-z]+\s*=", re.I)),
        ("an on*= handler given to a field", re.compile(r"\(.*\bon[a-z]+_?\s*=\s*['\"]", re.I)),
        ("a javascript: link", re.compile(r"javascript:", re.I)),
        ("a style attribute", re.compile(r"<[^>]*\sstyle\s*=", re.I)),
        ("a style given to a field", re.compile(r"\(.*\bstyle_?\s*=", re.I)),
        ("a <style> block", re.compile(r"<style\b", re.I)),
    ],
)
def test_templates_need_no_unsafe_inline(what, pattern):
    found = [where for where, line in _template_lines() if pattern.search(line)]
    assert found == [], f"{what} is blocked by the Content-Security-Policy: {found}"
