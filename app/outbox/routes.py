"""Administrator pages of the outbox: every email (filter by state, search recipients and
subject), one email with its text, a safe preview of its HTML and its attachments, and
"Kirim ulang" for a failed one."""

import io

from flask import Blueprint, flash, make_response, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.core.access import admin_required
from app.core.mail import deliver_after_commit, send_queued
from app.core.security_events import record_export
from app.extensions import db
from app.outbox import attachments, services
from app.outbox.forms import STATE_LABELS as _NAMES
from app.outbox.forms import OutboxFilterForm

bp = Blueprint("outbox", __name__, url_prefix="/admin/email")

# Label and Bootstrap badge colour of each state.
STATE_LABELS = {
    "pending": (_NAMES["pending"], "text-bg-warning"),
    "sending": (_NAMES["sending"], "text-bg-info"),
    "sent": (_NAMES["sent"], "text-bg-success"),
    "failed": (_NAMES["failed"], "text-bg-danger"),
}

# The email's HTML is shown in <iframe sandbox srcdoc>: no script runs and its styles stay
# inside. A srcdoc frame inherits this page's policy, which lets it load nothing from outside
# (images only from here or inline) and navigate nowhere else.
PREVIEW_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; "
    "frame-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


@bp.app_template_filter("outbox_state")
def _state_label(state) -> str:
    return str(STATE_LABELS.get(str(state), (str(state), ""))[0])


@bp.app_template_filter("outbox_badge")
def _state_badge(state) -> str:
    return STATE_LABELS.get(str(state), ("", "text-bg-secondary"))[1]


def _private(response):
    # Email bodies hold one-time links (verification, password reset): never cached.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/")
@admin_required
def index():
    form = OutboxFilterForm(request.args)
    pagination = services.messages(**form.filters(), page=request.args.get("page", 1, type=int))
    page = render_template("admin/outbox.html", form=form, pagination=pagination, counts=services.counts())
    return _private(make_response(page))


@bp.route("/<int:message_id>")
@admin_required
def detail(message_id: int):
    page = render_template("admin/outbox_message.html", message=services.get(message_id))
    response = _private(make_response(page))
    response.headers["Content-Security-Policy"] = PREVIEW_POLICY
    return response


@bp.route("/<int:message_id>/lampiran/<int:index>")
@admin_required
def attachment(message_id: int, index: int):
    item = attachments.download(services.get(message_id), index)
    record_export("email_attachment", ("OutboxMessage", message_id), index=index, filename=item.filename)
    response = send_file(
        io.BytesIO(item.data),
        mimetype=item.content_type,
        as_attachment=True,
        download_name=item.filename,
        conditional=False,
        etag=False,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    # Should a browser render it anyway, it runs nothing and loads nothing.
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return _private(response)


@bp.route("/<int:message_id>/kirim-ulang", methods=["POST"])
@admin_required
def resend(message_id: int):
    back = (
        url_for("outbox.detail", message_id=message_id)
        if request.form.get("back") == "detail"
        else url_for("outbox.index")
    )
    try:
        message = services.resend(message_id, current_user)
    except services.NotFailed:
        db.session.rollback()
        flash(_("Email ini tidak berstatus gagal; email ini sudah atau sedang dikirim."), "error")
        return redirect(back)
    deliver_after_commit(message)
    db.session.commit()
    send_queued()
    flash(_("Email dijadwalkan untuk dikirim ulang."), "success")
    return redirect(back)
