"""parse_month: "YYYY-MM" with a year from 2000 to 9998 (so that the month after, and a
report's trend, stay within what `date` can hold)."""

from datetime import date

import pytest

from app.domain.months import FIRST_YEAR, LAST_YEAR, parse_month


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2023-04", date(2023, 4, 1)),
        (" 2023-4 ", date(2023, 4, 1)),
        ("2000-01", date(2000, 1, 1)),
        ("9998-12", date(9998, 12, 1)),
    ],
)
def test_good_months(text, expected):
    assert parse_month(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        None,
        "",
        "2023",
        "2023-13",
        "2023-00",
        "1999-12",
        "9999-12",
        "10000-01",
        "1-1",
        "2023-04-01",
        "april",
        "2023-1x",
        "२०२३-०४",
        "+2023-04",
        "2023-+4",
        "2023- 4",
    ],
)
def test_bad_months(text):
    with pytest.raises(ValueError):
        parse_month(text)


def test_the_range():
    assert (FIRST_YEAR, LAST_YEAR) == (2000, 9998)
