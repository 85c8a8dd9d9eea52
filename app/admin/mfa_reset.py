"""An administrator resets another user's second factor (a lost phone): audited, the user is
told by email, every session of theirs ends, and they enrol again at their next login."""

from flask import flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.admin import bp
from app.auth import mfa
from app.auth.mfa_flow import fresh_auth_required
from app.auth.models import User
from app.core.access import admin_required
from app.extensions import db


@bp.route("/pengguna/<int:user_id>/verifikasi-dua-langkah/atur-ulang", methods=["POST"])
@admin_required
@fresh_auth_required
def mfa_reset(user_id: int):
    user = db.get_or_404(User, user_id)
    # A one-button form: CSRFProtect checks its token like every POST.
    if user.id == current_user.id:
        flash(_("Anda tidak dapat mengatur ulang verifikasi dua langkah Anda sendiri."), "error")
    elif not user.mfa_enabled and not user.mfa_secret:
        flash(_("Akun ini belum memakai verifikasi dua langkah."), "info")
    else:
        mfa.reset(user, current_user._get_current_object())
        db.session.commit()
        flash(
            _(
                "Verifikasi dua langkah %(email)s diatur ulang; sesinya berakhir dan ia memasangnya lagi "
                "saat masuk berikutnya.",
                email=user.email,
            ),
            "success",
        )
    return redirect(url_for("admin.user_edit", user_id=user.id))
