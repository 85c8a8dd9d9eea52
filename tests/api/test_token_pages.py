"""Making and revoking tokens on the pages: the second factor first, the token shown once,
only the owner (or, for integration tokens, an administrator) may revoke, scopes as the role
allows."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.api.models import ApiToken, TokenKind
from app.api.tokens import digest
from app.auth.models import Role
from app.core.audit import AuditLog
from app.extensions import db
from tests import factories
from tests.api.helpers import bearer
from tests.conftest import AuthActions
from tests.people import frozen_at

NOW = datetime(2026, 12, 8, 2, 10, tzinfo=UTC)
frozen = frozen_at(NOW)
SECRET = re.compile(r'id="token-baru">(kdjpk_[A-Za-z0-9_-]{43})<')


def _tokens() -> list[ApiToken]:
    db.session.expire_all()
    return list(db.session.scalars(select(ApiToken).order_by(ApiToken.id)))


def _create(client, url="/akun/token-api", **form):
    data = {"name": "Skrip rekap", "scopes": ["requests:read"], "days": "90", **form}
    return client.post(url, data=data)


def test_a_pemda_without_the_second_factor_is_sent_to_turn_it_on(client, auth, frozen):
    operator = factories.pemda_user(mfa=False)
    db.session.commit()
    auth.login(operator)
    page = client.get("/akun/token-api").get_data(as_text=True)
    assert "/akun/verifikasi-dua-langkah" in page and 'name="name"' not in page
    assert _create(client).status_code == 200 and _tokens() == []


def test_a_token_is_shown_once_and_only_its_hash_kept(client, auth, frozen):
    operator = factories.pemda_user(mfa=True)
    db.session.commit()
    auth.login(operator)
    response = _create(client, scopes=["requests:read", "sessions:read"])
    assert response.headers["Cache-Control"] == "no-store"
    secret = SECRET.search(response.get_data(as_text=True)).group(1)
    [token] = _tokens()
    assert token.token_hash == digest(secret) and token.owner_id == operator.id
    assert token.scopes == ["requests:read", "sessions:read"] and token.kind == TokenKind.PERSONAL
    assert token.expires_at == NOW + timedelta(days=90)
    listing = client.get("/akun/token-api").get_data(as_text=True)
    assert token.prefix in listing and secret not in listing
    assert client.get("/api/v1/requests", headers=bearer(secret)).status_code == 200
    assert [a.action for a in db.session.scalars(select(AuditLog))].count("api_token.created") == 1


def test_a_stale_login_confirms_the_second_factor_before_a_token_is_made(client, auth, frozen, app):
    operator = factories.pemda_user(mfa=True)
    db.session.commit()
    auth.login(operator)
    frozen.move_to(NOW + timedelta(minutes=app.config["REAUTH_MINUTES"] + 1))
    response = _create(client)
    assert response.status_code == 302 and "/masuk/konfirmasi" in response.headers["Location"]
    assert _tokens() == []


@pytest.mark.parametrize("scopes", [["reports:read"], ["breaches:read", "reports:read"], [], ["tidak-ada"]])
def test_a_scope_the_role_may_not_hold_is_refused(client, auth, frozen, scopes):
    operator = factories.pemda_user(mfa=True)
    db.session.commit()
    auth.login(operator)
    response = _create(client, scopes=scopes)
    assert response.status_code == 200 and "Token belum dibuat" in response.get_data(as_text=True)
    assert _tokens() == []


def test_the_name_is_required_and_bounded(client, auth, frozen):
    operator = factories.pemda_user(mfa=True)
    db.session.commit()
    auth.login(operator)
    assert "Isi nama token." in _create(client, name="   ").get_data(as_text=True)
    assert "paling panjang 100" in _create(client, name="x" * 101).get_data(as_text=True)
    assert _tokens() == []


def test_only_the_owner_revokes_a_personal_token(app, client, auth, frozen):
    owner = factories.pemda_user(mfa=True)
    other = factories.pemda_user(factories.BALIKPAPAN, mfa=True)
    db.session.commit()
    auth.login(owner)
    secret = SECRET.search(_create(client).get_data(as_text=True)).group(1)
    [token] = _tokens()
    intruder = app.test_client()
    AuthActions(intruder).login(other)
    assert intruder.post(f"/akun/token-api/{token.id}/cabut").status_code == 404
    assert _tokens()[0].revoked_at is None
    assert client.post(f"/akun/token-api/{token.id}/cabut").status_code == 302
    assert _tokens()[0].revoked_at == NOW
    assert client.get("/api/v1/requests", headers=bearer(secret)).status_code == 401


def test_an_administrator_makes_an_integration_token_for_a_coordinator(client, auth, frozen):
    admin = factories.user(Role.ADMIN)
    coordinator = factories.user(Role.COORDINATOR, email="crm@djpk.go.id")
    pemda = factories.pemda_user(email="operator@brebeskab.go.id")
    db.session.commit()
    auth.login(admin)
    url = "/admin/integrasi"
    assert "Tidak ada akun aktif" in _create(client, url, owner_email="siapa@djpk.go.id").get_data(
        as_text=True
    )
    refused = _create(client, url, owner_email=pemda.email, scopes=["reports:read"]).get_data(as_text=True)
    assert "tidak boleh memegang cakupan: reports:read" in refused
    assert _tokens() == []
    made = _create(
        client,
        url,
        name="CRM Contact Center",
        owner_email="CRM@djpk.go.id",
        scopes=["requests:read", "reports:read"],
    )
    secret = SECRET.search(made.get_data(as_text=True)).group(1)
    [token] = _tokens()
    assert (
        token.kind == TokenKind.INTEGRATION
        and token.owner_id == coordinator.id
        and token.created_by_id == admin.id
    )
    assert "CRM Contact Center" in client.get(url).get_data(as_text=True)
    assert client.get("/api/v1/requests", headers=bearer(secret)).status_code == 200
    assert client.post(f"/admin/integrasi/{token.id}/cabut").status_code == 302
    assert client.get("/api/v1/requests", headers=bearer(secret)).status_code == 401


def test_a_personal_token_cannot_be_revoked_from_the_integration_page(client, auth, frozen):
    admin = factories.user(Role.ADMIN)
    owner = factories.pemda_user(mfa=True)
    db.session.commit()
    from app.api import tokens

    personal, _secret = tokens.create_token(owner, name="Skrip", scopes=["requests:read"], days=30)
    db.session.commit()
    auth.login(admin)
    assert client.post(f"/admin/integrasi/{personal.id}/cabut").status_code == 404
    assert client.post(f"/akun/token-api/{personal.id}/cabut").status_code == 404
    assert _tokens()[0].revoked_at is None


def test_without_a_csrf_token_nothing_is_made(app, client, auth, frozen, monkeypatch):
    operator = factories.pemda_user(mfa=True)
    db.session.commit()
    auth.login(operator)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    assert _create(client).status_code == 400
    assert _tokens() == []
