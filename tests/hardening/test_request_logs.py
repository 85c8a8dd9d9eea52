"""Production logs (app/core/logs.py): one JSON line a request with its id, the id echoed to
the client and stored on the audit and outbox rows the request writes, tracebacks as a field,
and nothing secret (passwords, tokens, email bodies) in any line."""

import io
import json
import logging
import re

import pytest
from sqlalchemy import select, text

from app.auth import tokens
from app.auth.models import Role
from app.core import audit_chain, logs
from app.core.audit import AuditLog
from app.extensions import db, limiter
from app.outbox.models import OutboxMessage
from tests import factories
from tests.conftest import ON_POSTGRES
from tests.hardening.environment import PUBLIC, keep_app_logger, production_app  # noqa: F401

FIELDS = {"time", "level", "logger", "message", "request_id", "method", "endpoint", "path", "status"}
FIELDS |= {"duration_ms", "user_id", "remote_addr", "user_agent"}
NEW = "gedung radius prawiro lantai sembilan"


@pytest.fixture
def json_log():
    """What the production handler writes, captured: a JsonFormatter + RedactTokens handler on
    the root logger, writing to a buffer. Returns a function giving the parsed lines."""
    root = logging.getLogger()
    saved_level = root.level
    buffer = io.StringIO()
    handler = logs.production_handler()
    handler.__class__ = logging.StreamHandler  # a plain stream handler with the same formatter
    handler.stream = buffer
    root.addHandler(handler)
    root.setLevel(logging.INFO)

    def lines() -> list[dict]:
        return [json.loads(line) for line in buffer.getvalue().splitlines()]

    lines.text = buffer.getvalue
    yield lines
    root.removeHandler(handler)
    root.setLevel(saved_level)


@pytest.fixture
def keep_root_handlers(monkeypatch):
    """The root logger and the rate limiter's storage, which a production app changes (both
    are global: later tests would log JSON, and count limits in production's Redis)."""
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    for name in ("_storage", "_limiter"):
        monkeypatch.setattr(limiter, name, getattr(limiter, name, None))
    yield
    root.handlers[:], root.level = saved


def _request_lines(lines: list[dict]) -> list[dict]:
    return [line for line in lines if line["logger"] == logs.REQUEST_LOGGER and line["level"] == "INFO"]


def test_production_logs_one_json_line_a_request(tmp_path, keep_root_handlers, capsys):
    app = production_app(tmp_path)
    handlers = [h for h in logging.getLogger().handlers if isinstance(h, logs._ProductionHandler)]
    assert len(handlers) == 1 and isinstance(handlers[0].formatter, logs.JsonFormatter)
    production_app(tmp_path)  # a second app adds no second handler
    assert len([h for h in logging.getLogger().handlers if isinstance(h, logs._ProductionHandler)]) == 1
    capsys.readouterr()

    client = app.test_client()
    response = client.get(
        "/tidak-ada?token=rahasia-di-query-string",
        base_url=PUBLIC,
        headers={"X-Request-ID": "nginx-abc.123_X", "User-Agent": "uji/1.0", "Cookie": "k=kue-rahasia"},
    )
    assert response.status_code == 404
    assert response.headers["X-Request-ID"] == "nginx-abc.123_X"
    err = capsys.readouterr().err
    (line,) = [json.loads(raw) for raw in err.splitlines() if '"konsultasi.request"' in raw]
    assert FIELDS <= set(line)
    assert line["request_id"] == "nginx-abc.123_X"
    assert line["level"] == "INFO" and line["method"] == "GET" and line["status"] == 404
    assert line["path"] == "-" and line["endpoint"] is None  # no rule matched: not the raw path
    assert line["user_agent"] == "uji/1.0" and line["user_id"] is None
    assert isinstance(line["duration_ms"], float) and line["time"].endswith("+00:00")
    assert "rahasia" not in err and "tidak-ada" not in err


def test_proxied_address_is_the_one_proxyfix_believed(tmp_path, keep_root_handlers, capsys):
    app = production_app(tmp_path, {"PROXY_COUNT": "1"})
    capsys.readouterr()
    app.test_client().get(
        "/tidak-ada", base_url=PUBLIC, headers={"X-Forwarded-For": "203.0.113.9, 198.51.100.7"}
    )
    (line,) = [json.loads(r) for r in capsys.readouterr().err.splitlines() if '"konsultasi.request"' in r]
    assert line["remote_addr"] == "198.51.100.7"  # the last hop, appended by our own proxy


def test_an_exception_logs_its_traceback_and_request_id(tmp_path, keep_root_handlers, capsys):
    app = production_app(tmp_path)

    @app.route("/uji-galat/<token>")
    def broken(token):
        raise RuntimeError("boom in the view")

    capsys.readouterr()
    response = app.test_client().get(
        "/uji-galat/token-rahasia-di-path", base_url=PUBLIC, headers={"X-Request-ID": "galat-1"}
    )
    assert response.status_code == 500 and response.headers["X-Request-ID"] == "galat-1"
    lines = [json.loads(raw) for raw in capsys.readouterr().err.splitlines()]
    (error,) = [line for line in lines if line["level"] == "ERROR"]
    assert error["request_id"] == "galat-1"
    assert "RuntimeError: boom in the view" in error["traceback"] and "Traceback" in error["traceback"]
    assert error["path"] == "/uji-galat/<token>" and error["endpoint"] == "broken" and error["status"] == 500
    (done,) = _request_lines(lines)
    assert done["status"] == 500 and done["request_id"] == "galat-1"
    assert "token-rahasia-di-path" not in json.dumps(lines)


