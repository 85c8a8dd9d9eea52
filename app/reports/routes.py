"""The monthly report's pages (coordinators and administrators) and the recipients page
(administrators)."""

from datetime import date

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.core.access import admin_required, coordinator_required
from app.core.months import BAD_REQUEST, month_arg
from app.core.security_events import record_export
from app.core.templating import fmt_date
from app.domain.months import shift_month
from app.extensions import db
from app.reports import bp, charts, exports, services
from app.reports.build import MonthlyReport
from app.reports.forms import RecipientForm
from app.reports.models import ReportRecipient
from app.reports.snapshots import monthly_report


def _report(month) -> MonthlyReport:
    report = monthly_report(month)
    db.session.commit()  # keeps the snapshot when one was built
    return report


def day_names(report: MonthlyReport) -> dict[date, str]:
    """Each day of the report's session tables as they write it ("7 Desember 2026"), formatted
    once: a month's tables repeat some thirty days over a thousand rows."""
    days = {row.day for section in report.sections for row in section.sessions}
    return {day: fmt_date(day, fmt="d MMMM y") for day in days}


@bp.route("/koordinator/laporan")
@coordinator_required
def monthly():
    # A bad ?bulan= shows last month's report, saying what was wrong (400: app.core.months).
    given = month_arg(request.args.get("bulan"))
    report = _report(given.month)
    page = render_template(
        "reports/monthly.html",
        report=report,
        charts=charts.trend_charts(report),
        days=day_names(report),
        previous=shift_month(report.month, -1),
        following=shift_month(report.month, 1),
        month_error=given.error,
    )
    return page, given.status


def _bad_month(error: str) -> tuple[str, int]:
    """A print or download URL naming no month: a page saying so (400), never a file of
    another month than the one asked for."""
    return render_template("reports/bad_month.html", message=error), BAD_REQUEST


@bp.route("/koordinator/laporan/<string:month>/cetak")
@coordinator_required
def print_view(month: str):
    given = month_arg(month)
    if given.error:
        return _bad_month(given.error)
    report = _report(given.month)
    return render_template(
        "reports/print.html", report=report, charts=charts.trend_charts(report), days=day_names(report)
    )


@bp.route("/koordinator/laporan/<string:month>.csv")
@coordinator_required
def export_csv(month: str):
    return _export(month, "csv", exports.CSV_TYPE)


@bp.route("/koordinator/laporan/<string:month>.xlsx")
@coordinator_required
def export_xlsx(month: str):
    return _export(month, "xlsx", exports.XLSX_TYPE)


def _export(month: str, kind: str, content_type: str) -> Response | tuple[str, int]:
    given = month_arg(month)
    if given.error:
        return _bad_month(given.error)
    body, name = exports.report_file(given.month, kind)
    # Commits (one commit: the snapshot, when one was built now, with the audit row).
    record_export(f"monthly_report_{kind}", ("Report", given.month.isoformat()[:7]))
    return _download(body, content_type, name)


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
