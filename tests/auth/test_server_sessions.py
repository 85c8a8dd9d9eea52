"""Server-side sessions (app/auth/sessions.py): logout, idle and absolute timeouts, ending
other sessions, password changes and deactivation end the row, so a copied cookie is refused;
the strong-protection identifier ignores X-Forwarded-For; remember cookies load nobody."""

import hashlib
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from flask_login.utils import encode_cookie
from sqlalchemy import select

from app.admin.services import deactivate_user
from app.auth.models import Role, User
from app.auth.sessions import SESSION_KEY, UserSession
from app.core.audit import AuditLog
from app.extensions import db
from config import Config
from tests import factories
from tests.auth.conftest import link_in

START = datetime(2026, 3, 2, 2, 0, 10, tzinfo=UTC)
LIMITS = (
    "SESSION_IDLE_STAFF_MINUTES",
    "SESSION_IDLE_PEMDA_MINUTES",
    "SESSION_MAX_HOURS",
    "PERMANENT_SESSION_LIFETIME",
)


@pytest.fixture(autouse=True)
def production_limits(app, monkeypatch):
    """The limits of every environment (config.Config); Testing relaxes them for other tests."""
    for name in LIMITS:
        monkeypatch.setitem(app.config, name, getattr(Config, name))


def test_the_limits_are_30_minutes_2_hours_and_12_hours():
    assert (Config.SESSION_IDLE_STAFF_MINUTES, Config.SESSION_IDLE_PEMDA_MINUTES) == (30, 120)
    assert Config.SESSION_MAX_HOURS == 12
    assert Config.PERMANENT_SESSION_LIFETIME == Config.WTF_CSRF_TIME_LIMIT == 12 * 3600


ENDED = "Sesi Anda telah berakhir"
NEW = "gedung radius prawiro lantai sembilan"


def _cookie(client) -> str:
    return client.get_cookie("session").value


def _copy(app, client, ip: str = "127.0.0.1", **headers):
    """Another client holding a copy of `client`'s session cookie (a stolen cookie)."""
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = ip
    for name, value in headers.items():
        other.environ_base[name] = value
    other.set_cookie("session", _cookie(client))
    return other


def _logged_in(client) -> bool:
    return client.get("/akun").status_code == 200


def _rows(user) -> list[UserSession]:
    db.session.expire_all()
    return list(
        db.session.scalars(select(UserSession).where(UserSession.user_id == user.id).order_by(UserSession.id))
    )


def _ended_actions() -> list[AuditLog]:
    return list(db.session.scalars(select(AuditLog).where(AuditLog.action == "auth.session_ended")))


def _login(auth, role=Role.PEMDA):
    user = factories.pemda_user() if role == Role.PEMDA else factories.user(role)
    db.session.commit()
    auth.login(user)
    return user


def test_login_opens_a_row_that_stores_only_a_hash_of_the_cookie_id(client, auth):
    user = _login(auth)
    (row,) = _rows(user)
    with client.session_transaction() as sess:
        raw = sess[SESSION_KEY]
    assert len(raw) >= 40 and raw not in row.token_hash
    assert row.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert row.ip == "127.0.0.1" and row.ended_at is None and row.session_version == user.session_version


def test_a_cookie_copied_before_logout_is_refused_after_it(app, client, auth):
    user = _login(auth)
    stolen = _copy(app, client)
    assert _logged_in(stolen)
    client.post("/keluar")
    (row,) = _rows(user)
    assert row.ended_at is not None and row.end_reason == "logout"
    response = stolen.get("/akun")
    assert response.status_code == 302 and response.headers["Location"].startswith("/masuk")
    assert ENDED in stolen.get("/masuk").get_data(as_text=True)
    assert not _logged_in(stolen)


def test_staff_session_ends_after_30_idle_minutes(client, auth):
    with time_machine.travel(START, tick=False) as traveller:
        user = _login(auth, Role.RECEPTIONIST)
        traveller.shift(timedelta(minutes=29))
        assert _logged_in(client)  # activity: the idle clock starts again
        traveller.shift(timedelta(minutes=29))
        assert _logged_in(client)
        traveller.shift(timedelta(minutes=30))
        response = client.get("/akun")
        assert response.status_code == 302
        assert response.headers["Location"] == "/masuk?next=/akun"
        html = client.get("/masuk").get_data(as_text=True)
        assert "Sesi Anda telah berakhir karena tidak ada aktivitas. Silakan masuk lagi." in html
        (row,) = _rows(user)
        assert row.end_reason == "idle"
        (action,) = _ended_actions()
        assert action.after == {"reason": "idle", "sessions": [row.id]}


def test_pemda_session_may_idle_for_two_hours(client, auth):
    with time_machine.travel(START, tick=False) as traveller:
        _login(auth)
        traveller.shift(timedelta(minutes=119))
        assert _logged_in(client)
        traveller.shift(timedelta(minutes=120))
        assert not _logged_in(client)


