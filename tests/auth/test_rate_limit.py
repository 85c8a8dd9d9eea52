"""Login limits: 10 failures per 5 minutes per account and address and per address, a wider
ceiling per account; successes are free."""

from datetime import UTC, datetime, timedelta

import time_machine

from app.auth.models import Role
from app.extensions import db
from tests import factories

WAIT = "Terlalu banyak percobaan. Silakan tunggu beberapa menit lalu coba lagi."
START = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)


def _attempt(client, email, password="bukan kata sandinya", ip="127.0.0.1"):
    return client.post(
        "/masuk", data={"email": email, "password": password}, environ_overrides={"REMOTE_ADDR": ip}
    )


def test_eleventh_failure_on_one_account_from_one_address_is_refused(app, client):
    user = factories.user(Role.RECEPTIONIST)
    db.session.commit()
    for _ in range(10):
        assert _attempt(client, user.email, ip="10.0.0.1").status_code == 200
    response = _attempt(client, user.email.upper(), ip="10.0.0.1")
    assert response.status_code == 429
    html = response.get_data(as_text=True)
    assert WAIT in html
    assert 'name="password"' in html  # the login page itself, not a bare error page
    # Even the right password waits now from that address, while other accounts are untouched.
    assert _attempt(client, user.email, factories.PASSWORD, ip="10.0.0.1").status_code == 429
    other = factories.user(Role.RECEPTIONIST)
    db.session.commit()
    assert _attempt(app.test_client(), other.email, factories.PASSWORD, ip="10.0.1.3").status_code == 302


def test_failures_spread_over_addresses_meet_the_account_ceiling(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_ACCOUNT_LIMIT", "15 per hour")
    user = factories.user(Role.RECEPTIONIST)
    db.session.commit()
    for i in range(15):
        assert _attempt(client, user.email, ip=f"10.0.0.{i + 1}").status_code == 200
    # The 16th from a new address (even with the right password) waits: guessing from many
    # addresses ends at the ceiling.
    assert _attempt(client, user.email, factories.PASSWORD, ip="10.0.1.1").status_code == 429


def test_eleventh_failure_from_one_address_is_refused_for_any_account(client):
    for i in range(10):
        assert _attempt(client, f"tebakan{i}@example.go.id").status_code == 200
    response = _attempt(client, "tebakan-lain@example.go.id")
    assert response.status_code == 429
    assert WAIT in response.get_data(as_text=True)
    assert _attempt(client, "tebakan-lain@example.go.id", ip="10.9.9.9").status_code == 200


def test_successful_logins_are_not_counted(app, client):
    user = factories.user(Role.RECEPTIONIST)
    db.session.commit()
    for _ in range(9):
        assert _attempt(client, user.email).status_code == 200
    assert _attempt(app.test_client(), user.email, factories.PASSWORD).status_code == 302
    assert _attempt(client, user.email).status_code == 200  # the 10th failure
    assert _attempt(client, user.email).status_code == 429  # the 11th


def test_refusals_for_account_state_are_not_counted(client):
    user = factories.pemda_user(active=False)
    db.session.commit()
    for _ in range(12):
        response = _attempt(client, user.email, factories.PASSWORD)
        assert response.status_code == 200
        assert "menunggu aktivasi" in response.get_data(as_text=True)


def test_showing_the_login_page_is_never_limited(client):
    for _ in range(11):
        _attempt(client, "tebakan@example.go.id")
    assert client.get("/masuk").status_code == 200


def test_limit_lifts_after_the_window(client):
    user = factories.user(Role.RECEPTIONIST)
    db.session.commit()
    with time_machine.travel(START, tick=False) as traveller:
        for _ in range(10):
            _attempt(client, user.email)
        assert _attempt(client, user.email, factories.PASSWORD).status_code == 429
        traveller.shift(timedelta(minutes=5, seconds=1))
        assert _attempt(client, user.email, factories.PASSWORD).status_code == 302
