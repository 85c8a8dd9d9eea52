"""Which forms the browser journeys saw and which they submitted, over the whole session.

The audit lists the forms of every page it checks (method and action); the live server
records every request with a form's method that it answered without a client or server error.
tests/e2e/test_zz_every_form.py then asks that each POST route of the application and each
GET form seen on a page was submitted by a browser at least once.
"""

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from flask import Flask, request, request_finished


@dataclass
class FormCoverage:
    seen: dict[tuple[str, str], str] = field(default_factory=dict)  # (method, endpoint) -> page
    submitted: dict[tuple[str, str], int] = field(default_factory=dict)  # -> times
    tests: set[str] = field(default_factory=set)  # e2e tests that ran to the end

    def saw(self, app: Flask, page_url: str, forms: list[dict]) -> None:
        adapter = app.url_map.bind("localhost")
        for form in forms:
            method = (form.get("method") or "get").upper()
            path = urlsplit(form.get("action") or page_url).path
            try:
                endpoint, _args = adapter.match(path, method=method)
            except Exception:  # an action the app does not answer is a finding of its own
                endpoint = f"<no route: {method} {path}>"
            self.seen.setdefault((method, endpoint), page_url)

    def listen(self, app: Flask):
        def finished(sender, response, **extra):
            if request.endpoint is None or response.status_code >= 400:
                return
            if request.method == "POST" or (request.method == "GET" and request.args):
                key = (request.method, request.endpoint)
                self.submitted[key] = self.submitted.get(key, 0) + 1

        request_finished.connect(finished, app)
        return lambda: request_finished.disconnect(finished, app)


COVERAGE = FormCoverage()
