"""A month given in a URL ("?bulan=2023-04", "/laporan/2023-04.csv"), read for a page.

A month that cannot be read is the person's mistake, not a missing page: the monthly pages
show the default month (last month, WIB) with a message saying what to write instead, and
answer 400 so that a broken link never looks like a good one.
"""

import re
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _

from app.core.clock import now_utc
from app.domain import months

BAD_REQUEST = 400
_SHAPE = re.compile(r"\d{4}-\d{1,2}", re.ASCII)


@dataclass(frozen=True)
class MonthArg:
    month: date
    error: str | None = None  # why the month given was not used

    @property
    def status(self) -> int:
        return BAD_REQUEST if self.error else 200


def default_month() -> date:
    """Last month in WIB: what the report and the satisfaction page open on."""
    return months.last_month(now_utc())


def month_error(raw: str | None) -> str | None:
    """Why `raw` is not a month the pages can show; None when it is one."""
    try:
        months.parse_month(raw)
    except ValueError:
        return bad_month_message(raw)
    return None


def bad_month_message(raw: str | None) -> str:
    text = (raw or "").strip()
    if _SHAPE.fullmatch(text) and 1 <= int(text.split("-")[1]) <= 12:
        return _(
            "Bulan %(month)s di luar rentang yang dapat ditampilkan (%(first)d sampai %(last)d).",
            month=text,
            first=months.FIRST_YEAR,
            last=months.LAST_YEAR,
        )
    return _("Bulan tidak valid; gunakan format TTTT-BB, misalnya 2023-04.")


def month_arg(raw: str | None) -> MonthArg:
    """The month `raw` names; the default month (and why) when it is empty or not a month."""
    if not raw:
        return MonthArg(default_month())
    try:
        return MonthArg(months.parse_month(raw))
    except ValueError:
        return MonthArg(default_month(), bad_month_message(raw))
