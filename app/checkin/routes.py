"""The front-desk pages (receptionists and coordinators): today's visits, check-in, walk-in,
check-out, notes on breaches, the visitor log; and the coordinator's VC no-show action.

Routes parse, call one service, commit once, send the queued email and redirect.
"""

from datetime import date

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from app.auth.forms import region_groups
from app.auth.models import Role
from app.checkin import bp, export, queries, services
from app.checkin import forms as desk_forms
from app.checkin.forms import CheckInForm, NoteForm, PlainForm, ReasonForm, WalkInForm, at_wib, parse_guests
from app.checkin.models import Visit
from app.compliance import services as compliance
from app.compliance.labels import template_helpers as breach_helpers
from app.compliance.models import Breach
from app.core import once
from app.core.access import can_see, can_see_visit, coordinator_required, roles_required
from app.core.clock import WIB, now_utc
from app.core.mail import drop_queued, send_queued
from app.core.security_events import record_export
from app.domain.policy import Mode
from app.domain.states import Action, IllegalTransition, allowed
from app.extensions import db
from app.requests.labels import template_helpers
from app.requests.models import ConsultationRequest

desk_required = roles_required(Role.RECEPTIONIST, Role.COORDINATOR, Role.ADMIN)


@bp.context_processor
def _helpers():
    return {**template_helpers(), **breach_helpers()}


@bp.app_context_processor
def _no_show_helper():
    return {"vc_no_show_allowed": vc_no_show_allowed, "no_show_form": lambda: ReasonForm(formdata=None)}


def vc_no_show_allowed(req: ConsultationRequest) -> bool:
    """Whether a coordinator may record this video conference as a no-show now."""
    return (
        req.mode == Mode.VC
        and req.scheduled_start is not None
        and req.scheduled_start <= now_utc()
        and allowed(req.state, Action.MARK_NO_SHOW)
    )


@bp.teardown_request
def _forget_unsent(_exc):
    drop_queued()


def _desk_session(request_id: int) -> ConsultationRequest:
    """A face-to-face session the desk user may see (the front desk: one of its day), else 404."""
    req = queries.desk_session(request_id)
    if req is None or req.mode != Mode.FTF or req.scheduled_start is None or not can_see(current_user, req):
        abort(404)
    return req


@bp.route("/")
@desk_required
def today():
    now = now_utc()
    q = (request.args.get("q") or "").strip()
    day = queries.wib_today(now)
    other_day = False
    if q:
        found = queries.by_code(q)
        if found is not None and can_see(current_user, found, now):
            return redirect(url_for("checkin.visit", request_id=found.id))
        # The front desk sees only its day; the code's date is public anyway (/verifikasi).
        other_day = found is not None
    sessions = queries.sessions_on(day, name=q or None, viewer=current_user)
    # The next working day's visits are for coordinators only: the front desk sees its day.
    next_day = (
        None if q or current_user.role == Role.RECEPTIONIST else queries.next_day_to_show(now, sessions)
    )
    return render_template(
        "checkin/today.html",
        q=q,
        other_day=other_day,
        day=day,
        sessions=sessions,
        next_day=next_day,
        next_sessions=queries.sessions_on(next_day) if next_day else [],
        walk_ins=queries.walk_ins_on(day) if not q else [],
        now=now,
    )


@bp.route("/kunjungan/<int:request_id>", methods=["GET", "POST"])
@desk_required
def visit(request_id: int):
    req = _desk_session(request_id)
    now = now_utc()
    rows, source = services.roster(req)
    form = CheckInForm()
    if request.method == "GET":
        v = req.visit
        form.arrival_time.data = (
            (v.arrived_at if v else now).astimezone(WIB).time().replace(second=0, microsecond=0)
        )
        if v is not None and v.regional_head_present is not None:
            form.regional_head_present.data = "1" if v.regional_head_present else "0"
    elif form.validate():
        guests = parse_guests(request.form, rows)
        day = req.scheduled_start.astimezone(WIB).date()
        arrived_at = at_wib(day, form.arrival_time.data)
        if not any(g.present for g in guests):
            # In the form's own errors: the summary above the form lists it and gets the focus.
            form.form_errors.append(_("Centang paling sedikit satu tamu yang hadir."))
        elif arrived_at > now.replace(second=59):
            form.arrival_time.errors = [_("Waktu kedatangan tidak boleh di masa depan.")]
        else:
            try:
                _visit, created, breaches = services.check_in(
                    req,
                    guests=guests,
                    regional_head_present=form.head_present(),
                    arrived_at=arrived_at,
                    actor=current_user,
                    now=now,
                )
                db.session.commit()
            except (services.DeskRefused, IllegalTransition) as exc:
                db.session.rollback()
                flash(getattr(exc, "message", str(exc)), "error")
                return redirect(url_for("checkin.visit", request_id=req.id))
            except IntegrityError:
                # Another desk saved this visit at the same moment: show theirs.
                db.session.rollback()
                flash(
                    _("Kunjungan ini baru saja dicatat dari meja lain. Periksa lalu perbaiki bila perlu."),
                    "error",
                )
                return redirect(url_for("checkin.visit", request_id=req.id))
            send_queued()
            if created:
                flash(_("Kedatangan delegasi %(who)s telah dicatat.", who=req.service_user_name), "success")
            else:
                flash(_("Data kedatangan telah diperbarui."), "success")
            if breaches:
                flash(_("%(n)d pelanggaran tercatat untuk kunjungan ini.", n=len(breaches)), "warning")
            return redirect(url_for("checkin.visit", request_id=req.id))
    extras = []
    if request.method == "POST":  # sent back with an error: show what was entered
        rows, extras = desk_forms.as_entered(request.form, rows)
    return render_template(
        "checkin/visit.html",
        req=req,
        visit=req.visit,
        rows=rows,
        extras=extras,
        source=source,
        form=form,
        refusal=services.refusal(req, now),
        breaches=queries.breaches_of(visit=req.visit, req=req),
        note_form=NoteForm(formdata=None),
        plain_form=PlainForm(formdata=None),
    )


