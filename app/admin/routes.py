"""Administration pages: pending registrations (coordinator and admin), users, topics and
policy versions (admin only). Each route parses its form, calls one service and commits."""

from dataclasses import asdict
from datetime import datetime, time, timedelta

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from app.admin import bp, settings
from app.admin import services as accounts
from app.admin.forms import (
    POLICY_LABELS,
    ROLE_LABELS,
    PolicyForm,
    RejectRegistrationForm,
    StaffUserForm,
    TopicForm,
    UserEditForm,
    UserFilterForm,
)
from app.auth.mfa_flow import fresh_auth_required
from app.auth.models import User
from app.catalog.models import Topic
from app.core.access import admin_required, coordinator_required
from app.core.clock import WIB, now_utc
from app.core.templating import fmt_datetime
from app.domain.policy import PolicyValues
from app.extensions import db


def _field_error(form, error: accounts.AdminError) -> None:
    """Shows a service's refusal beside its field, or as a message when it has none."""
    if error.field and error.field in form:
        form[error.field].errors = [*form[error.field].errors, error.message]
    else:
        flash(error.message, "error")


@bp.app_context_processor
def _labels():
    return {"role_labels": ROLE_LABELS}


# Registrations -------------------------------------------------------------------------


@bp.route("/pendaftaran")
@coordinator_required
def registrations():
    return _registrations_page(RejectRegistrationForm())


def _registrations_page(reject_form: RejectRegistrationForm, refused_id: int | None = None):
    """`refused_id`: the registration whose rejection was refused: its form is shown open
    with the reason typed and the error summary."""
    return render_template(
        "admin/registrations.html",
        pagination=accounts.pending_registrations(request.args.get("page", 1, type=int)),
        reject_form=reject_form,
        refused_id=refused_id,
    )


@bp.route("/pendaftaran/<int:user_id>/aktifkan", methods=["POST"])
@coordinator_required
@fresh_auth_required
def activate(user_id: int):
    try:
        user = accounts.activate_registration(user_id, current_user)
    except accounts.AdminError as error:
        flash(error.message, "error")
        return redirect(url_for("admin.registrations"))
    accounts.commit()
    flash(
        _("Akun %(name)s telah diaktifkan dan pemberitahuan dikirim ke emailnya.", name=user.name), "success"
    )
    return redirect(url_for("admin.registrations"))


@bp.route("/pendaftaran/<int:user_id>/tolak", methods=["POST"])
@coordinator_required
@fresh_auth_required
def reject_registration(user_id: int):
    form = RejectRegistrationForm()
    if not form.validate_on_submit():
        form.reason.id = f"reason-{user_id}"  # as the page names this registration's box
        return _registrations_page(form, refused_id=user_id)
    user = accounts.reject_registration(user_id, form.reason.data, current_user)
    accounts.commit()
    flash(_("Pendaftaran %(name)s ditolak dan alasannya dikirim ke emailnya.", name=user.name), "success")
    return redirect(url_for("admin.registrations"))


# Users ---------------------------------------------------------------------------------


@bp.route("/pengguna")
@admin_required
def users():
    form = UserFilterForm(request.args)
    form.validate()
    page = request.args.get("page", 1, type=int)
    pagination = accounts.list_users(
        role=form.role.data if not form.role.errors else "",
        q=(form.q.data or "") if not form.q.errors else "",
        status=form.status.data if not form.status.errors else "",
        page=page,
    )
    return render_template("admin/users.html", form=form, pagination=pagination)


