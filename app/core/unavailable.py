"""The database is down, restarting or failing over, or the disk is full or read-only: a 503
page, never a 500.

A request whose database work fails because the server cannot be reached (refused, shut
down, a dropped connection, a statement or pool timeout) answers 503 with a page of its own,
in Indonesian or the session's language, that touches no database, and with `Retry-After`.
Nothing half done is kept: the request's transaction is rolled back, and a form's page says
which of three things happened, from what the request's commits reached:

- nothing was committed: "not saved", send it again once the service is back;
- the failure came while the database was committing: "unknown", check before sending again
  (the commit may have landed just before the connection went);
- an earlier commit of the request landed and a later step failed: "saved".

What is still written to disk is the web server's temporary files: an upload over 500 KB is
spooled to TMPDIR while the request is read. A full or read-only TMPDIR (ENOSPC, EDQUOT,
EROFS) answers the same 503 page, saying that files cannot be received now; nothing of the
form is kept. Any other OSError is still a 500.

The engine's pool pings connections before use (app/core/db_setup.py), so the first request
after the database returns works again, without restarting gunicorn or the scheduler.
"""

import errno
import logging

from flask import Flask, g, has_request_context, render_template, request, session
from flask_babel import force_locale
from sqlalchemy import event
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30
DATABASE, STORAGE = "database", "storage"
STORAGE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS})
NOT_SAVED, UNKNOWN, SAVED = "not_saved", "unknown", "saved"
# Kept in the request's environ (g may outlive one request where an app context is shared).
_PHASE = "konsultasi.db_phase"  # "flush" (a commit began), "commit" (COMMIT sent)
_SAVED = "konsultasi.db_saved"  # a commit of this request landed
_UNAVAILABLE = "konsultasi.db_unavailable"


def is_unavailable(error: BaseException | None) -> bool:
    """Whether `error` says the database cannot be used now (rather than a bug)."""
    if isinstance(error, sa_exc.DBAPIError) and error.connection_invalidated:
        return True
    return isinstance(error, sa_exc.OperationalError | sa_exc.InterfaceError | sa_exc.TimeoutError)


def is_storage_failure(error: BaseException | None) -> bool:
    """Whether `error` says the disk is full or read-only."""
    return isinstance(error, OSError) and error.errno in STORAGE_ERRNOS


def cause_of(error: BaseException | None) -> str | None:
    """DATABASE or STORAGE when `error` says that part cannot be used now; None for a bug."""
    if is_unavailable(error):
        return DATABASE
    return STORAGE if is_storage_failure(error) else None


def _before_commit(_session) -> None:
    if has_request_context():
        request.environ[_PHASE] = "flush"


def _engine_commit(_connection) -> None:
    if has_request_context() and request.environ.get(_PHASE) == "flush":
        request.environ[_PHASE] = "commit"


def _after_commit(_session) -> None:
    if has_request_context():
        request.environ[_PHASE] = None
        request.environ[_SAVED] = True


def outcome() -> str | None:
    """What became of this request's changes (None for a page that only reads)."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return None
    if request.environ.get(_PHASE) == "commit":
        return UNKNOWN
    return SAVED if request.environ.get(_SAVED) else NOT_SAVED


def database_unavailable() -> bool:
    """Set while the 503 page is made: nothing may ask the database (the locale, the user)."""
    return bool(has_request_context() and request.environ.get(_UNAVAILABLE))


def render_unavailable(error: BaseException, cause: str = DATABASE):
    from app.extensions import db, login

    request.environ[_UNAVAILABLE] = True
    # Nobody is signed in on this page: the user is not looked up (again).
    g._login_user = login.anonymous_user()
    try:
        db.session.rollback()
    except Exception:  # the connection is gone: the pool drops it
        log.debug("rollback after an unavailable database failed", exc_info=True)
    what = outcome()
    log.warning(
        "%s unavailable (%s): 503 for %s %s, changes %s",
        cause,
        type(getattr(error, "orig", None) or error).__name__,
        request.method,
        request.endpoint,
        what or "none",
    )
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS), "Cache-Control": "no-store"}
    from app.api.paths import is_api_request

    if is_api_request():
        from app.api.problems import problem_response

        return problem_response(503, detail=_outcome_sentence(what), headers=headers)
    lang = session.get("lang") if session.get("lang") in ("id", "en") else "id"
    with force_locale(lang):
        body = render_template("errors/unavailable.html", outcome=what, lang=lang, cause=cause)
    return body, 503, headers


def _outcome_sentence(what: str | None) -> str | None:
    """What became of the call's changes, for an API caller (the page says the same)."""
    from flask_babel import gettext

    if what == SAVED:
        return gettext("Perubahan sudah tersimpan sebelum gangguan; jangan kirim ulang.")
    if what == NOT_SAVED:
        return gettext("Tidak ada yang tersimpan; kirim ulang permintaan ini nanti.")
    if what is not None:
        return gettext(
            "Belum dapat dipastikan apakah perubahan tersimpan; periksa datanya sebelum mengirim ulang."
        )
    return None


def init_app(app: Flask) -> None:
    for target, name, listener in (
        (Session, "before_commit", _before_commit),
        (Session, "after_commit", _after_commit),
        (Engine, "commit", _engine_commit),
    ):
        if not event.contains(target, name, listener):  # once per process, not per app
            event.listen(target, name, listener)
    for error in (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.TimeoutError):
        app.register_error_handler(error, render_unavailable)
    app.register_error_handler(OSError, _storage_or_500)


def _storage_or_500(error: OSError):
    if cause_of(error) == STORAGE:
        return render_unavailable(error, STORAGE)
    raise error  # anything else stays a 500, logged with its traceback
