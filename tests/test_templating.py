"""Template filters: a Pemda's own zone with WIB beside, Indonesian day and month names."""

from datetime import UTC, date, datetime

import pytest
from flask import render_template_string, session

# Monday 7 December 2026, 01:00 UTC = 08:00 WIB = 09:00 WITA = 10:00 WIT.
MOMENT = datetime(2026, 12, 7, 1, 0, tzinfo=UTC)
LATER = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)


def render(source: str, **context) -> str:
    return render_template_string(source, **context)


@pytest.fixture
def request_ctx(app):
    with app.test_request_context("/"):
        yield


def test_datetime_in_wib(request_ctx):
    assert render("{{ t|datetime_zone }}", t=MOMENT) == "Senin, 7 Desember 2026 08.00 WIB"


@pytest.mark.parametrize(
    "zone, shown",
    [
        ("Asia/Makassar", "Senin, 7 Desember 2026 09.00 WITA (08.00 WIB)"),
        ("Asia/Jayapura", "Senin, 7 Desember 2026 10.00 WIT (08.00 WIB)"),
        ("Asia/Jakarta", "Senin, 7 Desember 2026 08.00 WIB"),
    ],
)
def test_datetime_both_shows_wib_beside_another_zone(request_ctx, zone, shown):
    assert render("{{ t|datetime_both(zone) }}", t=MOMENT, zone=zone) == shown


def test_range_in_wita_with_wib_beside(request_ctx):
    shown = render("{{ a|range_both(b, 'Asia/Makassar') }}", a=MOMENT, b=LATER)
    assert shown == "Senin, 7 Desember 2026 09.00–10.00 WITA (08.00–09.00 WIB)"


def test_range_in_wib_has_nothing_beside(request_ctx):
    shown = render("{{ a|range_both(b) }}", a=MOMENT, b=LATER)
    assert shown == "Senin, 7 Desember 2026 08.00–09.00 WIB"


def test_date_takes_the_day_of_the_zone(request_ctx):
    # 23:30 WIB on Sunday is already Monday in Jayapura.
    late = datetime(2026, 12, 6, 16, 30, tzinfo=UTC)
    assert render("{{ t|date_id }}", t=late) == "Minggu, 6 Desember 2026"
    assert render("{{ t|date_id('Asia/Jayapura') }}", t=late) == "Senin, 7 Desember 2026"
    assert render("{{ d|date_id }}", d=date(2026, 8, 17)) == "Senin, 17 Agustus 2026"


@pytest.mark.parametrize(
    "day, words",
    [
        (date(2026, 1, 6), ("Selasa", "Januari")),
        (date(2026, 2, 4), ("Rabu", "Februari")),
        (date(2026, 3, 5), ("Kamis", "Maret")),
        (date(2026, 5, 1), ("Jumat", "Mei")),
        (date(2026, 8, 8), ("Sabtu", "Agustus")),
        (date(2026, 10, 4), ("Minggu", "Oktober")),
    ],
)
def test_indonesian_day_and_month_names(request_ctx, day, words):
    shown = render("{{ d|date_id }}", d=day)
    assert all(word in shown for word in words)


def test_time_and_zone_abbreviation(request_ctx):
    assert render("{{ t|time_zone('Asia/Jayapura') }}", t=MOMENT) == "10.00 WIT"
    assert render("{{ 'Asia/Makassar'|zone_abbr }}") == "WITA"
    assert render("{{ 'Asia/Jakarta'|zone_abbr }}") == "WIB"


def test_missing_values_show_nothing(request_ctx):
    assert (
        render("[{{ none|datetime_both('Asia/Makassar') }}{{ none|date_id }}{{ none|range_both(none) }}]")
        == "[]"
    )


def test_english_when_chosen(app):
    with app.test_request_context("/"):
        session["lang"] = "en"
        shown = render("{{ t|datetime_both('Asia/Makassar') }}", t=MOMENT)
    assert shown.startswith("Monday, 7 December 2026 9:00")
    assert "AM WITA (8:00" in shown.replace("\u202f", " ") and shown.endswith("AM WIB)")


def test_a_time_range_names_its_zone_once(request_ctx):
    # 07:00-08:00 UTC is 16.00-17.00 WIT: "16.00–17.00 WIT", not "16.00 WIT–17.00 WIT".
    start, end = datetime(2026, 12, 7, 7, 0, tzinfo=UTC), datetime(2026, 12, 7, 8, 0, tzinfo=UTC)
    assert render("{{ a|time_range(b, 'Asia/Jayapura') }}", a=start, b=end) == "16.00–17.00 WIT"
    assert render("{{ a|time_range(b) }}", a=start, b=end) == "14.00–15.00 WIB"


def test_a_range_over_days_writes_both_days_and_the_zone_once(request_ctx):
    end = datetime(2026, 12, 9, 9, 0, tzinfo=UTC)
    assert render("{{ a|range_both(b) }}", a=MOMENT, b=end) == (
        "Senin, 7 Desember 2026 08.00 – Rabu, 9 Desember 2026 16.00 WIB"
    )
    assert render("{{ a|range_both(b, 'Asia/Makassar') }}", a=MOMENT, b=end) == (
        "Senin, 7 Desember 2026 09.00 – Rabu, 9 Desember 2026 17.00 WITA"
        " (Senin, 7 Desember 2026 08.00 – Rabu, 9 Desember 2026 16.00 WIB)"
    )
