"""Routes; see the package docstring. Parse the form, call one service, flash, redirect."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.attendance import bp, qr, services
from app.attendance.forms import ADD_ROW, ConfirmForm
from app.core.access import pemda_required, request_reader_required
from app.core.clock import now_utc
from app.domain.states import IllegalTransition
from app.requests import queries
from app.requests.labels import template_helpers
from app.requests.services import illegal_message


@bp.context_processor
def _helpers():
    return template_helpers()


@bp.app_template_global("attendance_status")
def attendance_status(req) -> str | None:
    """confirmed | pending | overdue | flagged | None (see services.status_of); for the macro in
    templates/attendance/_status.html, which any page may import."""
    return services.status_of(req)


@bp.app_template_global("attendance_window")
def attendance_window(req):
    return services.window_of(req)


@bp.app_template_global("session_place")
def session_place(req) -> str:
    """Where a face-to-face session is: the room and floor, then the building and its address,
    naming the building once (rooms are often named "Ruang 1, Gedung Radius Prawiro")."""
    address = _("Gedung Radius Prawiro, Jl. Dr. Wahidin Raya No. 1, Jakarta Pusat 10710")
    if req.room is None:
        return address
    name = req.room.name
    head, comma, tail = name.rpartition(",")
    if comma and tail.strip() and address.lower().startswith(tail.strip().lower()):
        name = head.strip()
    return f"{name}, {_('lantai %(floor)s', floor=req.room.floor)}, {address}"


@bp.app_template_global("next_step_of")
def next_step_of(req) -> str:
    """The Pemda's next step on its dashboard and request page (see services.next_step)."""
    return services.next_step(req)


@bp.route("/<int:request_id>/konfirmasi-kehadiran", methods=["GET", "POST"])
@pemda_required
def confirm(request_id: int):
    req = queries.get_owned(current_user, request_id, full=True)
    now = now_utc()
    window = services.window_of(req, now)
    closed = services.closed_message(req, window, now)
    if closed and window is None:
        flash(closed, "error")
        return redirect(url_for("requests.detail", request_id=req.id))
    form = ConfirmForm(data=services.initial_data(req) if request.method == "GET" else None)
    problems: list[str] = []
    # "Tambah baris": the same form again, as typed, with one more row; nothing is saved.
    adding = request.method == "POST" and ADD_ROW in request.form and not closed
    if request.method == "POST" and not closed and not adding:
        try:
            services.confirm(current_user, req, form, now)
        except IllegalTransition as exc:
            services.rollback()
            flash(illegal_message(exc), "error")
            return redirect(url_for("requests.detail", request_id=req.id))
        except services.ConfirmRefused as refused:
            services.rollback()
            problems = refused.problems
            if refused.stale:  # show what is saved now, not the stale post
                form = ConfirmForm(formdata=None, data=services.initial_data(req))
        else:
            services.commit()
            flash(_("Konfirmasi kehadiran untuk %(ref)s telah disimpan.", ref=req.reference), "success")
            return redirect(url_for("requests.detail", request_id=req.id))
    elif request.method == "POST" and closed:
        problems = [closed]
    max_guests = window.max_guests(req)
    before = len(form.guests)
    form.pad(max_guests, add=adding)
    return render_template(
        "attendance/confirm.html",
        req=req,
        form=form,
        window=window,
        closed=closed,
        problems=problems,
        max_guests=max_guests,
        add_row=ADD_ROW,
        focus_row=before if adding and len(form.guests) > before else None,
        zone=req.region.timezone,
    )


@bp.route("/<int:request_id>/konfirmasi-jadwal")
@request_reader_required
def letter(request_id: int):
    req = queries.get_visible(current_user, request_id, full=True)
    if not req.booking_code or req.scheduled_start is None or req.state not in services.LETTER_STATES:
        abort(404)
    link = qr.verification_link(req)
    return render_template(
        "attendance/letter.html",
        req=req,
        zone=req.region.timezone,
        window=services.window_of(req),
        link=link,
        qr_svg=qr.qr_svg(link, title=_("Kode QR verifikasi jadwal")),
    )
