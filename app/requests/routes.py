"""Routes of the Pemda's request journey: parse the form, call one service, flash, redirect."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.core import files
from app.core.access import pemda_required, request_reader_required
from app.core.clock import now_utc
from app.core.security_events import record_export
from app.domain.states import Action, IllegalTransition, allowed
from app.requests import bp, letters, queries, services, withdrawal
from app.requests.forms import RequestForm, WithdrawForm
from app.requests.labels import template_helpers


@bp.context_processor
def _helpers():
    return {
        **template_helpers(),
        "window_utc": queries.form_window_utc,
        "service_hours": queries.service_hours,
        "letter_date_bounds": queries.letter_date_bounds,
    }


@bp.teardown_request
def _discard_uncommitted(_exc):
    # Email queued by a request that did not commit is dropped.
    services.discard()


@bp.route("/")
@pemda_required
def dashboard():
    pagination = queries.requests_of(current_user, request.args.get("page", 1, type=int))
    return render_template(
        "requests/dashboard.html",
        requests=pagination.items,
        pagination=pagination,
        zone=current_user.timezone,
    )


@bp.route("/baru", methods=["GET", "POST"])
@pemda_required
def new():
    _version, values = queries.policy_for(None, now_utc())
    form = RequestForm(data=queries.initial_data(current_user) if request.method == "GET" else None)
    queries.prepare_form(form, queries.topics_for(), values)
    problems: list[str] = []
    if form.is_submitted():
        try:
            req = services.submit_request(current_user, form)
        except services.RequestRefused as refused:
            problems = refused.problems
        except services.AlreadySubmitted as done:
            flash(
                _(
                    "Permohonan %(ref)s sudah terkirim sebelumnya dari formulir yang sama; "
                    "tidak ada permohonan baru yang dibuat.",
                    ref=done.reference,
                ),
                "info",
            )
            return redirect(url_for("requests.detail", request_id=done.request_id))
        else:
            services.commit()
            flash(
                _("Permohonan %(ref)s telah diajukan dan menunggu peninjauan DJPK.", ref=req.reference),
                "success",
            )
            return redirect(url_for("requests.detail", request_id=req.id))
    return render_template(
        "requests/form.html",
        form=form,
        values=values,
        zone=current_user.timezone,
        problems=problems,
        req=None,
    )


@bp.route("/<int:request_id>")
@request_reader_required
def detail(request_id: int):
    req = queries.get_visible(current_user, request_id, full=True)
    entries = queries.history(req)
    owner = current_user.is_pemda
    return render_template(
        "requests/detail.html",
        req=req,
        zone=req.region.timezone,
        history=entries,
        actors=queries.actors_of(entries),
        can_edit=owner and allowed(req.state, Action.EDIT),
        can_withdraw=owner and withdrawal.can_withdraw(req),
    )


@bp.route("/<int:request_id>/ubah", methods=["GET", "POST"])
@pemda_required
def edit(request_id: int):
    req = queries.get_owned(current_user, request_id)
    if not allowed(req.state, Action.EDIT):
        flash(services.illegal_message(IllegalTransition(req.state, Action.EDIT)), "error")
        return redirect(url_for("requests.detail", request_id=req.id))
    _version, values = queries.policy_for(req)
    form = RequestForm(data=queries.initial_data(current_user, req) if request.method == "GET" else None)
    queries.prepare_form(form, queries.topics_for(req), values)
    problems: list[str] = []
    if form.is_submitted():
        try:
            services.edit_request(current_user, req, form)
        except services.RequestRefused as refused:
            problems = refused.problems
        except IllegalTransition as exc:
            flash(services.illegal_message(exc), "error")
            return redirect(url_for("requests.detail", request_id=req.id))
        else:
            services.commit()
            flash(_("Perubahan permohonan %(ref)s telah disimpan.", ref=req.reference), "success")
            return redirect(url_for("requests.detail", request_id=req.id))
    return render_template(
        "requests/form.html", form=form, values=values, zone=req.region.timezone, problems=problems, req=req
    )


@bp.route("/<int:request_id>/tarik", methods=["GET", "POST"])
@pemda_required
def withdraw(request_id: int):
    """The confirmation page (what will happen, "I am sure"), then the withdrawal itself."""
    req = queries.get_owned(current_user, request_id)
    if not withdrawal.can_withdraw(req):
        flash(services.illegal_message(IllegalTransition(req.state, Action.WITHDRAW)), "error")
        return redirect(url_for("requests.detail", request_id=req.id))
    form = WithdrawForm()
    if form.validate_on_submit():
        try:
            services.withdraw_request(current_user, req, form.reason.data)
        except IllegalTransition as exc:
            flash(services.illegal_message(exc), "error")
        else:
            services.commit()
            flash(_("Permohonan %(ref)s telah ditarik.", ref=req.reference), "success")
        return redirect(url_for("requests.detail", request_id=req.id))
    return render_template(
        "requests/withdraw.html",
        req=req,
        form=form,
        zone=req.region.timezone,
        what=withdrawal.consequences(req),
    )


@bp.route("/<int:request_id>/surat")
@request_reader_required
def letter(request_id: int):
    req = queries.get_visible(current_user, request_id)
    if req.letter is None:
        abort(404)
    record_export("request_letter", req.letter, request_id=req.id)
    return files.download(req.letter.file, download_name=letters.display_name(req.letter.original_filename))
