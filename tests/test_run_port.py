"""`make run PORT=5001 HOST=...` serves on that port, and in development (no PUBLIC_URL) the
links built outside a request (scheduler email, invites, the demo logins) follow it.
PUBLIC_URL stays the one public base address, in production above all."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import config

ROOT = Path(__file__).resolve().parents[1]
# Builds a link the way a scheduler job's email does (no request), and prints it.
PROBE = """
import os
import sys
from unittest import mock
from app import create_app
from app.core.urls import public_url_for
import app.core.mail as mail
# Production refuses SQLite: it gets its (never contacted) PostgreSQL address from the env.
overrides = {} if os.environ.get("APP_ENV") == "production" else {"SQLALCHEMY_DATABASE_URI": "sqlite://"}
app = create_app(UPLOAD_DIR=sys.argv[1], **overrides)
with app.app_context(), mock.patch.object(mail, "_render", lambda name, ctx: (public_url_for("auth.login"),) * 3):
    print(mail.render_email("any")[0])
"""


def _link(tmp_path, **env) -> str:
    environment = {k: v for k, v in os.environ.items() if k not in {"PUBLIC_URL", "DATABASE_URL"}}
    environment = {k: v for k, v in environment.items() if not k.startswith("FLASK_RUN_")}
    environment.update(INSTANCE_DIR=str(tmp_path / "instance"), **env)
    result = subprocess.run(
        [sys.executable, "-c", PROBE, str(tmp_path / "uploads")],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "http://127.0.0.1:5000"),
        ({"FLASK_RUN_PORT": "5001"}, "http://127.0.0.1:5001"),
        ({"FLASK_RUN_HOST": "0.0.0.0", "FLASK_RUN_PORT": "8080"}, "http://127.0.0.1:8080"),
        ({"FLASK_RUN_HOST": "localhost", "FLASK_RUN_PORT": "5002"}, "http://localhost:5002"),
        ({"FLASK_RUN_HOST": "::1", "FLASK_RUN_PORT": "5003"}, "http://[::1]:5003"),
    ],
)
def test_local_url_follows_the_development_server(monkeypatch, env, expected):
    for name in ("FLASK_RUN_HOST", "FLASK_RUN_PORT"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert config.local_url() == expected


def test_development_links_follow_the_port(tmp_path):
    link = _link(tmp_path, APP_ENV="development", FLASK_RUN_PORT="5001")
    assert link == "http://127.0.0.1:5001/masuk"


def test_public_url_wins_in_development_and_production(tmp_path):
    public = "https://konsultasi.djpk.kemenkeu.go.id"
    assert (
        _link(tmp_path, APP_ENV="development", FLASK_RUN_PORT="5001", PUBLIC_URL=public) == public + "/masuk"
    )
    production = {
        "APP_ENV": "production",
        "SECRET_KEY": "k" * 40,
        "DATABASE_URL": "postgresql://konsultasi@127.0.0.1:9/konsultasi",
        "REDIS_URL": "redis://127.0.0.1:9/0",
    }
    assert _link(tmp_path, FLASK_RUN_PORT="5001", PUBLIC_URL=public, **production) == public + "/masuk"


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_run_passes_host_and_port_to_every_command():
    result = subprocess.run(
        ["make", "-n", "run", "PORT=5001", "HOST=0.0.0.0"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    commands = [line for line in result.stdout.splitlines() if "bin/flask " in line]
    assert [c.split("bin/flask ")[1].split()[0] for c in commands] == ["db", "seed-demo", "scheduler"]
    for command in commands:
        assert "APP_ENV=development FLASK_RUN_HOST=0.0.0.0 FLASK_RUN_PORT=5001" in command
    assert commands[-1].endswith("flask run --host 0.0.0.0 --port 5001")


def test_the_demo_logins_point_at_the_configured_address(app, monkeypatch):
    monkeypatch.setitem(app.config, "SHOW_DEMO_LOGINS", True)
    monkeypatch.setitem(app.config, "PUBLIC_URL", "http://127.0.0.1:5001/")
    from app.seed import demo_logins_table

    assert "at http://127.0.0.1:5001/masuk" in demo_logins_table()
