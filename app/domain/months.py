"""A month typed in a URL or on the command line: "YYYY-MM" -> the first day of that month.

The year is kept between 2000 and 9998 so that the month after (and a year either side, as the
monthly report's comparisons need) is still a `date`: year 9999 would overflow into 10000.
"""

import re
from datetime import date

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
