"""The satisfaction overview's month: out of range or malformed answers 404, never a 500."""

import pytest

from tests.requests.helpers import login_as


@pytest.mark.parametrize("month", ["9999-12", "1-1", "0-1", "1999-12", "2026-13", "2026", "x-y", "2026-12-1"])
def test_bad_month_is_404(app, client, coordinator, month):
    login_as(client, coordinator)
    assert client.get("/koordinator/kepuasan", query_string={"bulan": month}).status_code == 404


def test_good_month_is_shown(app, client, coordinator):
    login_as(client, coordinator)
    assert client.get("/koordinator/kepuasan", query_string={"bulan": "2026-11"}).status_code == 200
    assert client.get("/koordinator/kepuasan", query_string={"bulan": "9998-12"}).status_code == 200
