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
from app.scheduling.routes import render_detail
from app.scheduling.services import SchedulingConflict


class ReplaceForm(BaseForm):
    # Labels as templates/scheduling/_people.html writes them, for the error summary.
    narasumber_id = IntegerField(
        _l("Pengganti (urutan saran)"), validators=[DataRequired(message=_l("Pilih narasumber pengganti."))]
    )
    suggested_id = IntegerField(validators=[Optional()])
    override_reason = TextAreaField(
        _l("Alasan, bila memilih selain saran pertama"), validators=[Optional(), Length(max=1000)]
    )


@bp.route("/penugasan/<int:assignment_id>/ganti", methods=["POST"])
@coordinator_required
def replace(assignment_id: int):
    assignment = db.session.get(NarasumberAssignment, assignment_id) or abort(404)
    req = assignment.request
    back = redirect(url_for("scheduling.detail", request_id=req.id, _anchor="narasumber"))
    form = ReplaceForm()
    if not form.validate():
        return _refused(req, assignment, form)
    reason = (form.override_reason.data or "").strip() or None
    if form.narasumber_id.data != form.suggested_id.data and reason is None:
        form.override_reason.errors = [_("Anda memilih narasumber selain saran pertama: tuliskan alasannya.")]
        return _refused(req, assignment, form)
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


def _refused(req, assignment: NarasumberAssignment, form: ReplaceForm):
    """The review page again with the choice and the reason kept, the error summary above the
    replacement form of this narasumber (its fields carry the ids the page gives them)."""
    form.assignment_id = assignment.id
    form.narasumber_id.id = f"replace-{assignment.id}"
    form.override_reason.id = f"override-{assignment.id}"
    return render_detail(req, replace_form=form)