def test_idle_limits_come_from_the_settings(app, client, auth, monkeypatch):
    monkeypatch.setitem(app.config, "SESSION_IDLE_PEMDA_MINUTES", 10)
    with time_machine.travel(START, tick=False) as traveller:
        _login(auth)
        traveller.shift(timedelta(minutes=10))
        assert not _logged_in(client)


def test_no_session_lasts_longer_than_twelve_hours(client, auth):
    with time_machine.travel(START, tick=False) as traveller:
        user = _login(auth)
        for minutes in range(20, 12 * 60, 20):  # busy all day: a request every 20 minutes
            traveller.move_to(START + timedelta(minutes=minutes))
            assert _logged_in(client), minutes
        traveller.move_to(START + timedelta(hours=12))
        response = client.get("/akun")
        assert response.status_code == 302
        html = client.get("/masuk").get_data(as_text=True)
        assert "Sesi Anda telah berakhir karena sudah berlangsung 12 jam. Silakan masuk lagi." in html
        assert _rows(user)[0].end_reason == "expired"


def test_last_seen_is_written_at_most_once_a_minute(client, auth):
    with time_machine.travel(START, tick=False) as traveller:
        user = _login(auth)
        traveller.shift(timedelta(seconds=50))
        assert _logged_in(client)
        assert _rows(user)[0].last_seen_at == START
        traveller.shift(timedelta(seconds=20))
        assert _logged_in(client)
        assert _rows(user)[0].last_seen_at == START + timedelta(seconds=70)


def test_a_stolen_cookie_with_the_victims_address_in_x_forwarded_for_is_refused(app, client, auth):
    client.environ_base["REMOTE_ADDR"] = "203.0.113.7"
    _login(auth)
    assert _logged_in(client)
    stolen = _copy(app, client, ip="198.51.100.9", HTTP_X_FORWARDED_FOR="203.0.113.7")
    response = stolen.get("/akun")
    assert response.status_code == 302 and response.headers["Location"].startswith("/masuk")
    assert _logged_in(client)  # the owner goes on


def test_a_remember_cookie_cannot_bring_back_an_ended_session(app, client, auth):
    user = _login(auth)
    client.post("/keluar")
    with app.test_request_context():
        forged = encode_cookie(user.get_id())  # signed with the app's key, as Flask-Login would
    client.set_cookie("remember_token", forged)
    assert not _logged_in(client)
    fresh = app.test_client()
    fresh.set_cookie("remember_token", forged)
    assert not _logged_in(fresh)


def test_account_page_lists_sessions_and_ends_the_others(app, client, auth):
    user = _login(auth)
    phone = app.test_client()
    phone.environ_base["REMOTE_ADDR"] = "10.1.2.3"
    phone.environ_base["HTTP_USER_AGENT"] = (
        "Mozilla/5.0 (Linux; Android 14) Chrome/126.0 Mobile Safari/537.36"
    )
    factories.pass_code_step(
        phone, phone.post("/masuk", data={"email": user.email, "password": factories.PASSWORD}), user.email
    )
    html = client.get("/akun").get_data(as_text=True)
    assert html.count('data-session="') == 2
    assert "Perangkat ini" in html and "10.1.2.3" in html and "Chrome, Android" in html
    response = client.post("/akun/sesi/akhiri-lainnya", data={"sesi-submit": "Akhiri semua sesi lain"})
    assert response.status_code == 302 and response.headers["Location"] == "/akun"
    assert "Sesi di perangkat lain telah diakhiri." in client.get("/akun").get_data(as_text=True)
    assert _logged_in(client)
    assert not _logged_in(phone)
    first, second = _rows(user)
    assert first.ended_at is None and second.end_reason == "ended_by_user"
    (action,) = _ended_actions()
    assert action.actor_id == user.id and action.after == {"reason": "ended_by_user", "sessions": [second.id]}


def test_password_change_ends_every_other_session_and_keeps_this_one(app, client, auth):
    user = _login(auth)
    stolen = _copy(app, client)
    response = client.post(
        "/akun",
        data={
            "pw-current_password": factories.PASSWORD,
            "pw-password": NEW,
            "pw-confirm": NEW,
            "pw-submit": "x",
        },
    )
    assert response.status_code == 302
    assert _logged_in(client)
    assert not _logged_in(stolen)
    old, new = _rows(user)
    assert old.end_reason == "password_changed" and new.ended_at is None


def test_deactivation_ends_the_users_sessions(app, client, auth):
    user = _login(auth)
    admin = factories.user(Role.ADMIN)
    db.session.commit()
    deactivate_user(db.session.get(User, user.id), admin)
    db.session.commit()
    (row,) = _rows(user)
    assert row.end_reason == "deactivated"
    assert not _logged_in(client)
    (action,) = _ended_actions()
    assert action.actor_id == admin.id


def test_password_reset_ends_every_session_row(app, client, auth, outbox):
    user = _login(auth)
    other = app.test_client()
    other.post("/lupa-kata-sandi", data={"email": user.email})
    link = link_in(outbox[-1], "/atur-ulang-kata-sandi/")
    assert other.post(link, data={"password": NEW, "confirm": NEW}).status_code == 302
    (row,) = _rows(user)
    assert row.end_reason == "password_reset"
    assert not _logged_in(client)
