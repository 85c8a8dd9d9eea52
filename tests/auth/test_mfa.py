"""The second factor at login: the code step, replay, recovery codes, limits, expiry, and
enrolment at a staff member's first login (the Pemda side and the admin reset are in
test_mfa_account.py)."""

import hashlib
import re
from datetime import UTC, datetime, timedelta

import pyotp
import time_machine
from sqlalchemy import select

from app.auth.models import MfaRecoveryCode, Role, User
from app.core.audit import AuditLog
from app.extensions import db
from tests import factories

START = datetime(2026, 3, 2, 2, 0, 10, tzinfo=UTC)  # 10 s into a 30-second step
WAIT = "Terlalu banyak percobaan. Silakan tunggu beberapa menit lalu coba lagi."
WRONG = "Kode verifikasi salah, kedaluwarsa, atau sudah dipakai."
CODE = re.compile(r"<li class=\"col\">([a-z0-9-]+)</li>")


def _password(client, user):
    return client.post("/masuk", data={"email": user.email, "password": factories.PASSWORD})


def _code(client, code):
    return client.post("/masuk/kode", data={"code": code})


def _actions(action):
    return db.session.scalars(select(AuditLog).where(AuditLog.action == action)).all()


def _logged_in(client) -> bool:
    return client.get("/akun").status_code == 200


def _staff(**kwargs):
    user = factories.user(Role.COORDINATOR, **kwargs)
    db.session.commit()
    return user


def test_the_password_alone_does_not_log_staff_in(client):
    with time_machine.travel(START, tick=False):
        user = _staff()
        response = _password(client, user)
        assert response.status_code == 302 and response.headers["Location"] == "/masuk/kode"
        assert not _logged_in(client)
        assert client.get("/admin/pendaftaran").status_code == 302
        page = client.get("/masuk/kode").get_data(as_text=True)
        assert 'autocomplete="one-time-code"' in page
        assert _actions("auth.login") == []
        response = _code(client, factories.totp_code())
        assert response.status_code == 302 and response.headers["Location"] == "/"
        assert _logged_in(client)
        assert len(_actions("auth.login")) == 1


def test_a_wrong_code_is_refused_and_audited(client):
    with time_machine.travel(START, tick=False):
        user = _staff()
        _password(client, user)
        response = _code(client, "000000" if factories.totp_code() != "000000" else "111111")
        assert response.status_code == 200
        assert WRONG in response.get_data(as_text=True)
        assert 'id="ringkasan-kesalahan"' in response.get_data(as_text=True)
        assert not _logged_in(client)
        (failure,) = _actions("security.mfa_failed")
        assert failure.object_id == str(user.id)


def test_a_code_is_never_accepted_twice(app, client):
    """A code seen over someone's shoulder (or phished) is dead once its owner used it."""
    with time_machine.travel(START, tick=False):
        user = _staff()
        code = factories.totp_code()
        _password(client, user)
        assert _code(client, code).status_code == 302
        thief = app.test_client()
        _password(thief, user)
        response = _code(thief, code)
        assert response.status_code == 200 and WRONG in response.get_data(as_text=True)
        assert not _logged_in(thief)
        # Nor a code of an earlier step, still inside the one-step window.
        earlier = factories.totp_code(at=START - timedelta(seconds=30))
        assert _code(thief, earlier).status_code == 200
        assert not _logged_in(thief)
        # The next step's code is fine.
        assert _code(thief, factories.totp_code(at=START + timedelta(seconds=30))).status_code == 302
        assert _logged_in(thief)


def test_codes_one_step_either_side_are_accepted_but_not_two(client):
    with time_machine.travel(START, tick=False):
        user = _staff()
        _password(client, user)
        too_old = factories.totp_code(at=START - timedelta(seconds=60))
        assert _code(client, too_old).status_code == 200
        assert _code(client, factories.totp_code(at=START - timedelta(seconds=30))).status_code == 302


def test_the_code_step_expires_after_five_minutes(client):
    with time_machine.travel(START, tick=False) as traveller:
        user = _staff()
        _password(client, user)
        traveller.shift(timedelta(minutes=5, seconds=1))
        response = _code(client, factories.totp_code())
        assert response.status_code == 302 and response.headers["Location"] == "/masuk"
        assert not _logged_in(client)


def test_a_password_change_in_between_voids_the_code_step(client):
    with time_machine.travel(START, tick=False):
        user = _staff()
        _password(client, user)
        user.session_version += 1  # e.g. the owner reset the password meanwhile
        db.session.commit()
        assert _code(client, factories.totp_code()).headers["Location"] == "/masuk"
        assert not _logged_in(client)


