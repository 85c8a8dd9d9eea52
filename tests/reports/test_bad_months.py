"""Months out of range answer 404 (never a 500 from year 10000); the CLI says what is wrong."""

import pytest


@pytest.mark.parametrize(
    "url",
    [
        "/koordinator/laporan?bulan=9999-12",
        "/koordinator/laporan?bulan=1-1",
        "/koordinator/laporan?bulan=1999-12",
        "/koordinator/laporan/9999-12.csv",
        "/koordinator/laporan/9999-12.xlsx",
        "/koordinator/laporan/9999-12/cetak",
        "/koordinator/laporan/0001-01.csv",
    ],
)
def test_out_of_range_month_is_404(app, client, auth, coordinator, url):
    auth.login(coordinator)
    assert client.get(url).status_code == 404


def test_last_month_in_range_is_shown(app, client, auth, coordinator):
    auth.login(coordinator)
    assert client.get("/koordinator/laporan?bulan=9998-12").status_code == 200
    assert client.get("/koordinator/laporan/2000-01.csv").status_code == 200


@pytest.mark.parametrize("month", ["9999-12", "1-1"])
def test_cli_refuses_out_of_range_month(app, runner, month):
    result = runner.invoke(args=["report", "monthly", month])
    assert result.exit_code == 2
    assert "is not a month; write it as YYYY-MM" in result.output
