"""Pages of the accounts feature: register, verify email, log in and out, reset password, profile.

Login is rate limited per account and address together, per address, and per account from
every address (app/auth/lockout.py); only failed attempts count. Pages that send email
(register, resend verification, password reset) are limited per IP and per address. Each login
opens a server-side session row (app/auth/sessions.py) that logout ends.
"""

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy.exc import IntegrityError

from app.auth import bp, lockout, mfa_flow, services, sessions, tokens
from app.auth.forms import (
    ChangePasswordForm,
    EmailOnlyForm,
    EndOtherSessionsForm,
    LocaleForm,
    LoginForm,
    RegistrationForm,
    ResetPasswordForm,
    normalize_phone,
    region_groups,
)
from app.auth.services import Refusal
from app.core import rate_limits
from app.core.mail import drop_queued, send_queued
from app.extensions import db, limiter

_email_limit = rate_limits.setting("EMAIL_LIMIT", "5 per 15 minutes")
# Generous: many operators may register from one office network or a DJPK workshop.
_register_ip_limit = rate_limits.setting("REGISTER_IP_LIMIT", "30 per hour")


def _email_key() -> str:
    # Never empty (an empty key would switch the limit off).
    return "email:" + services.normalize_email(request.form.get("email", ""))


# Kept in the WSGI environ rather than in g: an app context (and its g) may outlive a request.
LOGIN_FAILED = "konsultasi.login_failed"


def _login_failed(_response) -> bool:
    return bool(request.environ.get(LOGIN_FAILED))


def _email_sent(response) -> bool:
    return response.status_code == 302


def _limits(account_limit, deduct_when, ip_limit=None):
    """Limits per account/address and per IP (the same unless ip_limit), on POST only.

    An attempt counts only when deduct_when(response) says so.
    """

    def decorator(view):
        for limit, key_func, scope in (
            (account_limit, _email_key, "account"),
            (ip_limit or account_limit, get_remote_address, "ip"),
        ):
            view = limiter.limit(
                limit, key_func=key_func, scope=scope, methods=["POST"], deduct_when=deduct_when
            )(view)
        return view

    return decorator


@bp.errorhandler(429)
def too_many_attempts(_error):
    message = _("Terlalu banyak percobaan. Silakan tunggu beberapa menit lalu coba lagi.")
    if request.endpoint == "auth.login":
        lockout.warn_owner()
        return render_template("auth/login.html", form=LoginForm(), limited=message), 429
    return render_template("errors/error.html", code=429, message=message), 429


def _start_session(user) -> None:
    """A fresh session for `user`: nothing set before login (or by an attacker) survives.

    Opens its server-side row in the caller's transaction (the caller commits); a row this
    browser still had open ends.
    """
    lang = session.get("lang") if not user.locale else None
    sessions.end_current(sessions.EndReason.REPLACED)
    session.clear()
    login_user(user, remember=False)
    session[sessions.SESSION_KEY] = sessions.open_session(user)
    if lang:
        session["lang"] = lang


def _end_session(reason: str = sessions.EndReason.LOGOUT) -> None:
    """Log this browser out and end its server-side row (committed here, so that the row
    ends even for callers that commit nothing)."""
    if sessions.end_current(reason):
        db.session.commit()
    lang = session.get("lang")
    logout_user()
    session.clear()
    if lang:
        session["lang"] = lang


@bp.route("/daftar", methods=["GET", "POST"])
@_limits(_email_limit, _email_sent, ip_limit=_register_ip_limit)
def register():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = RegistrationForm()
    if form.validate_on_submit():
        services.register_pemda(
            name=form.name.data,
            email=form.email.data,
            phone=normalize_phone(form.phone.data),
            region_id=form.region_id.data,
            unit_type=form.unit_type.data,
            password=form.password.data,
        )
        try:
            db.session.commit()
        except IntegrityError:  # the same email registered a moment ago: answer as for any taken email
            db.session.rollback()
            drop_queued()
        send_queued()
        return redirect(url_for("auth.registered"))
    return render_template("auth/register.html", form=form, region_groups=region_groups())


@bp.route("/daftar/terkirim")
def registered():
    return render_template("auth/registered.html")


@bp.route("/verifikasi-email/<token>")
def verify_email(token: str):
    try:
        user = services.verify_email(token)
    except tokens.TokenExpired:
        return render_template("auth/verify_failed.html", form=EmailOnlyForm(), expired=True), 400
    except tokens.TokenInvalid:
        return render_template("auth/verify_failed.html", form=EmailOnlyForm(), expired=False), 400
    db.session.commit()
    return render_template("auth/verified.html", user=user)


@bp.route("/verifikasi-email/kirim-ulang", methods=["GET", "POST"])
@_limits(_email_limit, _email_sent)
def resend_verification():
    form = EmailOnlyForm()
    if form.validate_on_submit():
        services.resend_verification(form.email.data)
        db.session.commit()  # the email is an outbox row: it is saved like any change
        send_queued()
        flash(
            _(
                "Jika alamat tersebut terdaftar dan belum diverifikasi, kami telah mengirim tautan "
                "verifikasi yang baru. Periksa kotak masuk dan folder spam Anda."
            ),
            "info",
        )
        return redirect(url_for("auth.login"))
    return render_template("auth/resend_verification.html", form=form)


