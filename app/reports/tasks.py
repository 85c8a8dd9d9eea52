"""The monthly email: on the 1st at 08:00 WIB, last month's report to the active recipients.

send_monthly_report(now) is a plain job function (the scheduler calls it every few minutes;
tests call it with time frozen). From the 1st 08:00 WIB on, it does the previous month's
report once: the JobMarker "monthly-report:YYYY-MM" and the outbox rows (one per recipient,
each with its own dedupe key) commit in one transaction, so a restart, a second scheduler
process or a catch-up later in the month sends nothing twice. With no active recipient it
does nothing and leaves no marker: an address added later in the month still gets the report.

refresh_report_snapshots(now) keeps this month's and last month's reports stored
(app.reports.snapshots), rebuilding them after a change.
"""

import logging
from datetime import datetime, time

from sqlalchemy.exc import IntegrityError

from app.core.clock import WIB, now_utc
from app.core.mail import drop_queued, queue_email, send_queued
from app.domain.months import month_of, shift_month
from app.extensions import db
from app.reports import exports, services, snapshots
from app.reports.snapshots import monthly_report
from app.scheduler.models import JobMarker
from app.webhooks import events as webhook_events

log = logging.getLogger("konsultasi.reports")
SEND_AT = time(8, 0)


def marker_key(month) -> str:
    return f"monthly-report:{month:%Y-%m}"


def due_month(now: datetime):
    """The month whose report is due at `now`, or None before the 1st 08:00 WIB."""
    this_month = month_of(now)
    if now < datetime.combine(this_month, SEND_AT, tzinfo=WIB):
        return None
    return shift_month(this_month, -1)


def send_monthly_report(now: datetime | None = None) -> int:
    """Queue last month's report for every active recipient, once; how many were queued."""
    now = now or now_utc()
    month = due_month(now)
    if month is None:
        return 0
    key = marker_key(month)
    if db.session.get(JobMarker, key) is not None:
        return 0
    recipients = services.active_emails()
    if not recipients:
        log.info("no active recipient for the %s report; nothing sent", f"{month:%Y-%m}")
        return 0
    report = monthly_report(month)
    attachment = (exports.filename(report, "xlsx"), exports.XLSX_TYPE, exports.to_xlsx(report))
    try:
        db.session.add(JobMarker(key=key, done_at=now))
        webhook_events.emit(
            "report.ready",
            {
                "month": f"{month:%Y-%m}",
                "title": report.title,
                "url": f"/api/v1/reports/monthly/{month:%Y-%m}",
            },
            now,
        )
        for email in recipients:
            queue_email(
                email,
                "reports/monthly",
                dedupe_key=f"{key}:{email.lower()}",
                attachments=[attachment],
                report=report,
            )
        db.session.commit()
    except IntegrityError:
        # Another scheduler process sent it a moment earlier.
        db.session.rollback()
        drop_queued()
        log.info("the %s report was already sent by another run", f"{month:%Y-%m}")
        return 0
    send_queued()
    return len(recipients)


def refresh_report_snapshots(now: datetime | None = None) -> int:
    """Keep this month's and last month's reports stored: after a change they are rebuilt
    here within one run, so coordinators rarely wait for a build. How many were built."""
    this_month = month_of(now or now_utc())
    return snapshots.refresh([shift_month(this_month, -1), this_month])


__all__ = ["send_monthly_report", "marker_key", "due_month", "refresh_report_snapshots"]
