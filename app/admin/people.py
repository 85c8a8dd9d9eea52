"""Administration pages for people and places: narasumber profiles (admin edits, coordinators
may look), their leave and blocked periods, and rooms (admin only).

Registered on the `admin` blueprint (imported at the bottom of app/admin/routes.py). Each
route parses its form, calls one service of app.narasumber.resources and commits.
"""

from datetime import time

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import Label, SelectChoice

from app.admin import bp
from app.admin.people_forms import ProfileForm, RoomForm, UnavailabilityForm
from app.admin.services import AdminError, commit, rollback
from app.auth.models import Role
from app.catalog.labels import room_label
from app.catalog.models import NarasumberProfile, Room
from app.core.access import admin_required, coordinator_required
from app.extensions import db
from app.narasumber import resources
from app.narasumber.labels import WEEKDAYS, template_helpers
from app.scheduling.models import Unavailability


@bp.context_processor
def _people_helpers():
    return template_helpers()


def _field_error(form, error: AdminError) -> None:
    if error.field and error.field in form:
        form[error.field].errors = [*form[error.field].errors, error.message]
    else:
        flash(error.message, "error")


def _clock(value: str) -> time:
    hour, minute = value.split(":")[:2]
    return time(int(hour), int(minute))


# Narasumber ----------------------------------------------------------------------------


@bp.route("/narasumber")
@coordinator_required
def narasumber_list():
    return render_template("admin/narasumber_list.html", rows=resources.list_profiles())


def _profile_form(profile: NarasumberProfile, posted: bool = False) -> ProfileForm:
    """The profile form, as posted or (posted=False) as stored: a failed unavailability form
    is shown beside the profile as it is, not refilled from that other form's fields."""
    if posted:
        form = ProfileForm()
    else:
        days = []
        for day in range(5):
            span = resources.day_hours(profile, day)
            start, end = (_clock(span[0]), _clock(span[1])) if span else (None, None)
            days.append({"available": span is not None, "start": start, "end": end})
        # formdata=None: on the unavailability POST, Flask-WTF would otherwise read that
        # form's fields and untick every day (a checkbox absent from a POST is False).
        form = ProfileForm(
            formdata=None,
            data={
                "unit": profile.unit,
                "topics": [t.id for t in profile.topics],
                "days": days,
                "max_per_day": profile.max_per_day,
                "max_per_week": profile.max_per_week,
            },
        )
    form.topics.choices = [
        SelectChoice(t.id, f"{t.code} – {t.name}") for t in resources.topic_choices(profile)
    ]
    # Each row's times are named with their day: the error summary and screen readers
    # then say "Senin – Selesai", not five times "Selesai".
    for day, entry in zip(WEEKDAYS, form.days, strict=False):
        for field in (entry.start, entry.end):
            field.label = Label(field.id, f"{day} – {field.label.text}")
    return form


def _edit_page(profile, form, period_form, status=200):
    return (
        render_template(
            "admin/narasumber_edit.html",
            profile=profile,
            form=form,
            period_form=period_form,
            periods=resources.unavailability_of(profile),
            can_edit=current_user.role == Role.ADMIN,
        ),
        status,
    )


@bp.route("/narasumber/<int:profile_id>", methods=["GET", "POST"])
@coordinator_required
def narasumber_edit(profile_id: int):
    profile = db.get_or_404(NarasumberProfile, profile_id)
    if request.method == "POST" and current_user.role != Role.ADMIN:
        abort(403)
    form = _profile_form(profile, posted=request.method == "POST")
    if form.validate_on_submit():
        data = resources.ProfileData(
            unit=form.unit.data,
            topic_ids=list(form.topics.data or []),
            hours={
                i: (entry.start.data.strftime("%H:%M"), entry.end.data.strftime("%H:%M"))
                if entry.available.data
                else None
                for i, entry in enumerate(form.days)
            },
            max_per_day=form.max_per_day.data,
            max_per_week=form.max_per_week.data,
        )
        try:
            changed = resources.update_profile(profile, data, current_user)
        except AdminError as error:
            rollback()
            _field_error(form, error)
        else:
            commit()
            flash(
                _("Profil %(name)s disimpan.", name=profile.user.name)
                if changed
                else _("Tidak ada perubahan."),
                "success",
            )
            return redirect(url_for("admin.narasumber_edit", profile_id=profile.id))
    return _edit_page(profile, form, UnavailabilityForm())


