"""In development (`make run`: DEBUG, MAIL_TO_LOG) every email shows in the terminal once:
its recipients, subject and text with the links. Production logs JSON through the root logger."""

import io
import logging
import re

import pytest

from app import create_app
from app.core import logs
from app.extensions import db, limiter
from app.outbox.sender import deliver_pending
from tests.auth.conftest import registration

LINK = re.compile(r"http://localhost/verifikasi-email/\S+")


@pytest.fixture
def konsultasi_logger():
    """The `konsultasi` logger as the test found it, restored afterwards (it is global)."""
    logger = logging.getLogger(logs.APP_LOGGER)
    saved = (list(logger.handlers), logger.level, logger.propagate)
    yield logger
    logger.handlers[:], logger.level, logger.propagate = saved[0], saved[1], saved[2]


def _development_app(tmp_path):
    return create_app(
        "development",
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'dev.db'}",
        UPLOAD_DIR=str(tmp_path / "uploads"),
    )


def _terminal(logger) -> io.StringIO:
    """Point the handler that development added at a buffer standing for the terminal."""
    (handler,) = [h for h in logger.handlers if isinstance(h, logs._DevelopmentHandler)]
    buffer = io.StringIO()
    handler.setStream(buffer)
    return buffer


def test_development_sets_up_the_konsultasi_loggers_once(tmp_path, konsultasi_logger):
    dev = _development_app(tmp_path)
    assert dev.debug and dev.config["MAIL_TO_LOG"] and dev.config["OUTBOX_DELIVER_AFTER_COMMIT"]
    _development_app(tmp_path)  # the reloader or a command may build the app again
    handlers = [h for h in konsultasi_logger.handlers if isinstance(h, logs._DevelopmentHandler)]
    assert len(handlers) == 1
    assert konsultasi_logger.getEffectiveLevel() == logging.INFO
    assert not konsultasi_logger.propagate  # not again through a root handler
    assert logging.getLogger("konsultasi.mail").isEnabledFor(logging.INFO)


def test_production_logs_through_the_root_logger(tmp_path, konsultasi_logger, monkeypatch):
    root = logging.getLogger()
    monkeypatch.setattr(root, "handlers", list(root.handlers))  # restored afterwards
    monkeypatch.setattr(root, "level", root.level)
    for name in ("_storage", "_limiter"):  # or later tests would count limits in Redis
        monkeypatch.setattr(limiter, name, getattr(limiter, name, None))
    create_app(
        "production",
        UPLOAD_DIR=str(tmp_path),
        # What production refuses to start without (app.core.startup); nothing is contacted.
        SECRET_KEY="k" * 40,
        PUBLIC_URL="https://konsultasi.djpk.kemenkeu.go.id",
        SQLALCHEMY_DATABASE_URI="postgresql+psycopg://konsultasi@127.0.0.1:9/konsultasi",
        REDIS_URL="redis://127.0.0.1:9/0",
    )
    # One JSON line a record (tests/hardening/test_request_logs.py).
    (handler,) = [h for h in root.handlers if isinstance(h, logs._ProductionHandler)]
    assert isinstance(handler.formatter, logs.JsonFormatter) and root.level == logging.INFO
    assert not [h for h in konsultasi_logger.handlers if isinstance(h, logs._DevelopmentHandler)]


def test_a_verification_email_appears_in_the_terminal_once(
    app, client, tmp_path, konsultasi_logger, monkeypatch
):
    _development_app(tmp_path)
    terminal = _terminal(konsultasi_logger)
    monkeypatch.setitem(app.config, "MAIL_TO_LOG", True)
    monkeypatch.setitem(app.config, "MAIL_SERVER", "192.0.2.1")  # never contacted
    response = client.post("/daftar", data=registration())
    assert response.status_code == 302
    deliver_pending()  # the scheduler's sender job finds nothing left to write
    db.session.remove()
    text = terminal.getvalue()
    assert text.count("-- end of email --") == 1
    assert "konsultasi.mail" in text
    assert "To: siti.rahmawati@brebeskab.go.id" in text
    assert "Subject: Verifikasi email akun Konsultasi DJPK" in text
    assert len(LINK.findall(text)) >= 1
