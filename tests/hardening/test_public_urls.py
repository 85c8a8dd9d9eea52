"""Every absolute link comes from PUBLIC_URL, never from the request (host header poisoning).

A `POST /lupa-kata-sandi` with `Host: attacker.example` used to email the victim
`http://attacker.example/atur-ulang-kata-sandi/<token>`: whoever clicks it hands the token to
the attacker. app.core.urls.public_url_for() builds every absolute link from PUBLIC_URL.
"""

import ast
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from app.core.urls import public_url_for
from app.extensions import db
from app.outbox.models import OutboxMessage
from tests import factories

ROOT = Path(__file__).resolve().parents[2]
PUBLIC = "https://konsultasi.djpk.kemenkeu.go.id"
LINK = re.compile(r"https?://[^\s\"'<>]+")


def _external_calls_in_python() -> list[str]:
    found = []
    for path in sorted((ROOT / "app").rglob("*.py")):
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and any(k.arg == "_external" for k in node.keywords):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_no_code_builds_links_from_the_request_host():
    # url_for(..., _external=True) takes the scheme and host from the request: use
    # app.core.urls.public_url_for() instead.
    assert _external_calls_in_python() == []
    in_templates = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in sorted((ROOT / "templates").rglob("*"))
        if path.is_file()
        for n, line in enumerate(path.read_text(errors="replace").splitlines(), 1)
        if re.search(r"_external\s*=\s*True", line)
    ]
    assert in_templates == []
    # Nor from the request's own base (comparing request.host, as mfa_flow does, is fine).
    for name in ("host_url", "url_root"):
        hits = [p for p in (ROOT / "app").rglob("*.py") if re.search(r"\b" + name + r"\b", p.read_text())]
        assert hits == [], f"{name} in {hits}: absolute links come from PUBLIC_URL"


@pytest.fixture
def public(app, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_URL", PUBLIC + "/")  # a trailing slash too
    return PUBLIC


def _reset_links(email: str) -> list[str]:
    db.session.expire_all()
    rows = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "auth/reset_password")).all()
    bodies = [m.text_body + m.html_body for m in rows if email in m.recipients]
    assert bodies, "no reset email"
    return [link for body in bodies for link in LINK.findall(body) if "/atur-ulang-kata-sandi/" in link]


@pytest.mark.parametrize(
    "headers",
    [
        {"Host": "attacker.example"},
        {"X-Forwarded-Host": "attacker.example", "X-Forwarded-Proto": "http"},
        {"Host": "attacker.example", "X-Forwarded-Host": "attacker.example"},
    ],
)
def test_the_reset_link_ignores_a_forged_host(app, client, public, headers):
    user = factories.pemda_user(email="siti@brebeskab.go.id")
    db.session.commit()
    response = client.post("/lupa-kata-sandi", data={"email": user.email}, headers=headers)
    assert response.status_code == 302
    links = _reset_links(user.email)
    assert links and all(link.startswith(f"{public}/atur-ulang-kata-sandi/") for link in links), links
    assert "attacker" not in " ".join(links)


def test_public_url_for_inside_and_outside_a_request(app, public):
    # Outside a request (a scheduler job, a CLI command) Flask alone cannot build the URL.
    assert public_url_for("auth.login") == f"{public}/masuk"
    assert public_url_for("verification.verify", kode="ABC", qr=1) == f"{public}/verifikasi?kode=ABC&qr=1"
    with app.test_request_context("/", base_url="http://attacker.example/sub/"):
        assert public_url_for("auth.login") == f"{public}/masuk"
        assert public_url_for("auth.login", _external=True, _scheme="http") == f"{public}/masuk"


def test_public_url_may_have_a_path(app, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_URL", "https://www.djpk.kemenkeu.go.id/konsultasi")
    assert public_url_for("auth.login") == "https://www.djpk.kemenkeu.go.id/konsultasi/masuk"
    with app.test_request_context("/masuk", headers={"Host": "attacker.example"}):
        assert public_url_for("auth.login") == "https://www.djpk.kemenkeu.go.id/konsultasi/masuk"


def test_the_calendar_feed_address_shown_ignores_a_forged_host(app, client, public):
    from app.invites.routes import feed_links

    class Row:
        token = "abc123"

    with app.test_request_context("/", headers={"Host": "attacker.example"}):
        links = feed_links(Row())
    assert links == {
        "url": f"{public}/kalender/abc123.ics",
        "webcal": "webcal://konsultasi.djpk.kemenkeu.go.id/kalender/abc123.ics",
    }


def test_the_qr_code_link_ignores_a_forged_host(app, public):
    from app.attendance.qr import verification_link

    req = factories.consultation(factories.pemda_user())
    req.booking_code = "ABCDEFGHJK"
    with app.test_request_context("/", headers={"Host": "attacker.example"}):
        link = verification_link(req)
    assert link.startswith(f"{public}/verifikasi?kode=") and link.endswith("&qr=1")
