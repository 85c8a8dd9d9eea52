"""Numbers and sentences of DJPK's monthly report, in Indonesian.

The output of this module IS Indonesian report text by design: the report DJPK publishes is
written in Indonesian whatever language the person generating it reads the app in, so these
strings do not go through Flask-Babel. Pure functions, no Flask.

- Numbers: dot for thousands, comma for decimals ("1.234,50", "2,37%"), rounded half up as
  people round by hand and as spreadsheets do (2,675 -> "2,68").
- Change (change_phrase): "meningkat 2,37%", "menurun 10,00%", "tetap" when equal; from 0 no
  percentage can be computed, so "meningkat dari 0 menjadi 5" (and "tetap" for 0 to 0).
- Sentences: summary_sentence() ("Selama bulan April 2023 telah dilaksanakan Video Conference
  sebanyak 6 kali dengan topik terbanyak DAU."), comparison_sentence() against the previous
  month and the same month a year before. Sentences end with a full stop.
"""

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from app.domain.policy import Mode

MONTHS = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
)  # fmt: skip
MODE_LABELS = {Mode.VC: "Video Conference", Mode.FTF: "Konsultasi Tatap Muka"}

Number = int | float | Decimal


def _decimal(value: Number) -> Decimal:
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    if not number.is_finite():
        raise ValueError(f"not a finite number: {value!r}")
    return number


def format_decimal(value: Number, places: int = 2) -> str:
    """1234.5 -> "1.234,50"; places=0 gives a whole number ("1.235")."""
    number = _decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if number == 0:
        number = abs(number)  # no "-0,00"
    sign = "-" if number < 0 else ""
    whole, _, fraction = f"{abs(number):f}".partition(".")
    grouped = f"{int(whole):,}".replace(",", ".")
    return f"{sign}{grouped},{fraction}" if fraction else f"{sign}{grouped}"


def format_integer(value: int) -> str:
    """12345 -> "12.345"."""
    return format_decimal(value, places=0)


def format_percent(value: Number, places: int = 2) -> str:
    """2.3712 -> "2,37%" (the value is already in percent)."""
    return f"{format_decimal(value, places)}%"


def percent_change(previous: Number, current: Number) -> Decimal | None:
    """The change from previous to current in percent; None when previous is 0."""
    before, after = _decimal(previous), _decimal(current)
    if before == 0:
        return None
    return (after - before) / abs(before) * 100


def change_phrase(previous: Number, current: Number) -> str:
    """ "meningkat 2,37%", "menurun 10,00%", "tetap", or "meningkat dari 0 menjadi 5"."""
    change = percent_change(previous, current)
    if change is None:
        if _decimal(current) == 0:
            return "tetap"
        direction = "meningkat" if _decimal(current) > 0 else "menurun"
        return f"{direction} dari 0 menjadi {_plain(current)}"
    if change == 0:
        return "tetap"
    direction = "meningkat" if change > 0 else "menurun"
    return f"{direction} {format_percent(abs(change))}"


def _plain(value: Number) -> str:
    number = _decimal(value)
    return format_integer(int(number)) if number == number.to_integral_value() else format_decimal(number)


def month_name(month: int) -> str:
    return MONTHS[month - 1]


def month_year(year: int | date, month: int | None = None) -> str:
    """(2023, 4) or date(2023, 4, x) -> "April 2023"."""
    if isinstance(year, date):
        year, month = year.year, year.month
    if month is None or not 1 <= month <= 12:
        raise ValueError(f"no such month: {month!r}")
    return f"{month_name(month)} {year}"


def previous_month(year: int, month: int) -> tuple[int, int]:
    return (year - 1, 12) if month == 1 else (year, month - 1)


def top_topics(counts: Mapping[str, int], order: Sequence[str] = ()) -> list[str]:
    """Every topic tied for the highest count (none when nothing was counted), in the
    taxonomy's `order`; topics not in it come after, alphabetically."""
    best = max(counts.values(), default=0)
    if best <= 0:
        return []
    rank = {code: i for i, code in enumerate(order)}
    tied = [code for code, count in counts.items() if count == best]
    return sorted(tied, key=lambda code: (rank.get(code, len(rank)), code.casefold(), code))


def join_words(items: Iterable[str]) -> str:
    """["DAU"] -> "DAU"; two -> "DAU dan DBH"; more -> "DAU, DBH, dan PDRD"."""
    words = list(items)
    if len(words) <= 2:
        return " dan ".join(words)
    return f"{', '.join(words[:-1])}, dan {words[-1]}"


def summary_sentence(mode: Mode | str, year: int, month: int, count: int, top: Sequence[str]) -> str:
    """What was held in a month and its top topic(s), as in DJPK's report."""
    label = MODE_LABELS[Mode(mode)]
    when = f"Selama bulan {month_year(year, month)}"
    if count <= 0:
        return f"{when} tidak ada {label} yang dilaksanakan."
    sentence = f"{when} telah dilaksanakan {label} sebanyak {format_integer(count)} kali"
    if top:
        sentence += f" dengan topik terbanyak {join_words(top)}"
    return sentence + "."


def _against(current: int, before: int, label: str) -> str:
    then = f"bulan {label} ({format_integer(before)} kali)"
    if current == before:
        return f"sama dengan {then}"
    if before == 0:
        return f"meningkat dari 0 kali pada bulan {label}"
    return f"{change_phrase(before, current)} dibandingkan {then}"


def comparison_sentence(
    mode: Mode | str,
    year: int,
    month: int,
    current: int,
    previous: int | None,
    year_before: int | None,
) -> str:
    """The month's count against the previous month and the same month a year before;
    None for a month without data (before the history starts) leaves its clause out."""
    label = MODE_LABELS[Mode(mode)]
    sentence = f"Jumlah {label} pada bulan {month_year(year, month)} sebanyak {format_integer(current)} kali"
    clauses = []
    if previous is not None:
        clauses.append(_against(current, previous, month_year(*previous_month(year, month))))
    if year_before is not None:
        clauses.append(_against(current, year_before, month_year(year - 1, month)))
    if clauses:
        sentence += ", " + " dan ".join(clauses)
    return sentence + "."
