"""Production refuses to start with an unsafe configuration, and once started it answers only
its own host name, with the security headers, and emails links to PUBLIC_URL whatever Host or
X-Forwarded-Host a request carries."""

import re

import pytest
from flask.sessions import SecureCookieSessionInterface
from sqlalchemy import select

from app.core.startup import ConfigError
from app.extensions import db
from app.outbox.models import OutboxMessage
from config import DEV_SECRET_KEY
from tests import factories
from tests.hardening.environment import (  # noqa: F401 (keep_app_logger: a fixture)
    PUBLIC,
    VALID_PRODUCTION,
    environment,
    keep_app_logger,
    production_app,
)

HOST = "konsultasi.djpk.kemenkeu.go.id"


@pytest.mark.parametrize(
    ("env", "problem"),
    [
        ({"SECRET_KEY": None}, "SECRET_KEY is not set"),
        ({"SECRET_KEY": DEV_SECRET_KEY}, "SECRET_KEY is the public development key"),
        ({"SECRET_KEY": "too-short-but-secret"}, "SECRET_KEY is shorter than 32 characters"),
        ({"PUBLIC_URL": None}, "PUBLIC_URL is not set"),
        ({"PUBLIC_URL": f"http://{HOST}"}, "PUBLIC_URL must be an https:// address"),
        ({"PUBLIC_URL": "konsultasi.djpk.kemenkeu.go.id"}, "PUBLIC_URL must be an https:// address"),
        ({"DATABASE_URL": None}, "DATABASE_URL is not set"),
        ({"DATABASE_URL": "sqlite:////srv/konsultasi.db"}, "DATABASE_URL must be a PostgreSQL database"),
        ({"REDIS_URL": None}, "REDIS_URL is not set"),
    ],
)
def test_production_refuses_each_unsafe_setting(tmp_path, env, problem):
    with pytest.raises(ConfigError) as error:
        production_app(tmp_path, env)
    message = str(error.value)
    assert problem in message
    assert message.count("\n  - ") == 1  # only this problem is named


def test_production_names_every_problem_at_once(tmp_path):
    with environment(), pytest.raises(ConfigError) as error:
        from app import create_app

        create_app("production", UPLOAD_DIR=str(tmp_path))
    message = str(error.value)
    for name in ("SECRET_KEY", "PUBLIC_URL", "DATABASE_URL", "REDIS_URL"):
        assert f"{name} is not set" in message
    assert message.count("\n  - ") == 4


def test_a_valid_production_configuration_starts(tmp_path):
    app = production_app(tmp_path)
    assert app.config["PUBLIC_URL"] == PUBLIC
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql+psycopg://")
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["CHECK_HOST"] and not app.debug


def test_development_and_testing_start_without_any_of_it(tmp_path):
    from app import create_app

    with environment():
        for name in ("development", "testing"):
            create_app(name, UPLOAD_DIR=str(tmp_path), SQLALCHEMY_DATABASE_URI="sqlite://")


def _forged_admin_cookie(app) -> str:
    """A session cookie for user 1 signed with the public development key, as an attacker
    who read config.py would make it."""
    forger = SecureCookieSessionInterface().get_signing_serializer(_keyed(app, DEV_SECRET_KEY))
    return forger.dumps({"_user_id": "1:1", "_fresh": True})


def _keyed(app, key):
    class Keyed:  # what Flask's cookie sessions read of an app
        secret_key = key
        config = app.config
        permanent_session_lifetime = app.permanent_session_lifetime

    return Keyed()


