"""A real HTTP receiver on loopback for the webhook tests: it verifies each delivery's
signature with the Standard Webhooks reference library (standardwebhooks), keeps what it got,
and answers as it is told (500 for the first N calls, slowly, ...)."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks.webhooks import Webhook, WebhookVerificationError


class Receiver:
    def __init__(self):
        self.secret: str | None = None
        self.received: list[dict] = []  # verified deliveries: {"id", "type", "body"}
        self.refused: list[str] = []  # deliveries whose signature did not verify
        self.fail_first = 0
        self.delay = 0.0
        self.calls = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802  (http.server's name)
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                receiver.calls += 1
                if receiver.delay:
                    time.sleep(receiver.delay)
                if receiver.calls <= receiver.fail_first:
                    self._answer(500, b'{"error": "sedang gangguan"}')
                    return
                try:
                    Webhook(receiver.secret).verify(body, dict(self.headers.items()))
                except WebhookVerificationError as error:
                    receiver.refused.append(str(error))
                    self._answer(400, b"bad signature")
                    return
                payload = json.loads(body)
                receiver.received.append(
                    {"id": self.headers["webhook-id"], "type": payload["type"], "body": payload}
                )
                self._answer(204, b"")

            def _answer(self, status: int, body: bytes):
                self.send_response(status)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/webhook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)

    def types(self) -> list[str]:
        return [r["type"] for r in self.received]