@bp.route("/masuk", methods=["GET", "POST"])
@lockout.login_limits(_login_failed)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    refusal = None
    if form.validate_on_submit():
        result = services.authenticate(form.email.data, form.password.data)
        if result.ok:
            target = request.args.get("next")
            if mfa_flow.needs_second_step(result.user):
                # Not logged in yet: the code (or, for new staff, enrolment) comes first.
                code_page = mfa_flow.begin(result.user, target)
                db.session.commit()  # a rehashed password
                return redirect(url_for(code_page))
            _start_session(result.user)
            mfa_flow.mark_checked()
            services.record_login(result.user)
            db.session.commit()
            return redirect(target if services.is_safe_next(target) else url_for("main.index"))
        # Only a wrong email or password counts towards the limit.
        if result.refusal == Refusal.BAD_CREDENTIALS:
            request.environ[LOGIN_FAILED] = True
            services.record_login_failure(form.email.data)
            db.session.commit()
        refusal = result.refusal
    return render_template("auth/login.html", form=form, refusal=refusal)


@bp.route("/keluar", methods=["POST"])
def logout():
    if current_user.is_authenticated:
        services.record_logout(current_user._get_current_object())
        db.session.commit()
    _end_session()
    flash(_("Anda telah keluar."), "success")
    return redirect(url_for("auth.login"))


@bp.route("/lupa-kata-sandi", methods=["GET", "POST"])
@_limits(_email_limit, _email_sent)
def forgot_password():
    form = EmailOnlyForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        db.session.commit()  # the email is an outbox row: it is saved like any change
        send_queued()
        flash(
            _(
                "Jika alamat tersebut terdaftar, kami telah mengirim tautan untuk mengatur ulang kata "
                "sandi. Tautan berlaku %(hours)d jam.",
                hours=current_app.config["RESET_TOKEN_MAX_AGE"] // 3600,
            ),
            "info",
        )
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot_password.html", form=form)


@bp.route("/atur-ulang-kata-sandi/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    try:
        user = tokens.user_for_reset_token(token)
    except tokens.TokenExpired:
        return render_template("auth/reset_failed.html", expired=True), 400
    except tokens.TokenInvalid:
        return render_template("auth/reset_failed.html", expired=False), 400
    form = ResetPasswordForm(user=user)
    if form.validate_on_submit():
        services.reset_password(token, form.password.data)
        db.session.commit()
        _end_session()
        flash(_("Kata sandi baru tersimpan. Silakan masuk dengan kata sandi tersebut."), "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form)


def _password_check_key() -> str:
    return f"password-check:{current_user.id}"


@bp.route("/akun", methods=["GET", "POST"])
@login_required
@limiter.limit(
    rate_limits.setting("PASSWORD_CHECK_LIMIT"),
    key_func=_password_check_key,
    scope="password-check",
    methods=["POST"],
    deduct_when=_login_failed,
)
def account():
    user = current_user._get_current_object()
    password_form = ChangePasswordForm(prefix="pw", user=user)
    locale_form = LocaleForm(prefix="lang", locale=user.locale or session.get("lang") or "id")
    if password_form.submit.data and password_form.validate_on_submit():
        if services.change_password(user, password_form.current_password.data, password_form.password.data):
            db.session.commit()
            # Other sessions have ended; this one goes on in a new session row and version.
            _start_session(user)
            db.session.commit()
            flash(_("Kata sandi berhasil diganti. Sesi di perangkat lain telah diakhiri."), "success")
            return redirect(url_for("auth.account"))
        # A wrong current password counts towards PASSWORD_CHECK_LIMIT (guessing from a
        # session left open).
        request.environ[LOGIN_FAILED] = True
        password_form.current_password.errors.append(_("Kata sandi saat ini salah."))
    elif locale_form.submit.data and locale_form.validate_on_submit():
        services.set_locale(user, locale_form.locale.data)
        db.session.commit()
        session["lang"] = locale_form.locale.data
        flash(_("Pilihan bahasa tersimpan."), "success")
        return redirect(url_for("auth.account"))
    return render_template(
        "auth/account.html",
        password_form=password_form,
        locale_form=locale_form,
        login_sessions=sessions.active_sessions(user),
        this_session=request.environ.get(sessions.CURRENT),
        session_idle_minutes=int(sessions.idle_limit(user).total_seconds() // 60),
        end_others_form=EndOtherSessionsForm(prefix="sesi"),
    )


@bp.app_template_filter("browser_label")
def _browser_label(user_agent: str | None) -> str | None:
    return sessions.browser_label(user_agent)


@bp.route("/akun/sesi/akhiri-lainnya", methods=["POST"])
@login_required
def end_other_sessions():
    form = EndOtherSessionsForm(prefix="sesi")
    if form.validate_on_submit():
        sessions.end_all(
            current_user._get_current_object(), sessions.EndReason.ENDED_BY_USER, keep_current=True
        )
        db.session.commit()
        flash(_("Sesi di perangkat lain telah diakhiri."), "success")
    return redirect(url_for("auth.account"))