@bp.route("/tanpa-jadwal", methods=["GET", "POST"])
@desk_required
def walk_in():
    now = now_utc()
    form = WalkInForm()
    if request.method == "GET":
        form.arrival_time.data = now.astimezone(WIB).time().replace(second=0, microsecond=0)
    elif form.validate():
        guests = parse_guests(request.form, [])
        arrived_at = at_wib(queries.wib_today(now), form.arrival_time.data)
        if not guests:
            form.form_errors.append(_("Isi nama paling sedikit satu tamu."))
        elif arrived_at > now.replace(second=59):
            form.arrival_time.errors = [_("Waktu kedatangan tidak boleh di masa depan.")]
        else:
            try:
                visit, _breaches = services.walk_in(
                    region_id=form.region_id.data,
                    unit_type=form.unit_type.data,
                    guests=guests,
                    regional_head_present=form.head_present(),
                    arrived_at=arrived_at,
                    actor=current_user,
                    note=form.note.data,
                    now=now,
                    token=form.token.data,
                )
                db.session.commit()
            except (once.AlreadyDone, IntegrityError):
                db.session.rollback()
                drop_queued()
                flash(_("Kunjungan ini sudah dicatat (formulir yang sama dikirim dua kali)."), "info")
                return redirect(url_for("checkin.today"))
            send_queued()
            flash(
                _("Kunjungan tanpa jadwal dari %(who)s telah dicatat.", who=visit.service_user_name),
                "success",
            )
            return redirect(url_for("checkin.record", visit_id=visit.id))
    extras = desk_forms.as_entered(request.form, [])[1] if request.method == "POST" else []
    return render_template("checkin/walk_in.html", form=form, extras=extras, region_groups=region_groups())


def _get_visit(visit_id: int) -> Visit:
    """A visit the desk user may see (the front desk: one that arrived on its day), else 404."""
    visit = db.session.get(Visit, visit_id)
    if visit is None or not can_see_visit(current_user, visit):
        abort(404)
    return visit


def _visit_page(visit: Visit) -> str:
    if visit.request_id is not None:
        return url_for("checkin.visit", request_id=visit.request_id)
    return url_for("checkin.record", visit_id=visit.id)


@bp.route("/tamu/<int:visit_id>")
@desk_required
def record(visit_id: int):
    visit = _get_visit(visit_id)
    if visit.request_id is not None:
        return redirect(_visit_page(visit))
    return render_template(
        "checkin/record.html",
        visit=visit,
        breaches=queries.breaches_of(visit=visit),
        note_form=NoteForm(formdata=None),
        plain_form=PlainForm(formdata=None),
    )


@bp.route("/tamu/<int:visit_id>/pulang", methods=["POST"])
@desk_required
def check_out(visit_id: int):
    visit = _get_visit(visit_id)
    if PlainForm().validate():
        try:
            services.check_out(visit, actor=current_user)
            db.session.commit()
            flash(_("Waktu pulang delegasi telah dicatat."), "success")
        except services.DeskRefused as exc:
            db.session.rollback()
            flash(exc.message, "error")
    return redirect(_visit_page(visit))


@bp.route("/pelanggaran/<int:breach_id>/catatan", methods=["POST"])
@desk_required
def breach_note(breach_id: int):
    breach = db.session.get(Breach, breach_id)
    if breach is None or breach.visit_id is None:
        abort(404)
    visit = _get_visit(breach.visit_id)
    form = NoteForm()
    if form.validate():
        compliance.add_note(breach, form.note.data, current_user)
        db.session.commit()
        flash(_("Catatan telah ditambahkan."), "success")
    else:
        for error in form.note.errors:
            flash(error, "error")
    return redirect(_visit_page(visit) + f"#pelanggaran-{breach.id}")


@bp.route("/buku-tamu.csv")
@desk_required
def visitor_log():
    raw = request.args.get("date")
    today = queries.wib_today(now_utc())
    try:
        day = date.fromisoformat(raw) if raw else today
    except ValueError:
        abort(400)
    if day != today and current_user.role == Role.RECEPTIONIST:
        abort(404)  # the front desk keeps the log of its own day only
    body = export.visitor_log_csv(day)
    record_export("visitor_log_csv", ("VisitorLog", day.isoformat()), date=day.isoformat())
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="buku-tamu-{day.isoformat()}.csv"'},
    )


@bp.route("/sesi/<int:request_id>/tidak-hadir", methods=["POST"])
@coordinator_required
def record_no_show(request_id: int):
    req = db.session.get(ConsultationRequest, request_id)
    if req is None:
        abort(404)
    form = ReasonForm()
    back = redirect(url_for("scheduling.detail", request_id=req.id) + "#tidak-hadir")
    if not vc_no_show_allowed(req):
        flash(_("Sesi ini tidak dapat dicatat tidak hadir."), "error")
        return back
    if not form.validate():
        for error in form.reason.errors:
            flash(error, "error")
        return back
    try:
        services.mark_no_show(req, actor=current_user, reason=form.reason.data.strip())
    except IllegalTransition:  # recorded a moment ago (a double click, another coordinator)
        db.session.rollback()
        flash(_("Sesi ini tidak dapat dicatat tidak hadir."), "error")
        return back
    db.session.commit()
    send_queued()
    flash(_("Sesi %(ref)s dicatat tidak hadir.", ref=req.reference), "success")
    return back