def test_sixth_wrong_code_waits_even_with_the_right_code(app, client):
    """Guessing 6 digits: 5 failures per 5 minutes per account, from any client."""
    with time_machine.travel(START, tick=False) as traveller:
        user = _staff()
        for i in range(5):
            other_client = app.test_client()
            _password(other_client, user)
            assert (
                _code(
                    other_client, f"{i:06d}" if f"{i:06d}" != factories.totp_code() else "999999"
                ).status_code
                == 200
            )
        _password(client, user)
        response = _code(client, factories.totp_code())
        assert response.status_code == 429 and WAIT in response.get_data(as_text=True)
        assert not _logged_in(client)
        # Another account is not touched.
        other = _staff()
        other_client = app.test_client()
        _password(other_client, other)
        assert _code(other_client, factories.totp_code()).status_code == 302
        traveller.shift(timedelta(minutes=5, seconds=30))
        _password(client, user)
        assert _code(client, factories.totp_code()).status_code == 302


def test_right_codes_do_not_count_towards_the_limit(app, client):
    with time_machine.travel(START, tick=False) as traveller:
        user = _staff()
        for _ in range(7):
            traveller.shift(timedelta(seconds=30))
            c = app.test_client()
            _password(c, user)
            assert _code(c, factories.totp_code()).status_code == 302


def _enrol(client, user):
    """Password, then the enrolment page: the secret as the page shows it."""
    response = _password(client, user)
    assert response.headers["Location"] == "/masuk/daftarkan-kode"
    page = client.get("/masuk/daftarkan-kode").get_data(as_text=True)
    secret = re.search(r'<code[^>]*id="kunci-rahasia">([A-Z2-7 ]+)</code>', page).group(1).replace(" ", "")
    return page, secret


def test_new_staff_enrol_at_first_login_and_see_recovery_codes_once(client):
    with time_machine.travel(START, tick=False):
        user = _staff(mfa=False)
        page, secret = _enrol(client, user)
        assert "<svg" in page and "qr-code" in page  # the QR code is inline, no image request
        assert db.session.get(User, user.id).mfa_secret == secret
        assert pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name="Konsultasi DJPK")
        # Nothing else is reachable meanwhile, not even the code page.
        assert not _logged_in(client)
        assert client.get("/masuk/kode").headers["Location"] == "/masuk/daftarkan-kode"
        # Reloading shows the same secret (the app may already hold it).
        assert _enrol_secret_again(client) == secret
        wrong = client.post("/masuk/daftarkan-kode", data={"code": "12345"})
        assert wrong.status_code == 200 and "Kode terdiri atas 6 angka." in wrong.get_data(as_text=True)
        response = client.post("/masuk/daftarkan-kode", data={"code": pyotp.TOTP(secret).at(START)})
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "no-store"
        codes = CODE.findall(response.get_data(as_text=True))
        assert len(codes) == 10 and len(set(codes)) == 10
        assert _logged_in(client)
        fresh = db.session.get(User, user.id)
        assert fresh.mfa_enabled
        stored = db.session.scalars(
            select(MfaRecoveryCode.code_hash).where(MfaRecoveryCode.user_id == user.id)
        ).all()
        assert len(stored) == 10
        assert hashlib.sha256(codes[0].replace("-", "").encode()).hexdigest() in stored
        assert not any(code.replace("-", "") in h for code in codes for h in stored)
        assert len(_actions("security.mfa_enrolled")) == 1
        # Shown once: the codes are on no other page.
        assert codes[0] not in client.get("/akun").get_data(as_text=True)


def _enrol_secret_again(client):
    page = client.get("/masuk/daftarkan-kode").get_data(as_text=True)
    return re.search(r'id="kunci-rahasia">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")


def test_a_recovery_code_works_once(app, client):
    with time_machine.travel(START, tick=False):
        user = _staff(mfa=False)
        _, secret = _enrol(client, user)
        response = client.post("/masuk/daftarkan-kode", data={"code": pyotp.TOTP(secret).at(START)})
        code = CODE.findall(response.get_data(as_text=True))[3]
        client.post("/keluar")
        _password(client, user)
        response = _code(client, code.upper().replace("-", " "))  # read back from paper
        assert response.status_code == 302 and _logged_in(client)
        assert "Sisa kode pemulihan: 9." in client.get("/akun").get_data(as_text=True)
        (used,) = _actions("security.recovery_code_used")
        assert used.after == {"remaining": 9}
        other = app.test_client()
        _password(other, user)
        assert _code(other, code).status_code == 200
        assert not _logged_in(other)


def test_a_staff_session_without_second_factor_ends(client, auth):
    """A session opened before the factor was required goes no further."""
    user = _staff()
    auth.login(user)
    assert _logged_in(client)
    user.mfa_enabled_at = None  # as for every account before the factor existed
    user.mfa_secret = None
    db.session.commit()
    response = client.get("/akun")
    assert response.status_code == 302 and response.headers["Location"] == "/masuk"
    assert "wajib memakai verifikasi dua langkah" in client.get("/masuk").get_data(as_text=True)
    assert not _logged_in(client)


def test_pemda_without_second_factor_logs_in_with_the_password(client):
    user = factories.pemda_user()
    db.session.commit()
    response = _password(client, user)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert _logged_in(client)
