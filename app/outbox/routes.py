"""Administrator page of the outbox: email not (yet) delivered, with its last error, and
"Kirim ulang" for a failed one."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.core.access import admin_required
from app.core.mail import deliver_after_commit, send_queued
from app.extensions import db
from app.outbox import services

bp = Blueprint("outbox", __name__, url_prefix="/admin/email")

# Label and Bootstrap badge colour of each state.
STATE_LABELS = {
    "pending": (_l("Menunggu"), "text-bg-warning"),
    "sending": (_l("Sedang dikirim"), "text-bg-info"),
    "sent": (_l("Terkirim"), "text-bg-success"),
    "failed": (_l("Gagal"), "text-bg-danger"),
}


@bp.app_template_filter("outbox_state")
def _state_label(state) -> str:
    return str(STATE_LABELS.get(str(state), (str(state), ""))[0])


@bp.app_template_filter("outbox_badge")
def _state_badge(state) -> str:
    return STATE_LABELS.get(str(state), ("", "text-bg-secondary"))[1]


@bp.route("/")
@admin_required
def index():
    return render_template("admin/outbox.html", messages=services.undelivered(), counts=services.counts())


@bp.route("/<int:message_id>/kirim-ulang", methods=["POST"])
@admin_required
def resend(message_id: int):
    try:
        message = services.resend(message_id, current_user)
    except services.NotFailed:
        db.session.rollback()
        flash(_("Email ini tidak berstatus gagal; email ini sudah atau sedang dikirim."), "error")
        return redirect(url_for("outbox.index"))
    deliver_after_commit(message)
    db.session.commit()
    send_queued()
    flash(_("Email dijadwalkan untuk dikirim ulang."), "success")
    return redirect(url_for("outbox.index"))
