"""Pages of the second factor: the code after the password, enrolment at the first login
(staff), turning it on and off from the account page (a Pemda operator), and the
confirmation before sensitive changes (app.auth.mfa_flow.fresh_auth_required).

Wrong codes (and wrong passwords on the confirmation page) are limited per account
(MFA_LIMIT, e.g. "5 per 5 minutes"); only failures count, as for the login.
"""

from flask import abort, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.auth import bp, mfa, mfa_flow, services
from app.auth.mfa_forms import (
    CodeForm,
    DisableMfaForm,
    EnrolForm,
    NewRecoveryCodesForm,
    ReauthForm,
    ReauthPasswordOnlyForm,
)
from app.auth.passwords import verify_password
from app.auth.routes import _start_session
from app.core import audit, rate_limits
from app.extensions import db, limiter

MFA_FAILED = "konsultasi.mfa_failed"


_mfa_limit = rate_limits.setting("MFA_LIMIT", "5 per 5 minutes")


def _failed(_response) -> bool:
    return bool(request.environ.get(MFA_FAILED))


# One budget per account, shared by every page that checks a code (scope "mfa").
_code_limit = limiter.limit(
    _mfa_limit, key_func=mfa_flow.pending_key, scope="mfa", methods=["POST"], deduct_when=_failed
)


def _fail(field, message: str) -> None:
    db.session.commit()  # the audit row of the failure
    request.environ[MFA_FAILED] = True
    field.errors.append(message)


def _wrong_code() -> str:
    return _("Kode verifikasi salah, kedaluwarsa, atau sudah dipakai.")


def _expired():
    if current_user.is_authenticated:  # logged in already (a second tab, the back button)
        return redirect(url_for("main.index"))
    flash(_("Langkah masuk sudah kedaluwarsa. Silakan masuk lagi dengan email dan kata sandi."), "warning")
    return redirect(url_for("auth.login"))


def _no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


def _finish_login(user) -> str:
    """Start the session after both factors; the page to go to."""
    target = mfa_flow.next_target()
    _start_session(user)
    mfa_flow.mark_checked()
    services.record_login(user)
    db.session.commit()
    return target


def _recovery_page(codes: list[str], continue_url: str):
    # Shown once, in this answer only: never stored in clear, flashed or emailed.
    page = render_template("auth/mfa_recovery_codes.html", codes=codes, continue_url=continue_url)
    return _no_store(make_response(page))


@bp.app_template_global()
def mfa_recovery_codes_left(user) -> int:
    return mfa.remaining_recovery_codes(user)


@bp.route("/masuk/kode", methods=["GET", "POST"])
@_code_limit
def mfa_code():
    user = mfa_flow.pending_user()
    if user is None:
        return _expired()
    if not user.mfa_enabled:
        return redirect(url_for("auth.mfa_enrol"))
    form = CodeForm()
    if form.validate_on_submit():
        factor = mfa.check_code(user, form.code.data)
        if factor is not None:
            target = _finish_login(user)
            if factor == mfa.Factor.RECOVERY:
                flash(
                    _(
                        "Anda masuk dengan kode pemulihan. Sisa kode pemulihan: %(n)d.",
                        n=mfa.remaining_recovery_codes(user),
                    ),
                    "warning",
                )
            return redirect(target)
        _fail(form.code, _wrong_code())
    return _no_store(make_response(render_template("auth/mfa_code.html", form=form)))


def _enrol_page(user, form, action: str, *, at_login: bool):
    mfa.start_enrolment(user)
    db.session.commit()
    page = render_template(
        "auth/mfa_enrol.html",
        form=form,
        qr=mfa.qr_svg(user, _("Kode QR untuk aplikasi autentikator")),
        secret=mfa.grouped_secret(user.mfa_secret),
        action=action,
        at_login=at_login,
    )
    return _no_store(make_response(page))


