"""Reading a history spreadsheet (CSV or XLSX) into rows of four cells, as written.

The kind of file is judged by its content, never by its name: an XLSX is a ZIP archive
("PK\\x03\\x04") that openpyxl opens (read-only, values only, the first sheet); anything
else must be text (UTF-8 with or without a BOM, else Windows-1252 as older Excel writes it)
with ";", "," or tab between cells (each is tried; the one whose header is found wins).

Before openpyxl sees an XLSX, its ZIP directory is inspected (check_archive): a file that
would unpack to far more than it weighs (a decompression bomb), or whose worksheets hold more
cells than MAX_CELLS, is refused without openpyxl opening it. openpyxl is then asked for at most MAX_COLUMNS columns and as many sheet rows as the
row limit allows, so that a sheet declaring a huge range cannot make it fill in millions of
empty cells.

The header row is the first row (of the first HEADER_SEARCH_ROWS) naming the four columns,
in Indonesian or English, case and punctuation ignored: title rows above it are skipped.
Blank rows and repeated header rows below it are skipped too. Nothing here speaks to the
user: ReadError carries a Reason code and the missing columns; services words the message.
"""

import csv
import enum
import io
import re
import zipfile
from dataclasses import dataclass

from openpyxl import load_workbook

ZIP_MAGIC = b"PK\x03\x04"
HEADER_SEARCH_ROWS = 20
MAX_ROWS = 20_000  # rows of data; the app passes HISTORY_IMPORT_MAX_ROWS
# Sheet rows read, blank ones included, per row of data allowed: past it the file is refused
# (a sheet that only declares a far row would otherwise be read as a million blank rows).
SHEET_ROWS_PER_ROW = 5
MAX_COLUMNS = 50  # the four columns are looked for in the first MAX_COLUMNS of the sheet

# What an XLSX may unpack to. A real history sheet of 20,000 rows is a few MB of XML that
# compresses about 10:1; a bomb is megabytes of repeated XML compressed a thousand to one.
MAX_ARCHIVE_ENTRIES = 100
MAX_ENTRY_BYTES = 20 * 1024 * 1024
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_RATIO = 100  # uncompressed : compressed, for entries above RATIO_FROM_BYTES
RATIO_FROM_BYTES = 1024 * 1024
# openpyxl parses every cell of a row it reads (about 20 µs each), also those past
# MAX_COLUMNS: a sheet of more cells than 20,000 rows of a dozen columns is refused before
# openpyxl sees it (counting the cell tags of each worksheet takes a fraction of a second).
MAX_CELLS = 250_000
_WORKSHEET = re.compile(r"^xl/worksheets/[^/]+\.xml$", re.IGNORECASE)
_CELL_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s/>]")

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
    TOO_MANY_ROWS = "too_many_rows"  # more rows of data than the limit
    TOO_MANY_SHEET_ROWS = "too_many_sheet_rows"  # more sheet rows (blank ones too) than read
    UNPACKS_TOO_LARGE = "unpacks_too_large"  # an XLSX that would unpack to too much
    TOO_MANY_CELLS = "too_many_cells"  # a worksheet of more cells than MAX_CELLS
    TOO_MANY_PARTS = "too_many_parts"  # an XLSX of more archive entries than a workbook has


class ReadError(ValueError):
    def __init__(self, reason: Reason, missing: tuple[str, ...] = (), limit: int | None = None):
        super().__init__(f"{reason}: {', '.join(missing)}" if missing else str(reason))
        self.reason = reason
        self.missing = missing  # keys of COLUMNS, in their order
        self.limit = limit  # the limit passed (rows, sheet rows, entries, bytes), when one was


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


def _rows(table, max_rows: int, max_sheet_rows: int | None = None) -> list[SheetRow]:
    best: dict[str, int] = {}
    header_at = None
    anything = False
    rows = iter(enumerate(table, start=1))
    if max_sheet_rows is not None:
        rows = _bounded(rows, max_sheet_rows)
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
        if len(out) >= max_rows:
            raise ReadError(Reason.TOO_MANY_ROWS, limit=max_rows)
        out.append(SheetRow(number, **values))
    return out


