"""One code, many requests at the same moment: exactly one is let in (the last used time step
is raised by a single conditional UPDATE), and a recovery code is consumed once. Each attempt
runs in its own thread with its own application context, session and connection; a Barrier
starts them together."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from app.auth import mfa
from app.auth.models import MfaRecoveryCode, Role, User
from app.extensions import db
from tests import factories


def _attempt(app, barrier, user_id: int, code: str) -> str | None:
    with app.test_request_context():
        try:
            user = db.session.get(User, user_id)
            barrier.wait(timeout=60)
            factor = mfa.check_code(user, code)
            db.session.commit()
            return factor
        finally:
            db.session.remove()


def _race(app, n: int, user_id: int, code: str) -> list:
    barrier = threading.Barrier(n)
    with ThreadPoolExecutor(max_workers=n) as pool:
        futures = [pool.submit(_attempt, app, barrier, user_id, code) for _ in range(n)]
        return [f.result(timeout=120) for f in futures]


def _same_code_race(app, n: int) -> None:
    user = factories.user(Role.COORDINATOR)
    db.session.commit()
    results = _race(app, n, user.id, factories.totp_code())
    assert sorted(results, key=str) == [None] * (n - 1) + [mfa.Factor.TOTP]


def _same_recovery_code_race(app, n: int) -> None:
    user = factories.user(Role.COORDINATOR)
    codes = mfa._new_recovery_codes(user)
    db.session.commit()
    results = _race(app, n, user.id, codes[0])
    assert results.count(mfa.Factor.RECOVERY) == 1 and results.count(None) == n - 1
    db.session.expire_all()
    used = [c for c in db.session.query(MfaRecoveryCode).filter_by(user_id=user.id) if c.used_at]
    assert len(used) == 1


def test_concurrent_sqlite_one_code_lets_one_request_in(app):
    _same_code_race(app, 8)


def test_concurrent_sqlite_one_recovery_code_is_used_once(app):
    _same_recovery_code_race(app, 8)


@pytest.mark.postgres
def test_concurrent_ten_requests_with_one_code_let_one_in(app, postgres_url):
    _same_code_race(app, 10)


@pytest.mark.postgres
def test_concurrent_ten_requests_with_one_recovery_code_use_it_once(app, postgres_url):
    _same_recovery_code_race(app, 10)
