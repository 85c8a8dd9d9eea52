"""Where the app's log goes, and what each request leaves in it.

Production: INFO and up of every logger to stderr (gunicorn and systemd collect it) as one JSON
object a line (JsonFormatter), with tokens redacted from messages (RedactTokens).
Development (DEBUG): the `konsultasi.*` loggers at INFO to the terminal of `make run`, human
readable. Nothing else configures them there (Flask only sets up its own app logger, werkzeug
its own), and with MAIL_TO_LOG the email is written to `konsultasi.mail`: without this handler
a verification or reset link would be written nowhere. Tests configure nothing (pytest
captures the log itself).

Every request (all environments): a request id, taken from a well-formed X-Request-ID header
(nginx: `proxy_set_header X-Request-ID $request_id;`) or made up, echoed in the X-Request-ID
response header, stored on the audit and outbox rows the request writes, and one line on
`konsultasi.request` when it ends. That line names the endpoint and the URL rule
(/atur-ulang-kata-sandi/<token>), never the path itself nor the query string, form, cookies or
other headers: tokens travel in paths and query strings.
"""

import json
import logging
import re
import sys
import time
import traceback
import uuid
from datetime import UTC, datetime

from flask import Flask, has_request_context, request
from sqlalchemy import inspect as sa_inspect

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
APP_LOGGER = "konsultasi"
REQUEST_LOGGER = "konsultasi.request"
HEADER = "X-Request-ID"
_VALID_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
_ID_KEY = "konsultasi.request_id"
_START_KEY = "konsultasi.request_start"

request_log = logging.getLogger(REQUEST_LOGGER)


class _DevelopmentHandler(logging.StreamHandler):
    """Marks the handler this module added, so a second create_app() adds no second one."""


class _ProductionHandler(logging.StreamHandler):
    """The root logger's JSON handler; writes to whatever sys.stderr is at the time."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value):
        pass


def configure(app: Flask) -> None:
    init_requests(app)
    if app.testing:
        return
    if not app.debug:
        root = logging.getLogger()
        root.setLevel(logging.INFO)
        if not any(isinstance(h, _ProductionHandler) for h in root.handlers):
            root.addHandler(production_handler())
        return
    logger = logging.getLogger(APP_LOGGER)
    logger.setLevel(logging.INFO)
    if not any(isinstance(h, _DevelopmentHandler) for h in logger.handlers):
        handler = _DevelopmentHandler()  # stderr: the terminal of `make run`
        handler.setFormatter(logging.Formatter(FORMAT))
        logger.addHandler(handler)
    # Once per record: `flask scheduler run` also configures the root logger.
    logger.propagate = False


def production_handler() -> logging.Handler:
    handler = _ProductionHandler()
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RedactTokens())
    return handler


# The request id --------------------------------------------------------------------------


def request_id() -> str | None:
    """The current request's id (None outside a request): the client's X-Request-ID when it
    is 1-64 characters of [A-Za-z0-9._-], else a new uuid4 hex. The same for the whole request."""
    if not has_request_context():
        return None
    environ = request.environ
    value = environ.get(_ID_KEY)
    if value is None:
        given = request.headers.get(HEADER, "")
        value = given if _VALID_ID.fullmatch(given) else uuid.uuid4().hex
        environ[_ID_KEY] = value
    return value


def init_requests(app: Flask) -> None:
    def start() -> None:
        request.environ.setdefault(_START_KEY, time.perf_counter())
        request_id()

    def finish(response):
        response.headers[HEADER] = request_id()
        _log_request(response.status_code)
        return response

    # First before_request (ahead of the Host check) and last after_request.
    app.before_request_funcs.setdefault(None, []).insert(0, start)
    app.after_request_funcs.setdefault(None, []).insert(0, finish)
    # Flask's own "Exception on <path>" would put the raw path (and a token in it) in the log.
    app.log_exception = _log_exception


def _log_exception(exc_info) -> None:
    request_log.error(
        "Exception on %s [%s]", _rule(), request.method, exc_info=exc_info, extra={"http": _fields(500)}
    )


def _rule() -> str:
    rule = request.url_rule
    return rule.rule if rule is not None else "-"


def _fields(status: int | None = None) -> dict:
    from flask_login import current_user

    start = request.environ.get(_START_KEY)
    fields = {
        "method": request.method,
        "endpoint": request.endpoint,
        "path": _rule(),
        "status": status,
        "duration_ms": round((time.perf_counter() - start) * 1000, 1) if start is not None else None,
        "user_id": None,
        "remote_addr": request.remote_addr,
        "user_agent": request.user_agent.string[:300] or None,
    }
    try:
        fields["user_id"] = _user_id(current_user._get_current_object())
    except Exception:  # noqa: BLE001 - a log line must never fail the request
        pass
    return fields


def _user_id(user) -> int | None:
    """The logged-in user's id from the row's identity: after a commit the user's attributes
    are expired, and reading `id` (or `is_authenticated`, which reads `is_active`) would load
    the row again only to write the log line."""
    state = sa_inspect(user, raiseerr=False)
    if state is None or state.identity is None:  # anonymous
        return None
    return state.identity[0]


def _log_request(status: int) -> None:
    fields = _fields(status)
    request_log.info(
        "%s %s %s %sms",
        fields["method"],
        fields["path"],
        status,
        fields["duration_ms"],
        extra={"http": fields},
    )


# Production formatting -------------------------------------------------------------------


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (UTC), level, logger, message, request_id inside a
    request, the request's fields on its own line, traceback when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        rid = request_id()
        if rid is not None:
            entry["request_id"] = rid
        entry.update(getattr(record, "http", None) or {})
        if record.exc_info:
            entry["traceback"] = "".join(traceback.format_exception(*record.exc_info))
        elif record.exc_text:
            entry["traceback"] = record.exc_text
        if record.stack_info:
            entry["stack"] = record.stack_info
        return json.dumps(entry, ensure_ascii=False, default=str)


# Long URL-safe runs (secrets.token_urlsafe(32) is 43) and itsdangerous tokens
# (payload.timestamp.signature).
_TOKEN = re.compile(r"[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{20,}|[A-Za-z0-9_-]{32,}")


def redact(text: str) -> str:
    return _TOKEN.sub("[redacted]", text)


class RedactTokens(logging.Filter):
    """Second line of defence: whatever looks like a token in a message becomes [redacted]
    (the message only: the request id and the fields are not free text)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True
