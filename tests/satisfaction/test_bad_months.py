"""The satisfaction overview's month: it opens on last month (WIB), as the monthly report does;
a month out of range or malformed shows last month with a message (400), never a 500."""

from datetime import datetime

import pytest
import time_machine

from app.core.clock import WIB
from tests.requests.helpers import login_as


@pytest.mark.parametrize("month", ["9999-12", "1-1", "0-1", "1999-12", "2026-13", "2026", "x-y", "2026-12-1"])
def test_bad_month_shows_last_month_with_a_message(app, client, coordinator, month):
    login_as(client, coordinator)
    response = client.get("/koordinator/kepuasan", query_string={"bulan": month})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'data-test="month-error">Bulan' in page and "Ditampilkan: November 2026." in page
    assert "Kepuasan layanan, November 2026" in page


def test_good_month_is_shown(app, client, coordinator):
    login_as(client, coordinator)
    assert client.get("/koordinator/kepuasan", query_string={"bulan": "2026-11"}).status_code == 200
    assert client.get("/koordinator/kepuasan", query_string={"bulan": "9998-12"}).status_code == 200


def test_opens_on_last_month_like_the_report(app, client, coordinator):
    login_as(client, coordinator)
    # 1 January 2027 00:30 WIB is still 31 December 2026 in UTC: last month is December, in WIB.
    with time_machine.travel(datetime(2027, 1, 1, 0, 30, tzinfo=WIB), tick=False):
        page = client.get("/koordinator/kepuasan").get_data(as_text=True)
        report = client.get("/koordinator/laporan").get_data(as_text=True)
    assert "Kepuasan layanan, Desember 2026" in page and "month-error" not in page
    assert 'value="2026-12"' in report
