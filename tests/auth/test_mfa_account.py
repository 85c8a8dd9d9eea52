"""The second factor from the account page (a Pemda operator turns it on and off), the
administrator's reset, and the fresh confirmation before sensitive changes."""

import re
from datetime import UTC, datetime, timedelta

import pyotp
import time_machine
from sqlalchemy import select

from app.auth.models import MfaRecoveryCode, Role, User
from app.core.audit import AuditLog
from app.extensions import db
from app.outbox.models import OutboxMessage
from tests import factories

START = datetime(2026, 3, 2, 2, 0, 10, tzinfo=UTC)
WRONG = "Kode verifikasi salah, kedaluwarsa, atau sudah dipakai."


def _actions(action):
    return db.session.scalars(select(AuditLog).where(AuditLog.action == action)).all()


def _secret_on(page: str) -> str:
    return re.search(r'id="kunci-rahasia">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")


def _pemda_with_factor(client, auth):
    user = factories.pemda_user()
    db.session.commit()
    auth.login(user)
    assert "Aktifkan verifikasi dua langkah" in client.get("/akun").get_data(as_text=True)
    secret = _secret_on(client.get("/akun/verifikasi-dua-langkah").get_data(as_text=True))
    response = client.post("/akun/verifikasi-dua-langkah", data={"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert len(re.findall(r'<li class="col">', response.get_data(as_text=True))) == 10
    return user, secret


def test_pemda_turns_the_factor_on_and_then_needs_a_code(client, auth):
    with time_machine.travel(START, tick=False) as traveller:
        user, secret = _pemda_with_factor(client, auth)
        assert db.session.get(User, user.id).mfa_enabled
        assert len(_actions("security.mfa_enrolled")) == 1
        client.post("/keluar")
        response = client.post("/masuk", data={"email": user.email, "password": factories.PASSWORD})
        assert response.headers["Location"] == "/masuk/kode"
        traveller.shift(timedelta(seconds=30))
        assert client.post("/masuk/kode", data={"code": pyotp.TOTP(secret).now()}).status_code == 302
        assert "Sisa kode pemulihan: 10." in client.get("/akun").get_data(as_text=True)


def test_turning_it_off_needs_the_password_and_a_code(client, auth):
    with time_machine.travel(START, tick=False) as traveller:
        user, secret = _pemda_with_factor(client, auth)
        traveller.shift(timedelta(seconds=30))
        code = pyotp.TOTP(secret).now()
        refused = client.post(
            "/akun/verifikasi-dua-langkah/matikan", data={"password": "bukan kata sandinya", "code": code}
        )
        assert refused.status_code == 200 and "Kata sandi saat ini salah." in refused.get_data(as_text=True)
        refused = client.post(
            "/akun/verifikasi-dua-langkah/matikan", data={"password": factories.PASSWORD, "code": "000000"}
        )
        assert WRONG in refused.get_data(as_text=True)
        assert db.session.get(User, user.id).mfa_enabled
        response = client.post(
            "/akun/verifikasi-dua-langkah/matikan", data={"password": factories.PASSWORD, "code": code}
        )
        assert response.status_code == 302
        fresh = db.session.get(User, user.id)
        assert not fresh.mfa_enabled and fresh.mfa_secret is None
        assert (
            db.session.scalars(select(MfaRecoveryCode).where(MfaRecoveryCode.user_id == user.id)).all() == []
        )
        assert len(_actions("security.mfa_disabled")) == 1


def test_staff_cannot_turn_the_factor_off(client, auth):
    user = factories.user(Role.NARASUMBER)
    db.session.commit()
    auth.login(user)
    page = client.get("/akun").get_data(as_text=True)
    assert "Wajib untuk akun staf DJPK" in page
    response = client.post(
        "/akun/verifikasi-dua-langkah/matikan",
        data={"password": factories.PASSWORD, "code": factories.totp_code()},
    )
    assert response.status_code == 403
    assert db.session.get(User, user.id).mfa_enabled


def _admin(client, auth):
    admin = factories.user(Role.ADMIN, name="Admin DJPK")
    db.session.commit()
    auth.login(admin)
    return admin


def test_admin_resets_a_lost_factor(app, client, auth):
    with time_machine.travel(START, tick=False):
        target = factories.user(Role.COORDINATOR, name="Sri Koordinator")
        db.session.commit()
        target_client = app.test_client()
        factories.pass_code_step(
            target_client,
            target_client.post("/masuk", data={"email": target.email, "password": factories.PASSWORD}),
            target.email,
        )
        assert target_client.get("/akun").status_code == 200
        admin = _admin(client, auth)
        assert "Atur ulang verifikasi dua langkah" in client.get(f"/admin/pengguna/{target.id}").get_data(
            as_text=True
        )
        response = client.post(f"/admin/pengguna/{target.id}/verifikasi-dua-langkah/atur-ulang")
        assert response.status_code == 302
        fresh = db.session.get(User, target.id)
        assert not fresh.mfa_enabled and fresh.mfa_secret is None
        (entry,) = _actions("security.mfa_reset")
        assert entry.actor_id == admin.id and entry.object_id == str(target.id)
        (mail,) = db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == "auth/mfa_reset")
        ).all()
        assert mail.recipients == [target.email]
        assert "diatur ulang" in mail.subject
        # Their open session has ended, and the next login enrols again.
        assert target_client.get("/akun").status_code == 302
        response = target_client.post("/masuk", data={"email": target.email, "password": factories.PASSWORD})
        assert response.headers["Location"] == "/masuk/daftarkan-kode"


def test_only_an_admin_resets_and_never_their_own(client, auth):
    coordinator = factories.user(Role.COORDINATOR)
    other = factories.user(Role.NARASUMBER)
    db.session.commit()
    auth.login(coordinator)
    assert client.post(f"/admin/pengguna/{other.id}/verifikasi-dua-langkah/atur-ulang").status_code == 403
    client.post("/keluar")
    admin = _admin(client, auth)
    client.post(f"/admin/pengguna/{admin.id}/verifikasi-dua-langkah/atur-ulang")
    assert db.session.get(User, admin.id).mfa_enabled
    assert db.session.get(User, other.id).mfa_enabled
    assert _actions("security.mfa_reset") == []


def test_a_stale_admin_confirms_before_a_role_change(client, auth):
    """A session left open (or stolen) cannot change roles without the password and a code."""
    with time_machine.travel(START, tick=False) as traveller:
        target = factories.user(Role.NARASUMBER)
        db.session.commit()
        _admin(client, auth)
        traveller.shift(timedelta(minutes=16))
        data = {"name": target.name, "phone": target.phone, "role": "coordinator"}
        response = client.post(f"/admin/pengguna/{target.id}", data=data)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/masuk/konfirmasi?next=")
        assert db.session.get(User, target.id).role == Role.NARASUMBER
        # The same for the reset and the policy; GETs come back to their page.
        assert (
            client.post(f"/admin/pengguna/{target.id}/verifikasi-dua-langkah/atur-ulang").status_code == 302
        )
        assert db.session.get(User, target.id).mfa_enabled
        response = client.get("/admin/kebijakan/baru")
        assert response.headers["Location"] == "/masuk/konfirmasi?next=/admin/kebijakan/baru"
        # The password alone, or a wrong code, is not enough.
        page = client.post(
            "/masuk/konfirmasi?next=/admin/kebijakan/baru",
            data={"password": factories.PASSWORD, "code": "000000"},
        )
        assert page.status_code == 200 and WRONG in page.get_data(as_text=True)
        page = client.post(
            "/masuk/konfirmasi?next=/admin/kebijakan/baru",
            data={"password": "bukan kata sandinya", "code": factories.totp_code()},
        )
        assert "Kata sandi salah." in page.get_data(as_text=True)
        assert client.get("/admin/kebijakan/baru").status_code == 302
        response = client.post(
            "/masuk/konfirmasi?next=/admin/kebijakan/baru",
            data={"password": factories.PASSWORD, "code": factories.totp_code()},
        )
        assert response.headers["Location"] == "/admin/kebijakan/baru"
        assert len(_actions("security.reauth")) == 1
        assert client.post(f"/admin/pengguna/{target.id}", data=data).status_code == 302
        assert db.session.get(User, target.id).role == Role.COORDINATOR
        traveller.shift(timedelta(minutes=16))
        assert client.get("/admin/kebijakan/baru").status_code == 302


def test_confirmation_does_not_go_off_site(client, auth):
    with time_machine.travel(START, tick=False):
        _admin(client, auth)
        response = client.post(
            "/masuk/konfirmasi?next=https://evil.example/",
            data={
                "password": factories.PASSWORD,
                "code": factories.totp_code(at=START + timedelta(seconds=30)),
            },
        )
        assert response.headers["Location"] == "/"


def test_new_recovery_codes_replace_the_old_ones(client, auth):
    with time_machine.travel(START, tick=False) as traveller:
        user, secret = _pemda_with_factor(client, auth)
        old = db.session.scalars(
            select(MfaRecoveryCode.code_hash).where(MfaRecoveryCode.user_id == user.id)
        ).all()
        # The code just used for enrolment is spent: the same step is refused here too.
        refused = client.post("/akun/kode-pemulihan", data={"code": pyotp.TOTP(secret).now()})
        assert refused.status_code == 200 and WRONG in refused.get_data(as_text=True)
        traveller.shift(timedelta(seconds=30))
        response = client.post("/akun/kode-pemulihan", data={"code": pyotp.TOTP(secret).now()})
        assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
        codes = re.findall(r'<li class="col">([a-z0-9-]+)</li>', response.get_data(as_text=True))
        assert len(codes) == 10
        new = db.session.scalars(
            select(MfaRecoveryCode.code_hash).where(MfaRecoveryCode.user_id == user.id)
        ).all()
        assert len(new) == 10 and not set(old) & set(new)
        assert len(_actions("security.recovery_codes_replaced")) == 1


def test_a_stale_coordinator_confirms_before_activating_or_rejecting_a_registration(client, auth):
    """Letting a new Pemda account in (or turning it away) changes another user's account."""
    with time_machine.travel(START, tick=False) as traveller:
        pending = factories.pemda_user(active=False, email="baru@brebeskab.go.id")
        other = factories.pemda_user(active=False, email="lain@brebeskab.go.id")
        coordinator = factories.user(Role.COORDINATOR)
        db.session.commit()
        auth.login(coordinator)
        traveller.shift(timedelta(minutes=16))
        for path, data in (
            (f"/admin/pendaftaran/{pending.id}/aktifkan", {}),
            (f"/admin/pendaftaran/{other.id}/tolak", {"reason": "Bukan pegawai BPKAD Kab. Brebes."}),
        ):
            response = client.post(path, data=data, headers={"Referer": "http://localhost/admin/pendaftaran"})
            assert response.headers["Location"].startswith("/masuk/konfirmasi?next=")
        db.session.expire_all()
        assert db.session.get(User, pending.id).activated_at is None
        assert db.session.get(User, other.id).deactivated_at is None
        client.post(
            "/masuk/konfirmasi?next=/admin/pendaftaran",
            data={"password": factories.PASSWORD, "code": factories.totp_code()},
        )
        assert client.post(f"/admin/pendaftaran/{pending.id}/aktifkan").status_code == 302
        db.session.expire_all()
        assert db.session.get(User, pending.id).activated_at is not None