def _bounded(rows, most: int):
    for number, cells in rows:
        if number > most:
            raise ReadError(Reason.TOO_MANY_SHEET_ROWS, limit=most)
        yield number, cells


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


def read_csv(content: bytes, max_rows: int | None = None) -> list[SheetRow]:
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
            return _rows(table, max_rows or MAX_ROWS)
        except ReadError as error:
            if error.reason != Reason.MISSING_COLUMNS:
                raise
            first_error = first_error or error
    raise first_error


def check_archive(content: bytes) -> None:
    """Refuse (ReadError) a ZIP that is damaged or would unpack to too much, unpacking nothing.

    The sizes are those the archive's directory declares; zipfile never hands out more than an
    entry declares (it stops there and fails the CRC check), so openpyxl cannot be made to
    unpack more than was checked here. Once the sizes are known to be sane, the worksheets
    are unpacked (in chunks) only to count their cells.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            _check_sizes(archive.infolist())
            for entry in archive.infolist():
                if _WORKSHEET.match(entry.filename) and _cells_in(archive, entry) > MAX_CELLS:
                    raise ReadError(Reason.TOO_MANY_CELLS, limit=MAX_CELLS)
    except ReadError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, RuntimeError):
        # RuntimeError: an encrypted entry; NotImplementedError (a RuntimeError): an unknown
        # compression method.
        raise ReadError(Reason.NOT_A_SPREADSHEET) from None


def _cells_in(archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> int:
    cells, tail = 0, b""
    with archive.open(entry) as stream:
        while chunk := stream.read(1024 * 1024):
            # A tag cut by the chunk's end is found in the next round, with the tail before it.
            window = tail + chunk
            cells += len(_CELL_TAG.findall(window)) - len(_CELL_TAG.findall(tail))
            tail = window[-16:]
    return cells


def _check_sizes(entries: list[zipfile.ZipInfo]) -> None:
    if len(entries) > MAX_ARCHIVE_ENTRIES:
        raise ReadError(Reason.TOO_MANY_PARTS, limit=MAX_ARCHIVE_ENTRIES)
    total = 0
    for entry in entries:
        total += entry.file_size
        ratio_too_high = entry.file_size > RATIO_FROM_BYTES and entry.file_size > MAX_RATIO * max(
            entry.compress_size, 1
        )
        if entry.file_size > MAX_ENTRY_BYTES or total > MAX_UNPACKED_BYTES or ratio_too_high:
            raise ReadError(Reason.UNPACKS_TOO_LARGE, limit=MAX_UNPACKED_BYTES)


def read_xlsx(content: bytes, max_rows: int | None = None) -> list[SheetRow]:
    max_rows = max_rows or MAX_ROWS
    check_archive(content)
    # A damaged or forged archive fails in many ways (zip, XML, openpyxl's own errors).
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:
        raise ReadError(Reason.NOT_A_SPREADSHEET) from None
    try:
        if not book.worksheets:
            raise ReadError(Reason.EMPTY)
        sheet = book.worksheets[0]
        # A generator read only as far as needed. max_col keeps openpyxl from padding each row
        # to the width the sheet declares (up to 16,384 columns); the sheet-row bound stops
        # the blank rows it makes up before a far row (up to 1,048,576) and says so.
        table = sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)
        return _rows(table, max_rows, HEADER_SEARCH_ROWS + SHEET_ROWS_PER_ROW * max_rows)
    except ReadError:
        raise
    except Exception:
        raise ReadError(Reason.NOT_A_SPREADSHEET) from None
    finally:
        book.close()


def is_xlsx(content: bytes) -> bool:
    return content.startswith(ZIP_MAGIC)


def read(content: bytes, max_rows: int | None = None) -> list[SheetRow]:
    """The rows below the header of a CSV or XLSX file given as bytes (at most `max_rows`
    rows of data, default MAX_ROWS; more is ReadError TOO_MANY_ROWS)."""
    if not content:
        raise ReadError(Reason.EMPTY)
    return read_xlsx(content, max_rows) if is_xlsx(content) else read_csv(content, max_rows)
