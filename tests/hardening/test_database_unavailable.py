"""When the database cannot be used, a page answers 503 with a page that says so (never a
500, never a traceback), touches the database no further, and tells a form's sender whether
the change was saved (app/core/unavailable.py). The real outage, a PostgreSQL server stopped
and started under gunicorn, is tests/production/test_database_outage.py."""

import errno
import os
from contextlib import contextmanager

import pytest
from sqlalchemy import event, select
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from app.auth.models import Role, User
from app.core import unavailable
from app.core.audit import AuditLog
from app.extensions import db
from tests import factories

GONE = "server closed the connection unexpectedly"


def _error() -> sa_exc.OperationalError:
    return sa_exc.OperationalError("COMMIT", {}, Exception(GONE))


def _gone(*_args, **_kwargs):
    raise _error()


@contextmanager
def failing(target, name):
    """Every `name` event of `target` raises the error of a dropped connection."""
    event.listen(target, name, _gone)
    try:
        yield
    finally:
        event.remove(target, name, _gone)


def _login(auth) -> User:
    user = factories.user(Role.RECEPTIONIST)
    db.session.commit()
    auth.login(user)
    return user


def _change_language(client):
    return client.post("/akun", data={"lang-locale": "en", "lang-submit": "Simpan bahasa"})


def _assert_unavailable_page(response, *sentences):
    html = response.get_data(as_text=True)
    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) > 0  # 30, or a rate limit's own reset
    assert response.headers["Cache-Control"] == "no-store"
    assert "Layanan sedang tidak tersedia" in html
    assert "Traceback" not in html and GONE not in html
    for sentence in sentences:
        assert sentence in html, html


def test_a_page_whose_user_cannot_be_loaded_answers_503(client, auth, monkeypatch):
    _login(auth)
    from app.auth import sessions

    monkeypatch.setattr(sessions, "load", _gone)
    response = client.get("/akun")
    _assert_unavailable_page(response, "coba lagi dalam satu menit", 'href="/akun"')
    assert "belum tersimpan" not in response.get_data(as_text=True)  # a page that only reads


def test_a_form_that_fails_before_the_commit_is_not_saved_and_says_so(client, auth):
    user = _login(auth)
    with failing(Session, "before_flush"):
        response = _change_language(client)
    _assert_unavailable_page(response, "Formulir Anda belum tersimpan")
    db.session.expire_all()
    assert db.session.get(User, user.id).locale != "en"
    assert not db.session.scalars(select(AuditLog).where(AuditLog.action == "auth.locale_change")).first()


def test_a_form_whose_commit_fails_says_the_outcome_is_unknown(client, auth):
    _login(auth)
    with failing(Engine, "commit"):
        response = _change_language(client)
    _assert_unavailable_page(response, "Belum dapat dipastikan apakah formulir Anda tersimpan")


def test_a_form_committed_before_a_later_failure_says_it_was_saved(app):
    # A request that commits, then fails on its next statement.
    with app.test_request_context("/akun", method="POST"):
        user = factories.user(Role.RECEPTIONIST)
        db.session.commit()
        response = app.make_response(unavailable.render_unavailable(_error()))
        _assert_unavailable_page(
            response, "Perubahan Anda sudah tersimpan", "Jangan mengirim formulir itu lagi"
        )
        assert db.session.get(User, user.id) is not None


def test_the_same_failure_before_any_commit_says_not_saved(app):
    with app.test_request_context("/akun", method="POST"):
        db.session.add(factories.user(Role.RECEPTIONIST))
        response = app.make_response(unavailable.render_unavailable(_error()))
        _assert_unavailable_page(response, "Formulir Anda belum tersimpan")


@pytest.mark.parametrize(
    "error",
    [sa_exc.TimeoutError("QueuePool limit reached"), sa_exc.InterfaceError("x", {}, Exception("closed"))],
)
def test_pool_timeouts_and_closed_connections_are_503_too(client, auth, monkeypatch, error):
    _login(auth)
    from app.auth import sessions

    def fail(*_args):
        raise error

    monkeypatch.setattr(sessions, "load", fail)
    _assert_unavailable_page(client.get("/akun"))


def test_the_page_follows_the_language_chosen_without_asking_the_database(client, auth, monkeypatch):
    _login(auth)
    client.post("/bahasa/en")
    from app.auth import sessions

    monkeypatch.setattr(sessions, "load", _gone)
    response = client.get("/akun")
    assert response.status_code == 503
    html = response.get_data(as_text=True)
    assert '<html lang="en">' in html and "Service temporarily unavailable" in html


def test_a_bug_is_still_a_500(client, auth, monkeypatch):
    _login(auth)
    from app.auth import sessions

    def bug(*_args):
        raise sa_exc.ProgrammingError("SELECT", {}, Exception("column does not exist"))

    monkeypatch.setattr(sessions, "load", bug)
    with pytest.raises(sa_exc.ProgrammingError):  # TESTING propagates it: not handled as a 503
        client.get("/akun")


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EROFS, errno.EDQUOT])
def test_a_full_or_read_only_disk_is_a_503_that_says_files_cannot_be_received(
    client, auth, monkeypatch, code
):
    _login(auth)
    from app.auth import sessions

    def full(*_args):
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(sessions, "load", full)
    response = client.post("/akun", data={"lang-locale": "en", "lang-submit": "x"})
    _assert_unavailable_page(response, "tidak dapat menerima berkas", "Formulir Anda belum tersimpan")


def test_any_other_os_error_is_still_a_500(client, auth, monkeypatch):
    _login(auth)
    from app.auth import sessions

    def denied(*_args):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(sessions, "load", denied)
    with pytest.raises(PermissionError):
        client.get("/akun")


def test_static_files_never_ask_for_the_user(client, auth, monkeypatch, app):
    # While the database is away the 503 page still gets its stylesheets and scripts, ours
    # and Bootstrap's (served by the app, not nginx).
    _login(auth)
    from app.auth import sessions

    monkeypatch.setattr(sessions, "load", _gone)
    with app.test_request_context():
        from flask import url_for

        urls = [
            url_for("static", filename="css/app.css"),
            url_for("bootstrap.static", filename="css/bootstrap.min.css"),
        ]
    for url in urls:
        response = client.get(url)
        response.close()  # a file response holds the file open
        assert response.status_code == 200, url
