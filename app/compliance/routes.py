"""The breach ledger: the coordinator's ledger (filters, counts per type, record by hand,
void), the Pemda's own breaches with its compliance profile, evidence downloads, and the
template helpers other pages use (the profile on the review page, the queue badge, the
breach box on a Pemda's request page).
"""

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from werkzeug.datastructures import MultiDict

from app.auth.forms import region_groups
from app.auth.models import Role
from app.compliance import bp, ledger, queries
from app.compliance.forms import LedgerFilterForm, RecordForm, RestoreForm, VoidForm
from app.compliance.labels import template_helpers
from app.compliance.models import Breach
from app.core import files, once
from app.core.access import coordinator_required, owns, pemda_required, roles_required
from app.core.clock import now_utc
from app.core.db_setup import lock_row
from app.core.mail import drop_queued, send_queued
from app.core.security_events import record_export
from app.domain.breaches import label as breach_label
from app.extensions import db

# Who may open any breach's evidence file besides the Pemda it is recorded against. Not the
# front desk (its pages never show evidence files) nor a narasumber.
EVIDENCE_STAFF = (Role.COORDINATOR, Role.ADMIN)


@bp.app_context_processor
def _helpers():
    return {
        **template_helpers(),
        "breach_standing": breach_standing,
        "breach_flags": breach_flags,
        "request_breaches": request_breaches,
    }


def _commit() -> None:
    db.session.commit()  # an evidence file is a row of this transaction (app.core.files)
    send_queued()


# Helpers for other pages -------------------------------------------------------------------


def breach_standing(req) -> queries.Standing:
    """The Pemda of `req` against its policy's threshold, with its 12-month profile (cached
    for the request: the review page asks twice)."""
    from app.scheduling.suggestions import policy_of

    cache = g.setdefault("_breach_standing", {})
    if req.id not in cache:
        now = now_utc()
        cache[req.id] = queries.standing_with_profile(req.region_id, req.unit_type, policy_of(req, now), now)
    return cache[req.id]


def breach_flags(requests) -> dict:
    """{request id: Standing} for the queue's FTF requests waiting on the threshold."""
    from app.scheduling.suggestions import policy_of

    return queries.standings_for(list(requests), policy_of, now_utc())


def request_breaches(req) -> list[Breach]:
    return queries.breaches_of_request(req.id)


# Coordinator -------------------------------------------------------------------------------


@bp.route("/koordinator/pelanggaran")
@coordinator_required
def ledger_page():
    return _render_ledger(request.args)


def _render_ledger(args, refused=None):
    """The ledger filtered by `args`; `refused`: a void or restore form the server refused,
    shown again open under its breach with its error summary."""
    form = LedgerFilterForm(args)
    form.validate()
    filters = queries.LedgerFilters(
        type_code=form.type.data if not form.type.errors else "",
        pemda=(form.pemda.data or "") if not form.pemda.errors else "",
        month=(form.month.data or "") if not form.month.errors else "",
        include_voided=bool(form.voided.data),
    )
    counts = queries.type_counts(filters)
    return render_template(
        "compliance/ledger.html",
        form=form,
        counts=counts,
        total=sum(counts.values()),
        pagination=queries.ledger_page(
            filters, args.get("page", 1, type=int), total=queries.matching_total(filters, counts)
        ),
        void_form=VoidForm(formdata=None),
        refused=refused,
    )