@bp.route("/narasumber/<int:profile_id>/ketidaktersediaan", methods=["POST"])
@admin_required
def unavailability_add(profile_id: int):
    profile = db.get_or_404(NarasumberProfile, profile_id)
    form = UnavailabilityForm()
    if form.validate_on_submit():
        try:
            _row, clashes = resources.add_unavailability(
                profile,
                start_wib=form.start.data,
                end_wib=form.end.data,
                kind=form.kind.data,
                reason=form.reason.data,
                actor=current_user,
            )
        except AdminError as error:
            rollback()
            _field_error(form, error)
        else:
            commit()
            flash(_("Periode tidak tersedia ditambahkan."), "success")
            if clashes:
                flash(
                    _(
                        "Perhatian: %(name)s masih ditugaskan pada %(count)d sesi dalam periode ini. "
                        "Minta koordinator mencari pengganti.",
                        name=profile.user.name,
                        count=len(clashes),
                    ),
                    "warning",
                )
            return redirect(url_for("admin.narasumber_edit", profile_id=profile.id) + "#ketidaktersediaan")
    return _edit_page(profile, _profile_form(profile), form, status=422)


@bp.route("/narasumber/<int:profile_id>/ketidaktersediaan/<int:period_id>/hapus", methods=["POST"])
@admin_required
def unavailability_remove(profile_id: int, period_id: int):
    profile = db.get_or_404(NarasumberProfile, profile_id)
    row = db.session.get(Unavailability, period_id)
    if row is None or row.narasumber_id != profile.id:
        abort(404)
    resources.remove_unavailability(profile, row, current_user)
    commit()
    flash(_("Periode tidak tersedia dihapus."), "success")
    return redirect(url_for("admin.narasumber_edit", profile_id=profile.id) + "#ketidaktersediaan")


# Rooms ---------------------------------------------------------------------------------


def _room_data(form: RoomForm) -> resources.RoomData:
    return resources.RoomData(
        name=form.name.data, floor=form.floor.data, capacity=form.capacity.data, active=form.active.data
    )


@bp.route("/ruang")
@admin_required
def rooms():
    return render_template("admin/rooms.html", rooms=resources.list_rooms())


@bp.route("/ruang/baru", methods=["GET", "POST"])
@admin_required
def room_new():
    form = RoomForm()
    if form.validate_on_submit():
        try:
            room = resources.create_room(_room_data(form), current_user)
        except AdminError as error:
            rollback()
            _field_error(form, error)
        else:
            commit()
            flash(_("%(room)s ditambahkan.", room=room_label(room.name)), "success")
            return redirect(url_for("admin.rooms"))
    return render_template("admin/room_form.html", form=form, room=None)


@bp.route("/ruang/<int:room_id>", methods=["GET", "POST"])
@admin_required
def room_edit(room_id: int):
    room = db.get_or_404(Room, room_id)
    form = RoomForm(obj=room)
    if form.validate_on_submit():
        try:
            changed = resources.update_room(room, _room_data(form), current_user)
        except AdminError as error:
            rollback()
            _field_error(form, error)
        else:
            commit()
            flash(
                _("%(room)s disimpan.", room=room_label(room.name)) if changed else _("Tidak ada perubahan."),
                "success",
            )
            return redirect(url_for("admin.rooms"))
    return render_template(
        "admin/room_form.html", form=form, room=room, upcoming=resources.upcoming_bookings(room)
    )


@bp.route("/ruang/<int:room_id>/status", methods=["POST"])
@admin_required
def room_toggle(room_id: int):
    room = db.get_or_404(Room, room_id)
    wanted = request.form.get("active")
    if wanted not in ("0", "1"):
        abort(400)
    resources.set_room_active(room, wanted == "1", current_user)
    upcoming = resources.upcoming_bookings(room)
    commit()
    if room.active:
        flash(_("%(room)s diaktifkan.", room=room_label(room.name)), "success")
    else:
        flash(
            _(
                "%(room)s dinonaktifkan; tidak lagi ditawarkan untuk sesi baru.",
                room=room_label(room.name),
            )
        )
        if upcoming:
            flash(
                _(
                    "Ruang ini masih dipesan untuk %(count)d sesi mendatang; pesanan itu tetap berlaku.",
                    count=upcoming,
                ),
                "warning",
            )
    return redirect(url_for("admin.rooms"))
