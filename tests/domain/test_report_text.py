"""Indonesian numbers and sentences of the monthly report."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.policy import Mode
from app.domain.report_text import (
    change_phrase,
    comparison_sentence,
    format_decimal,
    format_integer,
    format_percent,
    join_words,
    month_name,
    month_year,
    percent_change,
    previous_month,
    summary_sentence,
    top_topics,
)
from tests.domain.strategies import DOMAIN_SETTINGS


def parse_indonesian(text: str) -> Decimal:
    return Decimal(text.replace(".", "").replace(",", "."))


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        (1234.5, 2, "1.234,50"),
        (Decimal("1234.5"), 2, "1.234,50"),
        (0, 2, "0,00"),
        (2.675, 2, "2,68"),  # half up, not the float's 2.67499...
        (0.005, 2, "0,01"),
        (-0.001, 2, "0,00"),  # never "-0,00"
        (-1234567.891, 2, "-1.234.567,89"),
        (999.995, 2, "1.000,00"),
        (1000000, 0, "1.000.000"),
        (0.5, 0, "1"),
        (12.3456, 3, "12,346"),
    ],
)
def test_format_decimal(value, places, expected):
    assert format_decimal(value, places) == expected


def test_integers_and_percentages():
    assert format_integer(6) == "6"
    assert format_integer(1800) == "1.800"
    assert format_integer(-12345) == "-12.345"
    assert format_percent(2.3712) == "2,37%"
    assert format_percent(131) == "131,00%"
    assert format_percent(Decimal("1234.5"), 1) == "1.234,5%"


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), Decimal("-Infinity")])
def test_non_numbers_are_refused(bad):
    with pytest.raises(ValueError):
        format_decimal(bad)


@given(st.decimals(min_value=-(10**12), max_value=10**12, places=2, allow_nan=False, allow_infinity=False))
@DOMAIN_SETTINGS
def test_two_place_values_round_trip(value):
    text = format_decimal(value)
    assert parse_indonesian(text) == value
    whole = text.lstrip("-").split(",")[0]
    assert all(len(group) == 3 for group in whole.split(".")[1:])
    assert 1 <= len(whole.split(".")[0]) <= 3


@given(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False), st.integers(min_value=0, max_value=4))
@DOMAIN_SETTINGS
def test_rounding_is_within_half_a_unit(value, places):
    text = format_decimal(value, places)
    assert abs(parse_indonesian(text) - Decimal(str(value))) <= Decimal(1).scaleb(-places) / 2
    assert text.count(",") == (1 if places else 0)


@pytest.mark.parametrize(
    ("previous", "current", "phrase"),
    [
        (100, Decimal("102.37"), "meningkat 2,37%"),
        (10, 9, "menurun 10,00%"),
        (4, 6, "meningkat 50,00%"),
        (3, 0, "menurun 100,00%"),
        (3, 1, "menurun 66,67%"),
        (13, 30, "meningkat 130,77%"),
        (5, 5, "tetap"),
        (0, 0, "tetap"),
        (0, 5, "meningkat dari 0 menjadi 5"),
        (0, 1500, "meningkat dari 0 menjadi 1.500"),
        (0, 2.5, "meningkat dari 0 menjadi 2,50"),
        (0, -2, "menurun dari 0 menjadi -2"),
    ],
)
def test_change_phrase(previous, current, phrase):
    assert change_phrase(previous, current) == phrase


def test_percent_change():
    assert percent_change(0, 5) is None
    assert percent_change(4, 6) == 50
    assert percent_change(-4, -2) == 50  # relative to the size of the base


@given(st.integers(min_value=0, max_value=10**6), st.integers(min_value=0, max_value=10**6))
@DOMAIN_SETTINGS
def test_change_phrase_direction_follows_the_counts(previous, current):
    phrase = change_phrase(previous, current)
    if current > previous:
        assert phrase.startswith("meningkat ")
    elif current < previous:
        assert phrase.startswith("menurun ")
    else:
        assert phrase == "tetap"


def test_months():
    assert [month_name(m) for m in (1, 2, 5, 8, 10, 12)] == [
        "Januari", "Februari", "Mei", "Agustus", "Oktober", "Desember",
    ]  # fmt: skip
    assert month_year(2023, 4) == "April 2023"
    assert month_year(date(2023, 4, 30)) == "April 2023"
    for bad in (0, 13, None):
        with pytest.raises(ValueError):
            month_year(2023, bad)
    assert previous_month(2023, 1) == (2022, 12)
    assert previous_month(2023, 4) == (2023, 3)


def test_top_topics_returns_every_tie_in_taxonomy_order():
    order = ["DAU", "DBH", "DAK Fisik", "PDRD"]
    assert top_topics({"DAU": 3, "DBH": 1}, order) == ["DAU"]
    assert top_topics({"PDRD": 2, "DBH": 2, "DAU": 1}, order) == ["DBH", "PDRD"]
    assert top_topics({"Zeta": 2, "alpha": 2, "DAU": 2}, order) == ["DAU", "alpha", "Zeta"]
    assert top_topics({"DBH": 2, "DAU": 2}) == ["DAU", "DBH"]
    assert top_topics({}) == []
    assert top_topics({"DAU": 0}) == []


@given(st.dictionaries(st.sampled_from(["DAU", "DBH", "IF", "PDRD", "Hibah"]), st.integers(0, 5)))
@DOMAIN_SETTINGS
def test_top_topics_properties(counts):
    top = top_topics(counts)
    assert top == top_topics(dict(reversed(list(counts.items()))))  # independent of input order
    assert all(counts[code] == max(counts.values()) for code in top)
    assert bool(top) == any(counts.values())


def test_join_words():
    assert join_words([]) == ""
    assert join_words(["DAU"]) == "DAU"
    assert join_words(["DAU", "DBH"]) == "DAU dan DBH"
    assert join_words(["DAU", "DBH", "PDRD"]) == "DAU, DBH, dan PDRD"
    assert join_words(iter(["A", "B", "C", "D"])) == "A, B, C, dan D"


def test_summary_sentences():
    assert summary_sentence(Mode.VC, 2023, 4, 6, ["DAU"]) == (
        "Selama bulan April 2023 telah dilaksanakan Video Conference sebanyak 6 kali"
        " dengan topik terbanyak DAU."
    )
    assert summary_sentence("ftf", 2023, 4, 7, ["DAU", "DBH"]) == (
        "Selama bulan April 2023 telah dilaksanakan Konsultasi Tatap Muka sebanyak 7 kali"
        " dengan topik terbanyak DAU dan DBH."
    )
    assert summary_sentence("vc", 2023, 4, 13, ["DAU", "DBH", "PDRD"]).endswith(
        "sebanyak 13 kali dengan topik terbanyak DAU, DBH, dan PDRD."
    )
    assert summary_sentence("vc", 2023, 4, 1200, []) == (
        "Selama bulan April 2023 telah dilaksanakan Video Conference sebanyak 1.200 kali."
    )
    assert summary_sentence("ftf", 2023, 12, 0, []) == (
        "Selama bulan Desember 2023 tidak ada Konsultasi Tatap Muka yang dilaksanakan."
    )


def test_comparison_sentences():
    assert comparison_sentence("vc", 2023, 4, 6, 4, 2) == (
        "Jumlah Video Conference pada bulan April 2023 sebanyak 6 kali,"
        " meningkat 50,00% dibandingkan bulan Maret 2023 (4 kali)"
        " dan meningkat 200,00% dibandingkan bulan April 2022 (2 kali)."
    )
    assert comparison_sentence("ftf", 2023, 1, 7, 7, 0) == (
        "Jumlah Konsultasi Tatap Muka pada bulan Januari 2023 sebanyak 7 kali,"
        " sama dengan bulan Desember 2022 (7 kali)"
        " dan meningkat dari 0 kali pada bulan Januari 2022."
    )
    assert comparison_sentence("vc", 2023, 4, 0, 3, None) == (
        "Jumlah Video Conference pada bulan April 2023 sebanyak 0 kali,"
        " menurun 100,00% dibandingkan bulan Maret 2023 (3 kali)."
    )
    assert comparison_sentence("vc", 2023, 4, 6, None, None) == (
        "Jumlah Video Conference pada bulan April 2023 sebanyak 6 kali."
    )
    assert comparison_sentence("vc", 2023, 4, 0, 0, 0) == (
        "Jumlah Video Conference pada bulan April 2023 sebanyak 0 kali,"
        " sama dengan bulan Maret 2023 (0 kali) dan sama dengan bulan April 2022 (0 kali)."
    )