@bp.route("/pengguna/baru", methods=["GET", "POST"])
@admin_required
@fresh_auth_required
def user_new():
    form = StaffUserForm()
    if form.validate_on_submit():
        data = accounts.NewStaff(
            name=form.name.data,
            email=form.email.data,
            role=form.role.data,
            phone=form.phone.data,
            unit=form.unit.data,
            password=None if form.generate_password.data else form.password.data,
        )
        try:
            user, generated = accounts.create_staff(data, current_user)
        except accounts.AdminError as error:
            accounts.rollback()
            _field_error(form, error)
        else:
            accounts.commit()
            if generated:
                # Shown once, on this page only: never stored, flashed or emailed.
                response = make_response(
                    render_template("admin/user_created.html", user=user, password=generated)
                )
                response.headers["Cache-Control"] = "no-store"
                return response
            flash(_("Akun %(email)s telah dibuat dan langsung aktif.", email=user.email), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_new.html", form=form)


@bp.route("/pengguna/<int:user_id>", methods=["GET", "POST"])
@admin_required
@fresh_auth_required
def user_edit(user_id: int):
    user = db.get_or_404(User, user_id)
    form = UserEditForm(obj=user if request.method == "GET" else None)
    form.role.choices = [SelectChoice(r.value, ROLE_LABELS[r]) for r in accounts.role_choices_for(user)]
    if request.method == "GET":
        form.role.data = user.role.value
    action = request.form.get("action", "save")
    if request.method == "POST" and action in ("deactivate", "reactivate"):
        try:
            if action == "deactivate":
                accounts.deactivate_user(user, current_user)
                message = _("Akun %(email)s dinonaktifkan; semua sesinya berakhir.", email=user.email)
            else:
                accounts.reactivate_user(user, current_user)
                message = _("Akun %(email)s diaktifkan kembali.", email=user.email)
        except accounts.AdminError as error:
            flash(error.message, "error")
        else:
            accounts.commit()
            flash(message, "success")
        return redirect(url_for("admin.user_edit", user_id=user.id))
    if form.validate_on_submit():
        try:
            changed = accounts.update_user(
                user, name=form.name.data, phone=form.phone.data, role=form.role.data, actor=current_user
            )
        except accounts.AdminError as error:
            accounts.rollback()
            _field_error(form, error)
        else:
            accounts.commit()
            flash(_("Perubahan disimpan.") if changed else _("Tidak ada perubahan."), "success")
            return redirect(url_for("admin.user_edit", user_id=user.id))
    return render_template("admin/user_edit.html", form=form, user=user)


# Topics --------------------------------------------------------------------------------


def _topic_data(form: TopicForm) -> settings.TopicData:
    return settings.TopicData(
        code=form.code.data,
        name=form.name.data,
        description=form.description.data,
        active=form.active.data,
        sort_order=form.sort_order.data,
    )


@bp.route("/topik")
@admin_required
def topics():
    return render_template("admin/topics.html", topics=settings.list_topics())


@bp.route("/topik/baru", methods=["GET", "POST"])
@admin_required
def topic_new():
    form = TopicForm()
    if form.validate_on_submit():
        try:
            topic = settings.create_topic(_topic_data(form), current_user)
        except accounts.AdminError as error:
            accounts.rollback()
            _field_error(form, error)
        else:
            accounts.commit()
            flash(_("Topik %(code)s ditambahkan.", code=topic.code), "success")
            return redirect(url_for("admin.topics"))
    return render_template("admin/topic_form.html", form=form, topic=None)


@bp.route("/topik/<int:topic_id>", methods=["GET", "POST"])
@admin_required
def topic_edit(topic_id: int):
    topic = db.get_or_404(Topic, topic_id)
    form = TopicForm(obj=topic)
    if form.validate_on_submit():
        try:
            changed = settings.update_topic(topic, _topic_data(form), current_user)
        except accounts.AdminError as error:
            accounts.rollback()
            _field_error(form, error)
        else:
            accounts.commit()
            flash(_("Topik %(code)s disimpan.", code=topic.code) if changed else _("Tidak ada perubahan."))
            return redirect(url_for("admin.topics"))
    return render_template("admin/topic_form.html", form=form, topic=topic)


@bp.route("/topik/<int:topic_id>/status", methods=["POST"])
@admin_required
def topic_toggle(topic_id: int):
    topic = db.get_or_404(Topic, topic_id)
    wanted = request.form.get("active")
    if wanted not in ("0", "1"):
        abort(400)
    settings.set_topic_active(topic, wanted == "1", current_user)
    accounts.commit()
    if topic.active:
        flash(_("Topik %(code)s diaktifkan.", code=topic.code), "success")
    else:
        flash(_("Topik %(code)s dinonaktifkan; tidak lagi ditawarkan pada permohonan baru.", code=topic.code))
    return redirect(url_for("admin.topics"))


# Policy --------------------------------------------------------------------------------


@bp.route("/kebijakan")
@admin_required
def policy():
    overview = settings.policy_overview()
    return render_template(
        "admin/policy.html", overview=overview, fields=settings.POLICY_FIELDS, policy_labels=POLICY_LABELS
    )


@bp.route("/kebijakan/baru", methods=["GET", "POST"])
@admin_required
@fresh_auth_required
def policy_new():
    form = PolicyForm()
    if request.method == "GET":
        # Prefilled with the values in force, from tomorrow 00:00 WIB.
        tomorrow = now_utc().astimezone(WIB).date() + timedelta(days=1)
        defaults = asdict(settings.values_in_force())
        form = PolicyForm(data=defaults | {"effective_from": datetime.combine(tomorrow, time(0, 0))})
    if form.validate_on_submit():
        values = PolicyValues(**{name: form[name].data for name in settings.POLICY_FIELDS})
        try:
            version = settings.new_policy_version(
                values, form.effective_from.data, current_user, form.note.data
            )
        except accounts.AdminError as error:
            accounts.rollback()
            _field_error(form, error)
        else:
            accounts.commit()
            flash(
                _(
                    "Versi kebijakan baru disimpan dan berlaku mulai %(when)s.",
                    when=fmt_datetime(version.effective_from, "Asia/Jakarta"),
                ),
                "success",
            )
            return redirect(url_for("admin.policy"))
    return render_template("admin/policy_new.html", form=form)


from app.admin import (  # noqa: E402,F401  (the audit page; a user's second factor; narasumber, rooms)
    audit_log,
    mfa_reset,
    people,
)
