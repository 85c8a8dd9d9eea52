"""Months: a month typed in a URL or on the command line ("YYYY-MM" -> its first day), a
month's bounds in WIB, and months before or after.

The year is kept between 2000 and 9998 so that the month after (and a year either side, as the
monthly report's comparisons need) is still a `date`: year 9999 would overflow into 10000.
"""

import re
from datetime import UTC, date, datetime

from app.domain.policy import WIB

FIRST_YEAR = 2000
LAST_YEAR = 9998
_MONTH = re.compile(r"(\d{4})-(\d{1,2})", re.ASCII)


def parse_month(text: str | None) -> date:
    """ "2023-04" (or "2023-4") -> date(2023, 4, 1); ValueError for anything else."""
    found = _MONTH.fullmatch((text or "").strip())
    if not found:
        raise ValueError(f"not a month (YYYY-MM): {text!r}")
    year, month = int(found[1]), int(found[2])
    if not FIRST_YEAR <= year <= LAST_YEAR or not 1 <= month <= 12:
        raise ValueError(f"not a month (YYYY-MM) from {FIRST_YEAR} to {LAST_YEAR}: {text!r}")
    return date(year, month, 1)


def month_bounds(month: date) -> tuple[datetime, datetime]:
    """[first instant, first instant of the next month) of `month` in WIB, as UTC."""
    first = month.replace(day=1)
    following = (
        first.replace(year=first.year + 1, month=1)
        if first.month == 12
        else first.replace(month=first.month + 1)
    )

    def at(day: date) -> datetime:
        return datetime(day.year, day.month, day.day, tzinfo=WIB).astimezone(UTC)

    return at(first), at(following)


def month_of(instant: datetime) -> date:
    """The first day of the WIB month in which the aware `instant` falls."""
    return instant.astimezone(WIB).date().replace(day=1)


def shift_month(month: date, n: int) -> date:
    """The first day of the month `n` months after (before, when negative) `month`."""
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def last_month(now: datetime) -> date:
    """The month before the WIB month of `now`: the one the monthly pages open on, since the
    current month is still under way (and its report and ratings mostly empty)."""
    return shift_month(month_of(now), -1)
