"""A real SMTP server for the outbox tests: aiosmtpd on 127.0.0.1, on a free port.

`smtp` starts it and points the app's MAIL_* settings at it (MAIL_SUPPRESS_SEND off, so
Flask-Mail really connects); `smtp.stop()` closes the port (the relay is down) and
`smtp.start()` opens it again on the same port.
"""

import email
import threading
from email import policy

import pytest
from aiosmtpd.controller import Controller

from tests.machine import free_port


class _Handler:
    def __init__(self, server: "SmtpServer"):
        self.server = server

    async def handle_DATA(self, server, session, envelope):
        with self.server.lock:
            self.server.received.append(
                {
                    "from": envelope.mail_from,
                    "to": list(envelope.rcpt_tos),
                    "message": email.message_from_bytes(envelope.content, policy=policy.default),
                }
            )
        return "250 Message accepted for delivery"


class SmtpServer:
    def __init__(self):
        self.port = free_port()
        self.received: list[dict] = []
        self.lock = threading.Lock()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def messages(self) -> list:
        with self.lock:
            return [r["message"] for r in self.received]

    def message_ids(self) -> list[str]:
        return [m["Message-ID"] for m in self.messages]


@pytest.fixture
def smtp(app, monkeypatch):
    server = SmtpServer()
    server.start()
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", server.port)
    monkeypatch.setitem(app.config, "MAIL_SUPPRESS_SEND", False)
    monkeypatch.setitem(app.config, "MAIL_TO_LOG", False)
    monkeypatch.setitem(app.config, "MAIL_TIMEOUT", 5)
    yield server
    server.stop()


@pytest.fixture
def production_delivery(app, monkeypatch):
    """As in production: nothing is delivered after the commit, only by the sender job."""
    monkeypatch.setitem(app.config, "OUTBOX_DELIVER_AFTER_COMMIT", False)
