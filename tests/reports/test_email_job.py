"""The monthly email: nothing before the 1st 08:00 WIB, once at 08:00, never again."""

import base64
import io
from datetime import datetime

import time_machine
from openpyxl import load_workbook

from app.core.clock import WIB
from app.extensions import db
from app.outbox.models import OutboxMessage
from app.reports.models import ReportRecipient
from app.reports.tasks import due_month, send_monthly_report
from app.scheduler.models import JobMarker


def _recipients(*emails, active=True):
    for email in emails:
        db.session.add(
            ReportRecipient(email=email, active=active, created_at=datetime(2023, 4, 1, tzinfo=WIB))
        )
    db.session.commit()


def _sent():
    return list(db.session.scalars(db.select(OutboxMessage).filter_by(kind="reports/monthly")))


def test_sent_once_from_the_first_at_eight(app, april):
    _recipients("a@kemenkeu.go.id", "b@kemenkeu.go.id")
    _recipients("old@kemenkeu.go.id", active=False)
    before = datetime(2023, 5, 1, 7, 59, tzinfo=WIB)
    with time_machine.travel(before, tick=False):
        assert send_monthly_report() == 0
    assert _sent() == []
    at = datetime(2023, 5, 1, 8, 0, tzinfo=WIB)
    with time_machine.travel(at, tick=False):
        assert send_monthly_report() == 2
        assert send_monthly_report() == 0
    with time_machine.travel(datetime(2023, 5, 20, 9, 0, tzinfo=WIB), tick=False):
        assert send_monthly_report() == 0
    messages = _sent()
    assert sorted(m.recipients[0] for m in messages) == ["a@kemenkeu.go.id", "b@kemenkeu.go.id"]
    message = messages[0]
    assert message.subject == "Laporan bulanan layanan konsultasi DJPK, April 2023"
    assert "Video Conference sebanyak 5 kali" in message.text_body
    assert "/koordinator/laporan?bulan=2023-04" in message.text_body
    (attachment,) = message.attachments
    assert attachment["filename"] == "laporan-konsultasi-2023-04.xlsx"
    wb = load_workbook(io.BytesIO(base64.b64decode(attachment["content"])))
    assert wb["Video Conference"].max_row == 6
    assert db.session.get(JobMarker, "monthly-report:2023-04") is not None


def test_marker_alone_stops_a_second_run(app, april):
    _recipients("a@kemenkeu.go.id")
    db.session.add(JobMarker(key="monthly-report:2023-04", done_at=datetime(2023, 5, 1, 1, tzinfo=WIB)))
    db.session.commit()
    assert send_monthly_report(datetime(2023, 5, 1, 9, tzinfo=WIB)) == 0
    assert _sent() == []


def test_no_recipient_nothing_and_no_marker(app, april):
    assert send_monthly_report(datetime(2023, 5, 1, 8, tzinfo=WIB)) == 0
    assert db.session.get(JobMarker, "monthly-report:2023-04") is None


def test_due_month():
    assert due_month(datetime(2023, 1, 1, 7, 59, tzinfo=WIB)) is None
    assert f"{due_month(datetime(2023, 1, 1, 8, 0, tzinfo=WIB)):%Y-%m}" == "2022-12"
    # 00:30 UTC on the 1st is already 07:30 WIB; 01:00 UTC is 08:00 WIB
    assert due_month(datetime.fromisoformat("2023-05-01T00:30:00+00:00")) is None
    assert f"{due_month(datetime.fromisoformat('2023-05-01T01:00:00+00:00')):%Y-%m}" == "2023-04"
    # The last evening of May in UTC is already 1 June 01:00 in WIB: May's report waits until 08:00
    assert due_month(datetime.fromisoformat("2023-05-31T18:00:00+00:00")) is None
    assert f"{due_month(datetime.fromisoformat('2023-06-01T01:00:00+00:00')):%Y-%m}" == "2023-05"
