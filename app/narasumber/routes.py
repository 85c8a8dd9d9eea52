"""Routes of the narasumber's pages: their sessions, one session, accept or decline it."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.models import Role
from app.core.access import roles_required
from app.core.clock import now_utc
from app.extensions import db
from app.narasumber import bp, services
from app.narasumber.forms import AcceptForm, DeclineForm
from app.narasumber.labels import template_helpers
from app.requests.labels import mode_label, state_badge, state_label
from app.scheduling.services import SchedulingConflict, commit_or_conflict

narasumber_required = roles_required(Role.NARASUMBER)


@bp.context_processor
def _helpers():
    return {
        **template_helpers(),
        "mode_label": mode_label,
        "state_label": state_label,
        "state_badge": state_badge,
    }


# Pages of past sessions one may ask for (20 each: 20,000 sessions).
MAX_PAGE = 1000


@bp.route("/")
@narasumber_required
def sessions():
    profile = services.profile_of(current_user)
    now = now_utc()
    page = min(max(request.args.get("lama", 1, type=int), 1), MAX_PAGE)
    return render_template(
        "narasumber/sessions.html",
        profile=profile,
        sessions=services.sessions_of(profile, now, page),
        now=now,
    )


@bp.route("/<int:assignment_id>")
@narasumber_required
def detail(assignment_id: int):
    assignment = services.own_assignment(current_user, assignment_id)
    return _detail_page(assignment, DeclineForm(formdata=None))


def _detail_page(assignment, decline_form: DeclineForm):
    now = now_utc()
    return render_template(
        "narasumber/detail.html",
        assignment=assignment,
        req=assignment.request,
        colleagues=services.colleagues(assignment),
        can_accept=services.can_accept(assignment, now),
        can_decline=services.can_decline(assignment, now),
        accept_form=AcceptForm(formdata=None),
        decline_form=decline_form,
    )


@bp.route("/<int:assignment_id>/terima", methods=["POST"])
@narasumber_required
def accept(assignment_id: int):
    assignment = services.own_assignment(current_user, assignment_id)
    form = AcceptForm()
    if not form.validate():
        for message in form.errors.get("csrf_token", []):
            flash(message, "error")
        return redirect(url_for("narasumber.detail", assignment_id=assignment.id))
    return _answer(assignment, accept=True)


@bp.route("/<int:assignment_id>/tolak", methods=["POST"])
@narasumber_required
def decline(assignment_id: int):
    assignment = services.own_assignment(current_user, assignment_id)
    form = DeclineForm()
    if not form.validate():
        if form.reason.errors:
            # The page again, with the reason as typed and the error summary above the form:
            # a redirect would throw away what the narasumber wrote.
            return _detail_page(assignment, form)
        for message in form.errors.get("csrf_token", []):
            flash(message, "error")
        return redirect(url_for("narasumber.detail", assignment_id=assignment.id))
    return _answer(assignment, accept=False, reason=form.reason.data)


def _answer(assignment, *, accept: bool, reason: str | None = None):
    try:
        services.respond(current_user, assignment, accept=accept, reason=reason)
        commit_or_conflict()
    except services.CannotAnswer as refused:
        db.session.rollback()
        flash(refused.message, "error")
        return redirect(url_for("narasumber.detail", assignment_id=assignment.id))
    except SchedulingConflict as conflict:  # already rolled back by commit_or_conflict()
        flash(conflict.message, "error")
        return redirect(url_for("narasumber.detail", assignment_id=assignment.id))
    if accept:
        flash(_("Terima kasih. Anda menerima penugasan ini."), "success")
    else:
        flash(_("Penugasan ditolak. Koordinator telah diberi tahu untuk mencari pengganti."), "success")
    return redirect(url_for("narasumber.detail", assignment_id=assignment.id))
