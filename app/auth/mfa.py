"""The second factor: TOTP codes (RFC 6238, an authenticator app) and one-time recovery codes.

Staff must use it (enrolment at their first login); a Pemda operator may turn it on from the
account page. A TOTP code is accepted one step either side of now (valid_window=1) and never
twice: the user's last accepted time step is kept, and a code of that step or an earlier one
is refused, also when two requests race (the step is raised by one conditional UPDATE). A
recovery code is consumed the same way. Recovery codes are random (about 60 bits), so a plain
SHA-256 of each is stored rather than a slow password hash.

Each function changes rows and audits in the caller's transaction; the route commits.
"""

import hashlib
import hmac
import secrets
from datetime import datetime

import pyotp
from markupsafe import Markup
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm.attributes import set_committed_value

from app.auth.models import MfaRecoveryCode, User
from app.core import audit
from app.core.clock import now_utc
from app.core.mail import queue_email
from app.core.urls import public_url_for
from app.extensions import db

ISSUER = "Konsultasi DJPK"
RECOVERY_CODE_COUNT = 10
# No 0/o, 1/l/i: a code copied from paper is read back right.
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
_RECOVERY_LENGTH = 12


class Factor:
    TOTP = "totp"
    RECOVERY = "recovery"


def start_enrolment(user: User) -> str:
    """The secret to show for enrolment; kept while the enrolment is unconfirmed, so that
    reloading the page shows the same QR code."""
    if user.mfa_enabled:
        raise ValueError("the second factor is already on")
    if not user.mfa_secret:
        user.mfa_secret = pyotp.random_base32()  # 160 bits
        user.mfa_last_step = None
    return user.mfa_secret


def provisioning_uri(user: User) -> str:
    return pyotp.TOTP(user.mfa_secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_svg(user: User, title: str) -> Markup:
    """The enrolment QR code as inline SVG (no image request, no external service)."""
    from app.attendance.qr import qr_svg as make_svg

    return make_svg(provisioning_uri(user), title=title, scale=4)


def grouped_secret(secret: str) -> str:
    """The secret in groups of four, easier to type into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _digits(code: str) -> str:
    return "".join((code or "").split()).replace("-", "")


def _matching_step(secret: str, code: str, at: datetime) -> int | None:
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    now_step = totp.timecode(at)
    for step in (now_step - 1, now_step, now_step + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _claim_step(user: User, step: int) -> bool:
    """Raise the user's last step to `step` unless it is there already: True when it was raised."""
    result = db.session.execute(
        update(User)
        .where(User.id == user.id, or_(User.mfa_last_step.is_(None), User.mfa_last_step < step))
        .values(mfa_last_step=step)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return False
    set_committed_value(user, "mfa_last_step", step)
    return True


def verify_totp(user: User, code: str, *, at: datetime | None = None) -> bool:
    """True for a right code of a step later than the last one used (and then uses it)."""
    if not user.mfa_secret:
        return False
    step = _matching_step(user.mfa_secret, _digits(code), at or now_utc())
    return step is not None and _claim_step(user, step)


def _recovery_hash(code: str) -> str:
    normal = "".join(ch for ch in (code or "").lower() if ch.isalnum())
    return hashlib.sha256(normal.encode()).hexdigest()


def _use_recovery_code(user: User, code: str) -> bool:
    if not user.mfa_enabled:
        return False
    result = db.session.execute(
        update(MfaRecoveryCode)
        .where(
            MfaRecoveryCode.user_id == user.id,
            MfaRecoveryCode.code_hash == _recovery_hash(code),
            MfaRecoveryCode.used_at.is_(None),
        )
        .values(used_at=now_utc())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def check_code(user: User, code: str) -> str | None:
    """Which factor `code` proved (Factor.TOTP or Factor.RECOVERY), or None; audited."""
    if user.mfa_enabled and verify_totp(user, code):
        return Factor.TOTP
    if len(_digits(code)) != 6 and _use_recovery_code(user, code):
        audit.record(
            "security.recovery_code_used",
            user,
            actor=user,
            after={"remaining": remaining_recovery_codes(user)},
        )
        return Factor.RECOVERY
    record_failure(user)
    return None


def record_failure(user: User) -> None:
    audit.record("security.mfa_failed", user, actor=user)


def remaining_recovery_codes(user: User) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(MfaRecoveryCode)
        .where(MfaRecoveryCode.user_id == user.id, MfaRecoveryCode.used_at.is_(None))
    )


def _new_recovery_codes(user: User) -> list[str]:
    db.session.execute(delete(MfaRecoveryCode).where(MfaRecoveryCode.user_id == user.id))
    now = now_utc()
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(_RECOVERY_LENGTH))
        codes.append("-".join(raw[i : i + 4] for i in range(0, _RECOVERY_LENGTH, 4)))
        db.session.add(MfaRecoveryCode(user_id=user.id, code_hash=_recovery_hash(raw), created_at=now))
    return codes


def replace_recovery_codes(user: User, code: str) -> list[str] | None:
    """New recovery codes after a right code of the app (the old ones stop working); None for
    a wrong code (audited as a failure)."""
    if not user.mfa_enabled or not verify_totp(user, code):
        record_failure(user)
        return None
    codes = _new_recovery_codes(user)
    audit.record("security.recovery_codes_replaced", user, actor=user)
    return codes


def confirm_enrolment(user: User, code: str) -> list[str] | None:
    """Turn the factor on when `code` matches the pending secret: the new recovery codes (to
    be shown once), or None for a wrong code (audited as a failure)."""
    if user.mfa_enabled or not user.mfa_secret or not verify_totp(user, code):
        record_failure(user)
        return None
    user.mfa_enabled_at = now_utc()
    codes = _new_recovery_codes(user)
    audit.record("security.mfa_enrolled", user, actor=user, after={"mfa_enabled_at": user.mfa_enabled_at})
    return codes


def _clear(user: User) -> None:
    user.mfa_secret = None
    user.mfa_enabled_at = None
    user.mfa_last_step = None
    db.session.execute(delete(MfaRecoveryCode).where(MfaRecoveryCode.user_id == user.id))


def disable(user: User) -> None:
    """The user turns the factor off themselves (a Pemda operator; staff may not)."""
    if user.mfa_required:
        raise PermissionError("staff must keep the second factor")
    _clear(user)
    audit.record("security.mfa_disabled", user, actor=user, before={"mfa_enabled": True})


def reset(user: User, actor: User) -> None:
    """An administrator removes the user's factor: they enrol again at their next login.

    Every open session of the user ends (the phone may be in someone else's hands), and the
    user is told by email, so that a reset they did not ask for does not go unnoticed.
    """
    before = {"mfa_enabled": user.mfa_enabled, "session_version": user.session_version}
    from app.auth import sessions

    _clear(user)
    user.session_version += 1
    sessions.end_all(user, sessions.EndReason.ACCOUNT_CHANGED, actor=actor)
    audit.record(
        "security.mfa_reset",
        user,
        actor=actor,
        before=before,
        after={"mfa_enabled": False, "session_version": user.session_version},
    )
    queue_email(
        user.email,
        "auth/mfa_reset",
        user=user,
        actor=actor,
        login_url=public_url_for("auth.login"),
    )
