"""Reading a history spreadsheet (CSV or XLSX) into rows of four cells, as written.

The kind of file is judged by its content, never by its name: an XLSX is a ZIP archive
("PK\\x03\\x04") that openpyxl opens (read-only, values only, the first sheet); anything
else must be text (UTF-8 with or without a BOM, else Windows-1252 as older Excel writes it)
with ";", "," or tab between cells (each is tried; the one whose header is found wins).

The header row is the first row (of the first HEADER_SEARCH_ROWS) naming the four columns,
in Indonesian or English, case and punctuation ignored: title rows above it are skipped.
Blank rows and repeated header rows below it are skipped too. Nothing here speaks to the
user: ReadError carries a Reason code and the missing columns; services words the message.
"""

import csv
import enum
import io
import re
from dataclasses import dataclass

from openpyxl import load_workbook

ZIP_MAGIC = b"PK\x03\x04"
HEADER_SEARCH_ROWS = 20
MAX_ROWS = 10_000

# The four columns and how people head them, normalised (see _norm); exact names first.
COLUMNS: dict[str, tuple[str, ...]] = {
    "mode": ("jenis", "mode", "metode", "jenis konsultasi", "jenis layanan", "media", "modus", "moda"),
    "service_user": (
        "pengguna layanan", "daerah", "pemda", "nama daerah", "nama pemda", "instansi",
        "service user", "region", "pemerintah daerah", "satker",
    ),
    "date": ("tanggal", "date", "tgl", "hari tanggal", "tanggal konsultasi", "waktu", "tanggal pelaksanaan"),
    "topics": ("topik", "topic", "topics", "topik konsultasi", "materi", "pokok bahasan", "substansi"),
}  # fmt: skip
# Longer headers that contain a name above ("Tanggal Konsultasi (dd/mm/yyyy)") match too,
# after the exact ones; these words never head one of the four columns.
_NOT_A_COLUMN = ("no", "nomor", "keterangan", "catatan", "narasumber")


class Reason(enum.StrEnum):
    EMPTY = "empty"  # no rows at all
    NOT_A_SPREADSHEET = "not_a_spreadsheet"  # neither an XLSX nor readable text
    MISSING_COLUMNS = "missing_columns"
    TOO_MANY_ROWS = "too_many_rows"


class ReadError(ValueError):
    def __init__(self, reason: Reason, missing: tuple[str, ...] = ()):
        super().__init__(f"{reason}: {', '.join(missing)}" if missing else str(reason))
        self.reason = reason
        self.missing = missing  # keys of COLUMNS, in their order


@dataclass(frozen=True)
class SheetRow:
    number: int  # the row as the spreadsheet numbers it (1 = the first line)
    mode: object
    service_user: object
    date: object
    topics: object


def _norm(value: object) -> str:
    return " ".join(re.sub(r"[^0-9a-z]+", " ", str(value or "").casefold()).split())


def find_columns(cells: tuple | list) -> dict[str, int]:
    """Which cell of a row heads each column (exact names first, then names within)."""
    heads = [_norm(c) for c in cells]
    found: dict[str, int] = {}
    for exact in (True, False):
        for key, names in COLUMNS.items():
            if key in found:
                continue
            for i, head in enumerate(heads):
                if not head or i in found.values() or head in _NOT_A_COLUMN:
                    continue
                padded = f" {head} "
                if any(head == n if exact else f" {n} " in padded for n in names):
                    found[key] = i
                    break
    return found


def _blank(value: object) -> bool:
    return value is None or str(value).strip() == ""


def _rows(table) -> list[SheetRow]:
    best: dict[str, int] = {}
    header_at = None
    anything = False
    rows = iter(enumerate(table, start=1))
    for number, cells in rows:
        cells = cells or ()
        anything = anything or not all(_blank(c) for c in cells)
        found = find_columns(cells)
        if len(found) == len(COLUMNS):
            header_at, best = number, found
            break
        if len(found) > len(best):
            best = found
        if number >= HEADER_SEARCH_ROWS:
            break
    if header_at is None:
        if not anything:
            raise ReadError(Reason.EMPTY)
        raise ReadError(Reason.MISSING_COLUMNS, tuple(k for k in COLUMNS if k not in best))
    out = []
    for number, cells in rows:
        cells = list(cells or ())
        values = {k: (cells[i] if i < len(cells) else None) for k, i in best.items()}
        if all(_blank(v) for v in values.values()):
            continue
        if len(find_columns(cells)) == len(COLUMNS):  # the header again (a second table)
            continue
        if len(out) >= MAX_ROWS:
            raise ReadError(Reason.TOO_MANY_ROWS)
        out.append(SheetRow(number, **values))
    return out


def _text(content: bytes) -> str:
    if b"\x00" in content:
        raise ReadError(Reason.NOT_A_SPREADSHEET)
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return content.decode("cp1252")
        except UnicodeDecodeError:
            raise ReadError(Reason.NOT_A_SPREADSHEET) from None


def read_csv(content: bytes) -> list[SheetRow]:
    text = _text(content)
    if not text.strip():
        raise ReadError(Reason.EMPTY)
    try:
        sniffed = csv.Sniffer().sniff(text[:8192], delimiters=";,\t").delimiter
    except csv.Error:
        sniffed = ","
    first_error = None
    for delimiter in dict.fromkeys((sniffed, ";", ",", "\t")):
        table = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
        try:
            return _rows(table)
        except ReadError as error:
            if error.reason != Reason.MISSING_COLUMNS:
                raise
            first_error = first_error or error
    raise first_error


def read_xlsx(content: bytes) -> list[SheetRow]:
    # A damaged or forged archive fails in many ways (zip, XML, openpyxl's own errors).
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:
        raise ReadError(Reason.NOT_A_SPREADSHEET) from None
    try:
        if not book.worksheets:
            raise ReadError(Reason.EMPTY)
        sheet = book.worksheets[0]
        # A generator: rows are read only as far as needed (MAX_ROWS bounds the work).
        return _rows(sheet.iter_rows(values_only=True))
    except ReadError:
        raise
    except Exception:
        raise ReadError(Reason.NOT_A_SPREADSHEET) from None
    finally:
        book.close()


def is_xlsx(content: bytes) -> bool:
    return content.startswith(ZIP_MAGIC)


def read(content: bytes) -> list[SheetRow]:
    """The rows below the header of a CSV or XLSX file given as bytes."""
    if not content:
        raise ReadError(Reason.EMPTY)
    return read_xlsx(content) if is_xlsx(content) else read_csv(content)