@pytest.mark.parametrize(
    "given",
    ["", "a" * 65, "bad id", "x;Set-Cookie:a=b", "<script>", "id/with/slash", "ü"],
)
def test_a_malformed_request_id_is_replaced(client, json_log, given):
    response = client.get("/masuk", headers={"X-Request-ID": given})
    echoed = response.headers["X-Request-ID"]
    assert echoed != given and re.fullmatch(r"[0-9a-f]{32}", echoed)
    (line,) = _request_lines(json_log())
    assert line["request_id"] == echoed


def test_a_well_formed_request_id_is_kept(client, json_log):
    given = "A" * 64
    assert client.get("/masuk", headers={"X-Request-ID": given}).headers["X-Request-ID"] == given
    (line,) = _request_lines(json_log())
    assert line["request_id"] == given and line["endpoint"] == "auth.login" and line["path"] == "/masuk"
    assert FIELDS <= set(line)


def test_each_request_gets_its_own_id(client):
    first = client.get("/masuk").headers["X-Request-ID"]
    assert client.get("/masuk").headers["X-Request-ID"] != first


def test_login_logs_the_user_and_no_password(client, auth, json_log, caplog):
    caplog.set_level(logging.DEBUG)
    user = factories.user(Role.RECEPTIONIST)
    db.session.commit()
    auth.login(user, password="sandi-salah-sekali-123")
    auth.login(user)
    client.get("/akun")
    output = json_log.text() + caplog.text
    assert "sandi-salah-sekali-123" not in output and "kata-sandi-uji-123" not in output
    lines = _request_lines(json_log())
    assert [line["status"] for line in lines if line["endpoint"] == "auth.login"] == [200, 302]
    (account,) = [line for line in lines if line["endpoint"] == "auth.account"]
    assert account["user_id"] == user.id


def test_reset_logs_no_token_password_or_email_body(client, json_log, caplog):
    caplog.set_level(logging.DEBUG)
    user = factories.user(Role.RECEPTIONIST)
    db.session.commit()
    response = client.post("/lupa-kata-sandi", data={"email": user.email}, headers={"X-Request-ID": "lupa-1"})
    assert response.status_code == 302
    (message,) = db.session.scalars(select(OutboxMessage)).all()
    assert message.http_request_id == "lupa-1"  # the email row carries the request that queued it
    body_line = next(line for line in message.text_body.splitlines() if "/atur-ulang-kata-sandi/" in line)

    token = tokens.reset_token(user)
    response = client.post(
        f"/atur-ulang-kata-sandi/{token}",
        data={"password": NEW, "confirm": NEW},
        headers={"X-Request-ID": "reset-1"},
    )
    assert response.status_code == 302
    entry = db.session.scalars(select(AuditLog).where(AuditLog.action == "auth.password_reset")).one()
    assert entry.http_request_id == "reset-1"

    assert logs.redact(f"/x/{token}/y") == "/x/[redacted]/y"  # should one reach a message
    output = json_log.text() + caplog.text
    for secret in (token, NEW, body_line.strip(), message.subject):
        assert secret not in output
    (reset,) = [line for line in _request_lines(json_log()) if line["endpoint"] == "auth.reset_password"]
    assert reset["path"] == "/atur-ulang-kata-sandi/<token>" and reset["status"] == 302


def test_tokens_in_messages_are_redacted(json_log):
    token = "IjEyMyI.aW1hbWJh.c2lnbmF0dXJlLWxvbmctZW5vdWdo"
    feed = "q1w2e3r4t5y6u7i8o9p0a1s2d3f4g5h6j7k8l9z0x1c"
    logging.getLogger("konsultasi.uji").warning(
        "link /atur-ulang-kata-sandi/%s and /kalender/%s.ics", token, feed
    )
    (line,) = json_log()
    assert token not in line["message"] and feed not in line["message"]
    assert line["message"] == "link /atur-ulang-kata-sandi/[redacted] and /kalender/[redacted].ics"


def test_rows_written_outside_a_request_have_no_request_id(app):
    from app.core import audit

    audit.record("uji.luar", ("Uji", 1))
    db.session.commit()
    entry = db.session.scalars(select(AuditLog)).one()
    assert entry.http_request_id is None
    assert "http_request_id" not in audit_chain.content_of(entry)  # hashes as before the column
    assert audit_chain.verify(db.session).ok


def test_chain_covers_the_request_id(app, client, auth):
    user = factories.user(Role.RECEPTIONIST)
    db.session.commit()
    from app.core import audit

    audit.record("uji.luar", ("Uji", 1))  # one row without an id, before and after others
    db.session.commit()
    auth.login(user)
    client.post("/keluar", headers={"X-Request-ID": "keluar-1"})
    rows = db.session.scalars(select(AuditLog).order_by(AuditLog.seq)).all()
    marked = [row for row in rows if row.http_request_id == "keluar-1"]
    assert marked and any(row.http_request_id is None for row in rows)
    verdict = audit_chain.verify(db.session)
    assert verdict.ok and verdict.checked == len(rows)
    if ON_POSTGRES:
        return  # a trigger refuses UPDATE of audit_log there (tests/test_audit_chain.py)
    target = marked[0]
    with db.engine.begin() as conn:
        conn.execute(
            text("UPDATE audit_log SET http_request_id = 'someone-else' WHERE id = :id"), {"id": target.id}
        )
    db.session.expire_all()
    verdict = audit_chain.verify(db.session)
    assert not verdict.ok and verdict.row_id == target.id
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET http_request_id = NULL WHERE id = :id"), {"id": target.id})
    assert not audit_chain.verify(db.session).ok  # removing it is a change too
