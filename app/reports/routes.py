"""The monthly report's pages (coordinators and administrators) and the recipients page
(administrators)."""

from datetime import date

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.core.access import admin_required, coordinator_required
from app.core.clock import now_utc
from app.domain.months import month_of, shift_month
from app.extensions import db
from app.reports import bp, charts, exports, services
from app.reports.build import MonthlyReport, parse_month
from app.reports.forms import RecipientForm
from app.reports.models import ReportRecipient
from app.reports.snapshots import monthly_report


def last_month() -> date:
    return shift_month(month_of(now_utc()), -1)


def _month(raw: str | None) -> date:
    if not raw:
        return last_month()
    try:
        return parse_month(raw)
    except ValueError:
        abort(404)


def _report(raw: str | None) -> MonthlyReport:
    report = monthly_report(_month(raw))
    db.session.commit()  # keeps the snapshot when one was built
    return report


@bp.route("/koordinator/laporan")
@coordinator_required
def monthly():
    report = _report(request.args.get("bulan"))
    return render_template(
        "reports/monthly.html",
        report=report,
        charts=charts.trend_charts(report),
        previous=shift_month(report.month, -1),
        following=shift_month(report.month, 1),
    )


@bp.route("/koordinator/laporan/<string:month>/cetak")
@coordinator_required
def print_view(month: str):
    report = _report(month)
    return render_template("reports/print.html", report=report, charts=charts.trend_charts(report))


@bp.route("/koordinator/laporan/<string:month>.csv")
@coordinator_required
def export_csv(month: str):
    report = _report(month)
    return _download(exports.to_csv(report), exports.CSV_TYPE, exports.filename(report, "csv"))


@bp.route("/koordinator/laporan/<string:month>.xlsx")
@coordinator_required
def export_xlsx(month: str):
    report = _report(month)
    return _download(exports.to_xlsx(report), exports.XLSX_TYPE, exports.filename(report, "xlsx"))


def _download(body, content_type: str, name: str) -> Response:
    response = Response(body, content_type=content_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response


# Recipients of the monthly email --------------------------------------------------------


@bp.route("/admin/laporan/penerima", methods=["GET", "POST"])
@admin_required
def recipients():
    form = RecipientForm()
    if form.validate_on_submit():
        row, changed = services.add_recipient(form.email.data, form.name.data, current_user)
        db.session.commit()
        if changed:
            flash(_("%(email)s akan menerima laporan bulanan.", email=row.email), "success")
        else:
            flash(_("%(email)s sudah terdaftar sebagai penerima.", email=row.email))
        return redirect(url_for("reports.recipients"))
    return render_template("reports/recipients.html", form=form, recipients=services.list_recipients())


@bp.route("/admin/laporan/penerima/<int:recipient_id>/status", methods=["POST"])
@admin_required
def recipient_status(recipient_id: int):
    row = db.get_or_404(ReportRecipient, recipient_id)
    wanted = request.form.get("active")
    if wanted not in ("0", "1"):
        abort(400)
    services.set_active(row, wanted == "1", current_user)
    db.session.commit()
    if row.active:
        flash(_("%(email)s diaktifkan kembali.", email=row.email), "success")
    else:
        flash(_("%(email)s tidak lagi menerima laporan bulanan.", email=row.email))
    return redirect(url_for("reports.recipients"))
