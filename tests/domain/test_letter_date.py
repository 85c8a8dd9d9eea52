"""The date written on a request letter: not after today (WIB), not more than a year before."""

from dataclasses import replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from app.domain.policy import Rule, check_letter_date, check_request, one_year_before
from tests.domain.test_policy import CAL, POLICY, draft

WIB = ZoneInfo("Asia/Jakarta")
TODAY = date(2026, 12, 1)


@pytest.mark.parametrize(
    "written, expected",
    [
        (date(2026, 12, 1), []),  # today
        (date(2026, 11, 30), []),
        (date(2025, 12, 1), []),  # exactly a year before
        (date(2026, 12, 2), [Rule.LETTER_DATE_IN_FUTURE]),
        (date(2028, 11, 30), [Rule.LETTER_DATE_IN_FUTURE]),  # "2028" typed for "2026"
        (date(2025, 11, 30), [Rule.LETTER_DATE_TOO_OLD]),
        (date(202, 11, 30), [Rule.LETTER_DATE_TOO_OLD]),
    ],
)
def test_letter_date_bounds(written, expected):
    assert [v.rule for v in check_letter_date(written, TODAY)] == expected


def test_the_messages_get_the_dates_they_name():
    (future,) = check_letter_date(date(2028, 1, 1), TODAY)
    assert future.field == "letter_date" and future.params == {"today": TODAY}
    (old,) = check_letter_date(date(2020, 1, 1), TODAY)
    assert old.field == "letter_date" and old.params == {"earliest": date(2025, 12, 1)}


def test_one_year_before_a_leap_day():
    assert one_year_before(date(2028, 2, 29)) == date(2027, 2, 28)


def test_today_is_the_wib_day():
    # 23:30 WIB on 30 November is already 1 December in Jayapura: a letter of 1 December is
    # still tomorrow for DJPK.
    now = datetime(2026, 11, 30, 23, 30, tzinfo=WIB)
    d = replace(draft(), letter_date=date(2026, 12, 1))
    assert Rule.LETTER_DATE_IN_FUTURE in [v.rule for v in check_request(d, POLICY, CAL, now)]


def test_no_letter_date_is_no_check():
    now = datetime(2026, 11, 2, 9, tzinfo=WIB)
    assert check_request(draft(), POLICY, CAL, now) == []
