"""Working-day arithmetic: weekends, public holidays and joint leave (cuti bersama)."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.workdays import WorkCalendar
from tests.domain.strategies import DOMAIN_SETTINGS, calendars, dates

steps = st.integers(min_value=-40, max_value=40)
positive_steps = st.integers(min_value=1, max_value=40)
nonzero_steps = steps.filter(lambda n: n != 0)


@pytest.fixture(scope="module")
def indonesia():
    return WorkCalendar()


# --- explicit days off -----------------------------------------------------------------


def test_weekends_are_not_working_days():
    cal = WorkCalendar(days_off=())
    assert cal.is_working_day(date(2026, 12, 4))  # Friday
    assert not cal.is_working_day(date(2026, 12, 5))  # Saturday
    assert not cal.is_working_day(date(2026, 12, 6))  # Sunday
    assert cal.is_working_day(date(2026, 12, 7))  # Monday


def test_explicit_days_off_are_named_and_not_working():
    cal = WorkCalendar(days_off=[date(2026, 12, 8)])
    assert not cal.is_working_day(date(2026, 12, 8))
    assert cal.holiday_name(date(2026, 12, 8)) == "libur"
    assert cal.holiday_name(date(2026, 12, 9)) is None


def test_shift_skips_weekend_and_holiday_both_ways():
    cal = WorkCalendar(days_off=[date(2026, 12, 7)])  # a Monday off after the weekend
    assert cal.shift(date(2026, 12, 4), 1) == date(2026, 12, 8)
    assert cal.shift(date(2026, 12, 8), -1) == date(2026, 12, 4)
    assert cal.shift(date(2026, 12, 4), 0) == date(2026, 12, 4)


def test_shift_from_a_day_off_counts_the_days_after_it():
    cal = WorkCalendar(days_off=())
    saturday = date(2026, 12, 5)
    assert cal.shift(saturday, 1) == date(2026, 12, 7)
    assert cal.shift(saturday, -1) == date(2026, 12, 4)


def test_count_between_is_half_open_and_antisymmetric():
    cal = WorkCalendar(days_off=())
    friday, monday = date(2026, 12, 4), date(2026, 12, 7)
    assert cal.count_between(friday, monday) == 1  # Saturday and Sunday do not count
    assert cal.count_between(monday, friday) == -1
    assert cal.count_between(friday, friday) == 0
    assert cal.count_between(date(2026, 12, 5), date(2026, 12, 6)) == 0


def test_next_working_day():
    cal = WorkCalendar(days_off=[date(2026, 12, 7)])
    assert cal.next_working_day(date(2026, 12, 4)) == date(2026, 12, 4)
    assert cal.next_working_day(date(2026, 12, 5)) == date(2026, 12, 8)


# --- the real Indonesian calendar (holidays package, public + government) ---------------


@pytest.mark.parametrize("day", [date(2023, 4, 19) + timedelta(days=i) for i in range(7)])
def test_idul_fitri_2023_block_is_not_working(indonesia, day):
    assert not indonesia.is_working_day(day)
    assert "Idul Fitri" in indonesia.holiday_name(day)


def test_idul_fitri_2023_block_edges(indonesia):
    assert indonesia.is_working_day(date(2023, 4, 18))
    assert indonesia.is_working_day(date(2023, 4, 26))
    assert indonesia.holiday_name(date(2023, 4, 24)).startswith("Cuti Bersama")


def test_shift_across_idul_fitri_2023(indonesia):
    assert indonesia.shift(date(2023, 4, 18), 1) == date(2023, 4, 26)
    assert indonesia.shift(date(2023, 4, 26), -1) == date(2023, 4, 18)
    assert indonesia.count_between(date(2023, 4, 18), date(2023, 4, 26)) == 1
    assert indonesia.next_working_day(date(2023, 4, 19)) == date(2023, 4, 26)
    # Five working days before the Wednesday after Lebaran: 18, 17, 14, 13, 12 April.
    assert indonesia.shift(date(2023, 4, 26), -5) == date(2023, 4, 12)


def test_christmas_2026_and_its_joint_leave(indonesia):
    assert indonesia.holiday_name(date(2026, 12, 24)).startswith("Cuti Bersama")
    assert not indonesia.is_working_day(date(2026, 12, 24))  # Thursday, joint leave
    assert not indonesia.is_working_day(date(2026, 12, 25))  # Friday, Christmas
    assert indonesia.is_working_day(date(2026, 12, 23))
    assert indonesia.shift(date(2026, 12, 23), 1) == date(2026, 12, 28)
    assert indonesia.shift(date(2026, 12, 28), -1) == date(2026, 12, 23)
    assert indonesia.count_between(date(2026, 12, 23), date(2026, 12, 28)) == 1
    assert indonesia.next_working_day(date(2026, 12, 24)) == date(2026, 12, 28)


def test_names_are_in_indonesian_and_english_on_request():
    assert WorkCalendar().holiday_name(date(2026, 12, 25)) == "Hari Raya Natal"
    assert WorkCalendar(language="en_US").holiday_name(date(2026, 12, 25)) == "Christmas Day"


# --- properties -------------------------------------------------------------------------


@DOMAIN_SETTINGS
@given(calendars(), dates, nonzero_steps)
def test_shift_lands_on_a_working_day(cal, day, n):
    result = cal.shift(day, n)
    assert cal.is_working_day(result)
    assert (result > day) if n > 0 else (result < day)


@DOMAIN_SETTINGS
@given(calendars(), dates)
def test_shift_by_zero_is_identity(cal, day):
    assert cal.shift(day, 0) == day


@DOMAIN_SETTINGS
@given(calendars(), dates, positive_steps)
def test_count_forward_equals_n_from_any_day(cal, day, n):
    # Working days in (day, shift(day, n)]: exactly n, whether or not `day` is a working day.
    assert cal.count_between(day, cal.shift(day, n)) == n


@DOMAIN_SETTINGS
@given(calendars(), dates, positive_steps)
def test_count_backward_counts_the_start_day_only_when_it_works(cal, day, n):
    # Counting is half-open (start, end], so going back from a day off loses one.
    back = cal.shift(day, -n)
    expected = n if cal.is_working_day(day) else n - 1
    assert cal.count_between(back, day) == expected
    assert cal.count_between(day, back) == -expected


@DOMAIN_SETTINGS
@given(calendars(), dates, nonzero_steps)
def test_shift_there_and_back(cal, day, n):
    there_and_back = cal.shift(cal.shift(day, n), -n)
    if cal.is_working_day(day):
        assert there_and_back == day
    elif n > 0:  # back lands on the last working day before `day`
        assert there_and_back == cal.shift(day, -1)
    else:  # forward lands on the first working day after `day`
        assert there_and_back == cal.next_working_day(day) == cal.shift(day, 1)


@DOMAIN_SETTINGS
@given(calendars(), dates, dates, steps)
def test_shift_is_monotonic_in_the_day(cal, a, b, n):
    a, b = min(a, b), max(a, b)
    assert cal.shift(a, n) <= cal.shift(b, n)


@DOMAIN_SETTINGS
@given(calendars(), dates, steps, steps)
def test_shift_is_strictly_monotonic_in_n(cal, day, m, n):
    if m < n:
        assert cal.shift(day, m) < cal.shift(day, n)


@DOMAIN_SETTINGS
@given(calendars(), dates, positive_steps, positive_steps)
def test_shifts_compose(cal, day, m, n):
    assert cal.shift(cal.shift(day, m), n) == cal.shift(day, m + n)
    assert cal.shift(cal.shift(day, -m), -n) == cal.shift(day, -(m + n))


@DOMAIN_SETTINGS
@given(calendars(), dates, dates, dates)
def test_count_between_is_additive(cal, a, b, c):
    assert cal.count_between(a, b) + cal.count_between(b, c) == cal.count_between(a, c)


@DOMAIN_SETTINGS
@given(calendars(), dates)
def test_next_working_day_is_the_first_working_day_from_day(cal, day):
    result = cal.next_working_day(day)
    assert result >= day and cal.is_working_day(result)
    assert all(not cal.is_working_day(day + timedelta(days=i)) for i in range((result - day).days))
