"""A month the report cannot show (malformed, or out of the years 2000-9998) is the person's
mistake, not a missing page: the report page shows last month with a message saying what to
write (400), and the print and download URLs answer a page saying so (400), never a bare 404
nor a 500 from year 10000. The CLI says what is wrong."""

import pytest

FORMAT = "Bulan tidak valid; gunakan format TTTT-BB, misalnya 2023-04."


@pytest.mark.parametrize(
    ("month", "message"),
    [
        ("2023-13", FORMAT),
        ("april", FORMAT),
        ("1-1", FORMAT),
        ("9999-12", "Bulan 9999-12 di luar rentang yang dapat ditampilkan (2000 sampai 9998)."),
        ("1999-12", "Bulan 1999-12 di luar rentang yang dapat ditampilkan (2000 sampai 9998)."),
    ],
)
def test_the_page_shows_last_month_and_says_why(app, client, auth, coordinator, month, message):
    auth.login(coordinator)
    response = client.get("/koordinator/laporan", query_string={"bulan": month})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    # Last month in WIB: tests/reports/conftest.py freezes time on 10 May 2023.
    assert f'data-test="month-error">{message} Ditampilkan: April 2023.' in page
    assert 'value="2023-04"' in page


@pytest.mark.parametrize(
    "url",
    [
        "/koordinator/laporan/2023-13.csv",
        "/koordinator/laporan/april.csv",
        "/koordinator/laporan/9999-12.xlsx",
        "/koordinator/laporan/2023-13/cetak",
        "/koordinator/laporan/0001-01.csv",
    ],
)
def test_print_and_downloads_answer_a_page_saying_why(app, client, auth, coordinator, url):
    auth.login(coordinator)
    response = client.get(url)
    assert response.status_code == 400
    assert response.headers["Content-Type"].startswith("text/html")
    assert "Content-Disposition" not in response.headers
    page = response.get_data(as_text=True)
    assert 'data-test="month-error">Bulan' in page
    assert 'href="/koordinator/laporan"' in page  # back to the report (last month)


def test_last_month_in_range_is_shown(app, client, auth, coordinator):
    auth.login(coordinator)
    assert client.get("/koordinator/laporan?bulan=9998-12").status_code == 200
    assert client.get("/koordinator/laporan/2000-01.csv").status_code == 200


@pytest.mark.parametrize("month", ["9999-12", "1-1"])
def test_cli_refuses_out_of_range_month(app, runner, month):
    result = runner.invoke(args=["report", "monthly", month])
    assert result.exit_code == 2
    assert "is not a month; write it as YYYY-MM" in result.output