def test_a_cookie_forged_with_the_default_key_opens_nothing(tmp_path):
    # Production cannot run with the default key at all...
    with pytest.raises(ConfigError, match="public development key"):
        production_app(tmp_path, {"SECRET_KEY": DEV_SECRET_KEY})
    # ...and the key it runs with refuses a cookie forged with it: the admin page sends to login.
    app = production_app(tmp_path, RATELIMIT_STORAGE_URI="memory://")
    cookie = {"Cookie": f"{app.config['SESSION_COOKIE_NAME']}={_forged_admin_cookie(app)}"}
    with app.test_request_context("/admin/pengguna", base_url=PUBLIC, headers=cookie) as ctx:
        assert "_user_id" not in ctx.session
        # The forgery itself is sound: an app holding the default key would read it.
        opened = SecureCookieSessionInterface().open_session(_keyed(app, DEV_SECRET_KEY), ctx.request)
        assert opened["_user_id"] == "1:1"
    response = app.test_client().get("/admin/pengguna", base_url=PUBLIC, headers=cookie)
    assert response.status_code == 302 and "/masuk" in response.headers["Location"]


@pytest.fixture
def production(tmp_path):
    return production_app(tmp_path, {"PROXY_COUNT": "1"}, RATELIMIT_STORAGE_URI="memory://")


def test_production_sends_the_security_headers(production):
    response = production.test_client().get("/masuk", base_url=PUBLIC)
    assert response.status_code == 200
    headers = response.headers
    policy = headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "camera=()" in headers["Permissions-Policy"]


@pytest.mark.parametrize(
    "host", ["attacker.example", "konsultasi.djpk.kemenkeu.go.id.attacker.example", "127.0.0.1"]
)
def test_production_answers_400_to_a_forged_host(production, host):
    response = production.test_client().get("/masuk", base_url=f"https://{host}")
    assert response.status_code == 400
    assert "Permintaan tidak valid." in response.get_data(as_text=True)  # our error page
    assert "Content-Security-Policy" in response.headers


def test_production_ignores_a_forged_forwarded_host(production):
    client = production.test_client()
    response = client.get("/masuk", base_url=PUBLIC, headers={"X-Forwarded-Host": "attacker.example"})
    assert response.status_code == 200
    assert "attacker.example" not in response.get_data(as_text=True)
    assert client.get("/masuk", base_url=f"{PUBLIC}:443").status_code == 200  # the port is no matter


LINK = re.compile(r"https?://[^\s\"'<>]+/atur-ulang-kata-sandi/[^\s\"'<>]+")


@pytest.mark.postgres
def test_production_emails_the_reset_link_to_public_url_whatever_the_headers(app, tmp_path, postgres_url):
    # `app` makes the schema (and cleans it afterwards); this production app uses the same database.
    with app.app_context():
        user = factories.pemda_user(email="siti@brebeskab.go.id")
        db.session.commit()
        email = user.email
    prod = production_app(
        tmp_path, {"PROXY_COUNT": "1", "DATABASE_URL": postgres_url}, RATELIMIT_STORAGE_URI="memory://"
    )
    client = prod.test_client()
    page = client.get("/lupa-kata-sandi", base_url=PUBLIC).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'name="csrf_token" value="([^"]+)"', page
    )
    data = {"email": email, "csrf_token": token.group(1)}
    forged = client.post(
        "/lupa-kata-sandi", base_url="https://attacker.example", data=data, headers={"Referer": PUBLIC}
    )
    assert forged.status_code == 400
    response = client.post(
        "/lupa-kata-sandi",
        base_url=PUBLIC,
        data=data,
        headers={
            "Referer": f"{PUBLIC}/lupa-kata-sandi",
            "X-Forwarded-Host": "attacker.example",
            "X-Forwarded-Proto": "http",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    with prod.app_context():
        rows = db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == "auth/reset_password")
        ).all()
        assert len(rows) == 1  # none for the forged Host
        links = LINK.findall(rows[0].text_body + rows[0].html_body)
        db.session.remove()
        db.engine.dispose()  # the production app's connections, before the cleanup truncates
    assert links and all(link.startswith(f"{PUBLIC}/atur-ulang-kata-sandi/") for link in links), links


def test_the_valid_environment_is_complete():
    # The fixtures above start from it: it must hold every setting production checks.
    assert set(VALID_PRODUCTION) == {"SECRET_KEY", "PUBLIC_URL", "DATABASE_URL", "REDIS_URL"}
    assert len(VALID_PRODUCTION["SECRET_KEY"]) >= 32
