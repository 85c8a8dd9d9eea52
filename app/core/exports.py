"""Cells for CSV and XLSX files: text that a spreadsheet would read as a formula is written
with a leading apostrophe (CSV/formula injection; OWASP's advice). Numbers, dates and other
values are kept as they are."""

from collections.abc import Iterable

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """ "=1+2" -> "'=1+2"; any value that is not text is returned unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def safe_row(values: Iterable) -> list:
    return [safe_cell(value) for value in values]
