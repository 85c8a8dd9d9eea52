"""Accounts: registration, email verification, activation, login, password reset."""

from flask import Blueprint
from flask_wtf.csrf import CSRFError

from app.api.paths import is_api_request
from app.auth import sessions
from app.core.headers import is_static
from app.extensions import login

bp = Blueprint("auth", __name__)


@login.user_loader
def load_user(session_id: str):
    user_id, _, version = session_id.partition(":")
    if not user_id.isdigit():
        return None
    user, row = sessions.load(int(user_id))
    if user is None:
        return None
    # The server-side row (app/auth/sessions.py) must be open, fresh and of this user: a
    # logged-out, idle or copied-after-logout cookie, or a remember cookie, loads nobody.
    if not sessions.check(user, row):
        return None
    # A changed password (or a forced logout) bumps session_version and ends old sessions.
    if str(user.session_version) != version or not user.is_active:
        return None
    return user


@bp.before_app_request
def end_stale_session():
    """A request whose server-side session ended (idle, too old, ended elsewhere) is logged
    out here and sent to the login page with the reason; a live one notes its activity."""
    from flask import current_app, flash, g, redirect, request, session, url_for
    from flask_babel import gettext as _
    from flask_login import current_user

    if request.endpoint is None or is_static(request.endpoint) or is_api_request():
        # Static files (ours and Bootstrap's) never ask for the user; the API reads no
        # cookie (app.api.auth).
        return None
    current_user.is_authenticated  # noqa: B018  (runs the loader, which checks the row)
    reason = sessions.after_load()
    if reason is None:
        return None
    lang = session.get("lang")
    session.clear()
    g.pop("_login_user", None)
    if lang:
        session["lang"] = lang
    if reason == sessions.EndReason.IDLE:
        message = _("Sesi Anda telah berakhir karena tidak ada aktivitas. Silakan masuk lagi.")
    elif reason == sessions.EndReason.EXPIRED:
        message = _(
            "Sesi Anda telah berakhir karena sudah berlangsung %(hours)d jam. Silakan masuk lagi.",
            hours=current_app.config["SESSION_MAX_HOURS"],
        )
    else:
        message = _("Sesi Anda telah berakhir. Silakan masuk lagi.")
    if request.endpoint == "auth.login":
        if request.method == "GET":
            flash(message, "warning")
        return None  # the login page itself goes on, now without the stale session
    flash(message, "warning")
    target = request.full_path.rstrip("?") if request.method == "GET" else None
    return redirect(url_for("auth.login", next=target))


@bp.before_app_request
def staff_without_second_factor():
    """A staff session without a second factor (one opened before it was required) ends."""
    from flask import flash, redirect, request, url_for
    from flask_babel import gettext as _
    from flask_login import current_user

    if (
        request.endpoint in (None, "auth.logout")
        or is_static(request.endpoint)
        or is_api_request()
        or not current_user.is_authenticated
    ):
        return None
    if current_user.mfa_required and not current_user.mfa_enabled:
        from app.auth.routes import _end_session

        _end_session()
        flash(
            _("Akun staf wajib memakai verifikasi dua langkah. Silakan masuk lagi untuk memasangnya."),
            "warning",
        )
        return redirect(url_for("auth.login"))
    return None


@bp.app_errorhandler(CSRFError)
def form_expired(_error):
    """A form sent with a missing or expired CSRF token (WTF_CSRF_TIME_LIMIT): say what to do."""
    from flask import render_template
    from flask_babel import gettext as _

    message = _("Formulir ini sudah kedaluwarsa. Muat ulang halaman lalu kirim lagi.")
    return render_template("errors/error.html", code=400, message=message), 400


from app.auth import mfa_routes, routes  # noqa: E402,F401