@bp.route("/koordinator/pelanggaran/catat", methods=["GET", "POST"])
@coordinator_required
def record():
    form = RecordForm()
    if form.validate_on_submit():
        entry = ledger.ManualBreach(
            type_code=form.type_code.data,
            region_id=form.region_id.data,
            unit_type=form.unit_type.data,
            session=form.session.data,
            note=form.note.data,
            upload=form.evidence_file.data,
            token=form.token.data,
        )
        try:
            breach = ledger.record_by_hand(current_user, entry)
        except (once.AlreadyDone, IntegrityError):
            db.session.rollback()
            drop_queued()
            flash(_("Pelanggaran ini sudah dicatat (formulir yang sama dikirim dua kali)."), "info")
            return redirect(url_for("compliance.ledger_page"))
        except ledger.BreachRefused as exc:
            db.session.rollback()
            drop_queued()
            target = form[exc.field] if exc.field and exc.field in form else None
            if target is not None:
                target.errors = [*target.errors, exc.message]
            else:
                flash(exc.message, "error")
        else:
            _commit()
            flash(
                _(
                    "Pelanggaran “%(label)s” atas %(who)s telah dicatat.",
                    label=breach_label(breach.type_code),
                    who=breach.service_user_name,
                ),
                "success",
            )
            return redirect(url_for("compliance.ledger_page", _anchor=f"pelanggaran-{breach.id}"))
    return render_template("compliance/record.html", form=form, region_groups=region_groups())


@bp.route("/koordinator/pelanggaran/<int:breach_id>/batalkan", methods=["POST"])
@coordinator_required
def void(breach_id: int):
    return _with_reason(
        breach_id,
        VoidForm,
        ledger.void_by_hand,
        _("Pelanggaran telah dibatalkan; catatannya tetap tersimpan."),
    )


@bp.route("/koordinator/pelanggaran/<int:breach_id>/pulihkan", methods=["POST"])
@coordinator_required
def restore(breach_id: int):
    return _with_reason(
        breach_id, RestoreForm, ledger.restore_by_hand, _("Pembatalan dicabut; pelanggaran kembali dihitung.")
    )


def _with_reason(breach_id: int, form_class, action, done: str):
    """Void or restore a breach by hand: a reason is required, the row is kept."""
    breach = db.session.get(Breach, breach_id)
    if breach is None:
        abort(404)
    lock_row(db.session, breach)  # two coordinators at once: the second sees the first's change
    form = form_class()
    if not form.validate():
        db.session.rollback()  # releases the row lock; nothing was changed
        form.breach_id = breach.id
        form.reason.id = (
            f"{'restore-reason' if breach.voided else 'reason'}-{breach.id}"  # as the card names it
        )
        return _render_ledger(MultiDict({"voided": "y"}), refused=form)
    try:
        action(current_user, breach, form.reason.data)
    except ledger.BreachRefused as exc:
        db.session.rollback()
        flash(exc.message, "error")
    else:
        _commit()
        flash(done, "success")
    return redirect(url_for("compliance.ledger_page", voided="y", _anchor=f"pelanggaran-{breach.id}"))


# Pemda -------------------------------------------------------------------------------------


@bp.route("/permohonan/pelanggaran")
@pemda_required
def mine():
    from app.policy.services import policy_in_force

    now = now_utc()
    _version, policy = policy_in_force(now)
    found = queries.standing(current_user.region_id, current_user.unit_type, policy, now)
    pagination = queries.breaches_of_pemda(
        current_user.region_id, current_user.unit_type, request.args.get("page", 1, type=int)
    )
    return render_template(
        "compliance/mine.html",
        breaches=pagination.items,
        pagination=pagination,
        profile=queries.profile(current_user.region_id, current_user.unit_type, now),
        standing=found,
        zone=current_user.timezone,
    )


# Evidence ----------------------------------------------------------------------------------


@bp.route("/pelanggaran/<int:breach_id>/bukti")
@roles_required(Role.PEMDA, *EVIDENCE_STAFF)
def evidence_file(breach_id: int):
    breach = db.session.get(Breach, breach_id)
    allowed = breach is not None and (
        owns(current_user, breach) if current_user.role == Role.PEMDA else current_user.role in EVIDENCE_STAFF
    )
    if not allowed or breach.evidence_file_id is None:
        abort(404)
    record_export("breach_evidence", breach)
    return files.download(breach.evidence_file, download_name=breach.evidence_filename or "bukti")