@bp.route("/masuk/daftarkan-kode", methods=["GET", "POST"])
@_code_limit
def mfa_enrol():
    """A staff member without a second factor sets one up before reaching any other page."""
    user = mfa_flow.pending_user()
    if user is None:
        return _expired()
    if user.mfa_enabled:
        return redirect(url_for("auth.mfa_code"))
    form = EnrolForm()
    if form.validate_on_submit():
        codes = mfa.confirm_enrolment(user, form.code.data)
        if codes is not None:
            return _recovery_page(codes, _finish_login(user))
        _fail(form.code, _wrong_code())
    return _enrol_page(user, form, url_for("auth.mfa_enrol"), at_login=True)


@bp.route("/akun/verifikasi-dua-langkah", methods=["GET", "POST"])
@login_required
@_code_limit
def mfa_enable():
    """A Pemda operator turns the second factor on."""
    user = current_user._get_current_object()
    if user.mfa_enabled:
        return redirect(url_for("auth.account"))
    form = EnrolForm()
    if form.validate_on_submit():
        codes = mfa.confirm_enrolment(user, form.code.data)
        if codes is not None:
            mfa_flow.mark_checked()
            db.session.commit()
            flash(_("Verifikasi dua langkah aktif."), "success")
            return _recovery_page(codes, url_for("auth.account"))
        _fail(form.code, _wrong_code())
    return _enrol_page(user, form, url_for("auth.mfa_enable"), at_login=False)


@bp.route("/akun/kode-pemulihan", methods=["GET", "POST"])
@login_required
@_code_limit
def recovery_codes():
    """New recovery codes, e.g. when few are left or the printout is lost."""
    user = current_user._get_current_object()
    if not user.mfa_enabled:
        return redirect(url_for("auth.account"))
    form = NewRecoveryCodesForm()
    if form.validate_on_submit():
        codes = mfa.replace_recovery_codes(user, form.code.data)
        if codes is not None:
            db.session.commit()
            flash(_("Kode pemulihan baru dibuat; kode yang lama tidak berlaku lagi."), "success")
            return _recovery_page(codes, url_for("auth.account"))
        _fail(form.code, _wrong_code())
    return render_template("auth/mfa_new_codes.html", form=form)


@bp.route("/akun/verifikasi-dua-langkah/matikan", methods=["GET", "POST"])
@login_required
@_code_limit
def mfa_disable():
    user = current_user._get_current_object()
    if user.mfa_required:
        abort(403)  # staff keep their second factor; an administrator may reset it
    if not user.mfa_enabled:
        return redirect(url_for("auth.account"))
    form = DisableMfaForm()
    if form.validate_on_submit():
        if not verify_password(user.password_hash, form.password.data):
            _fail(form.password, _("Kata sandi saat ini salah."))
        elif mfa.check_code(user, form.code.data) is None:
            _fail(form.code, _wrong_code())
        else:
            mfa.disable(user)
            db.session.commit()
            flash(_("Verifikasi dua langkah dimatikan."), "success")
            return redirect(url_for("auth.account"))
    return render_template("auth/mfa_disable.html", form=form)


@bp.route("/masuk/konfirmasi", methods=["GET", "POST"])
@login_required
@_code_limit
def reauth():
    """The password (and the code) again before a sensitive change."""
    user = current_user._get_current_object()
    form = ReauthForm() if user.mfa_enabled else ReauthPasswordOnlyForm()
    target = request.args.get("next")
    if form.validate_on_submit():
        # The password first: a wrong one leaves the code unused.
        if not verify_password(user.password_hash, form.password.data):
            _fail(form.password, _("Kata sandi salah."))
        elif user.mfa_enabled and mfa.check_code(user, form.code.data) is None:
            _fail(form.code, _wrong_code())
        else:
            mfa_flow.mark_checked()
            audit.record("security.reauth", user, actor=user)
            db.session.commit()
            return redirect(target if services.is_safe_next(target) else url_for("main.index"))
    page = render_template(
        "auth/reauth.html", form=form, minutes=current_app.config.get("REAUTH_MINUTES", 15)
    )
    return _no_store(make_response(page))
