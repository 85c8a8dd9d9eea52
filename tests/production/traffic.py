"""Operators at work against a production server while a part it depends on fails: the
traffic of tests/production/test_redis_outage.py and test_database_outage.py.

Each operator logs in, opens the dashboard and the account page, saves the language and logs
out, again and again, `threads` at a time. Every response is counted by phase and status
(transport errors by their class), with the slowest; a login that answered 503 is counted by
what its page said became of it (saved, not saved, unknown).
"""

import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import requests

from tests.production.cluster import Browser, Target, hidden

# What the 503 page (templates/errors/unavailable.html) says became of a form.
OUTCOMES = {
    "Formulir Anda belum tersimpan": "not_saved",
    "Belum dapat dipastikan": "unknown",
    "Perubahan Anda sudah tersimpan": "saved",
}


def outcome_of(page: str) -> str:
    found = [name for sentence, name in OUTCOMES.items() if sentence in page]
    assert len(found) == 1, page
    return found[0]


@dataclass
class Traffic:
    target: Callable[[], Target]
    email: str
    password: str
    threads: int = 4
    phase: str = "up"
    statuses: dict[str, Counter] = field(default_factory=dict)
    logins: Counter = field(default_factory=Counter)  # "in", or the outcome of a 503
    slowest: float = 0.0
    _stop: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> None:
        self._workers = [threading.Thread(target=self._run, daemon=True) for _ in range(self.threads)]
        for worker in self._workers:
            worker.start()

    def stop(self) -> None:
        self._stop.set()
        for worker in self._workers:
            worker.join(timeout=60)

    @property
    def sent(self) -> int:
        return sum(sum(seen.values()) for seen in self.statuses.values())

    def count(self, predicate: Callable[[object], bool]) -> int:
        return sum(v for seen in self.statuses.values() for k, v in seen.items() if predicate(k))

    def figures(self) -> dict:
        return {
            "responses": {
                phase: dict(sorted((str(k), v) for k, v in seen.items()))
                for phase, seen in self.statuses.items()
            },
            "sent": self.sent,
            "answered": self.count(lambda k: isinstance(k, int) and k < 400),
            "refused_503": self.count(lambda k: k == 503),
            "server_errors": self.count(lambda k: not isinstance(k, int) or (k >= 500 and k != 503)),
            "slowest_seconds": round(self.slowest, 2),
            "logins": dict(self.logins),
        }

    def _note(self, outcome, seconds: float) -> None:
        with self._lock:
            self.statuses.setdefault(self.phase, Counter())[outcome] += 1
            self.slowest = max(self.slowest, seconds)

    def _send(self, browser: Browser, method: str, path: str, **kwargs):
        started = time.monotonic()
        try:
            response = browser.request(self.target(), method, path, timeout=30, **kwargs)
        except requests.RequestException as exc:
            self._note(type(exc).__name__, time.monotonic() - started)
            return None
        self._note(response.status_code, time.monotonic() - started)
        return response

    def _run(self) -> None:
        while not self._stop.is_set():
            browser = Browser(user_agent="outage-operator")
            try:
                self._visit(browser)
            finally:
                browser.close()

    def _visit(self, browser: Browser) -> None:
        page = self._send(browser, "GET", "/masuk")
        if page is None or page.status_code != 200:
            return
        data = {"email": self.email, "password": self.password, "csrf_token": hidden(page.text, "csrf_token")}
        login = self._send(browser, "POST", "/masuk", data=data)
        if login is not None and login.status_code == 503:
            with self._lock:
                self.logins[outcome_of(login.text)] += 1
        if login is None or login.status_code != 302:
            return
        with self._lock:
            self.logins["in"] += 1
        self._send(browser, "GET", "/permohonan/")
        account = self._send(browser, "GET", "/akun")
        if account is None or account.status_code != 200:
            return
        token = hidden(account.text, "csrf_token")
        self._send(
            browser, "POST", "/akun", data={"csrf_token": token, "lang-locale": "id", "lang-submit": "1"}
        )
        self._send(browser, "POST", "/keluar", data={"csrf_token": token})
