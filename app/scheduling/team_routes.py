"""Replacing a narasumber on a scheduled session (after a decline, or by the coordinator's
choice): one route, through app.scheduling.services.replace_narasumber."""

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import IntegerField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.core.access import coordinator_required
from app.core.forms import BaseForm
from app.extensions import db
from app.scheduling import bp, services
from app.scheduling.models import NarasumberAssignment
from app.scheduling.services import SchedulingConflict


class ReplaceForm(BaseForm):
    narasumber_id = IntegerField(validators=[DataRequired(message=_l("Pilih narasumber pengganti."))])
    suggested_id = IntegerField(validators=[Optional()])
    override_reason = TextAreaField(validators=[Optional(), Length(max=1000)])


@bp.route("/penugasan/<int:assignment_id>/ganti", methods=["POST"])
@coordinator_required
def replace(assignment_id: int):
    assignment = db.session.get(NarasumberAssignment, assignment_id) or abort(404)
    req = assignment.request
    back = redirect(url_for("scheduling.detail", request_id=req.id, _anchor="narasumber"))
    form = ReplaceForm()
    if not form.validate():
        for errors in form.errors.values():
            flash(errors[0], "error")
        return back
    reason = (form.override_reason.data or "").strip() or None
    if form.narasumber_id.data != form.suggested_id.data and reason is None:
        flash(_("Anda memilih narasumber selain saran pertama: tuliskan alasannya."), "error")
        return back
    try:
        new = services.replace_narasumber(
            assignment, form.narasumber_id.data, actor=current_user, override_reason=reason
        )
        services.commit_or_conflict()
    except SchedulingConflict as exc:
        flash(exc.message, "error")
        return back
    flash(_("%(name)s ditugaskan pada sesi ini.", name=new.narasumber.user.name), "success")
    return back
