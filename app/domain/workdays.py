"""Working days in Indonesia: Monday to Friday, minus public holidays and joint leave.

Holidays come from the `holidays` package (country ID, categories public and government;
the government category carries cuti bersama, the joint leave days). A WorkCalendar can
also be built from an explicit set of days off, which is what the tests use.
"""

from collections.abc import Iterable
from datetime import date, timedelta
from functools import lru_cache

import holidays

HOLIDAY_CATEGORIES = ("public", "government")


@lru_cache(maxsize=64)
def _indonesian_days_off(year: int, language: str) -> dict[date, str]:
    days = holidays.country_holidays("ID", years=year, categories=HOLIDAY_CATEGORIES, language=language)
    return dict(days.items())


class WorkCalendar:
    """Answers "is this a working day?" and counts working days.

    With `days_off` given, only those dates (and weekends) are non-working; without it, the
    Indonesian public holidays and joint leave days of each year are looked up lazily.
    """

    def __init__(self, days_off: Iterable[date] | None = None, language: str = "id"):
        self._fixed = None if days_off is None else frozenset(days_off)
        self._language = language

    def holiday_name(self, day: date) -> str | None:
        if self._fixed is not None:
            return "libur" if day in self._fixed else None
        return _indonesian_days_off(day.year, self._language).get(day)

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and self.holiday_name(day) is None

    def shift(self, day: date, n: int) -> date:
        """The working day `n` working days after `day` (before it when n is negative).

        `day` itself need not be a working day; n == 0 returns `day` unchanged.
        """
        step = 1 if n > 0 else -1
        remaining = abs(n)
        current = day
        while remaining:
            current += timedelta(days=step)
            if self.is_working_day(current):
                remaining -= 1
        return current

    def count_between(self, start: date, end: date) -> int:
        """Working days d with start < d <= end (negative when end is before start)."""
        if end < start:
            return -self.count_between(end, start)
        count = 0
        current = start
        while current < end:
            current += timedelta(days=1)
            if self.is_working_day(current):
                count += 1
        return count

    def next_working_day(self, day: date) -> date:
        """`day` itself when it is a working day, else the first working day after it."""
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day
