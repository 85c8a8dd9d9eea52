"""XLSX files that would cost the server far more than they weigh are refused before openpyxl
opens them (decompression bombs, too many archive entries), and sheets are read only as far
as the row limit allows (too many rows, a far row that openpyxl would pad up to)."""

import io
import time
import zipfile

import pytest
from openpyxl import Workbook

from app.history import reader
from app.history.reader import ReadError, Reason
from tests.history.conftest import write_xlsx

SHEET = "xl/worksheets/sheet1.xml"
SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
SHEET_TAIL = b"</sheetData></worksheet>"
HEADER_ROW = (
    b'<row r="1"><c r="A1" t="inlineStr"><is><t>Jenis</t></is></c>'
    b'<c r="B1" t="inlineStr"><is><t>Daerah</t></is></c><c r="C1" t="inlineStr"><is><t>Tanggal</t></is></c>'
    b'<c r="D1" t="inlineStr"><is><t>Topik</t></is></c></row>'
)
DATA_ROW = (
    b'<row><c t="inlineStr"><is><t>VC</t></is></c><c t="inlineStr"><is><t>Kab. Brebes</t></is></c>'
    b'<c t="inlineStr"><is><t>3/4/2023</t></is></c><c t="inlineStr"><is><t>DAU</t></is></c></row>'
)


def workbook_parts() -> dict[str, bytes]:
    """The entries of a real one-sheet workbook made by openpyxl."""
    out = io.BytesIO()
    Workbook().save(out)
    with zipfile.ZipFile(out) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def with_sheet(sheet_xml: bytes, extra: dict[str, bytes] | None = None) -> bytes:
    """A real workbook whose first sheet is `sheet_xml`, deflated as Excel does."""
    parts = {**workbook_parts(), SHEET: sheet_xml, **(extra or {})}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return out.getvalue()


def bomb(unpacked_mb: int) -> bytes:
    """A sheet of `unpacked_mb` MB of identical rows: openpyxl would read every one."""
    rows = DATA_ROW * (unpacked_mb * 1024 * 1024 // len(DATA_ROW))
    return with_sheet(SHEET_HEAD + HEADER_ROW + rows + SHEET_TAIL)


@pytest.fixture
def openpyxl_calls(monkeypatch):
    """Every call of openpyxl's load_workbook by the reader (it then fails)."""
    calls = []

    def refuse(*args, **kwargs):
        calls.append(args)
        raise RuntimeError("openpyxl must not open this file")

    monkeypatch.setattr(reader, "load_workbook", refuse)
    return calls


def test_a_decompression_bomb_is_refused_unopened_and_at_once(openpyxl_calls):
    content = bomb(30)  # over MAX_ENTRY_BYTES once unpacked
    assert len(content) < 400 * 1024
    started = time.perf_counter()
    with pytest.raises(ReadError) as caught:
        reader.read(content)
    assert time.perf_counter() - started < 1.0  # an upper bound: the check reads the directory only
    assert caught.value.reason == Reason.UNPACKS_TOO_LARGE
    assert openpyxl_calls == []


def test_a_small_entry_compressed_too_well_is_refused(openpyxl_calls):
    # 4 MB unpacked is under every size cap, but a thousand to one is no real sheet.
    content = bomb(4)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheet = archive.getinfo(SHEET)
    assert sheet.file_size < reader.MAX_ENTRY_BYTES and sheet.file_size > 100 * sheet.compress_size
    with pytest.raises(ReadError) as caught:
        reader.read(content)
    assert caught.value.reason == Reason.UNPACKS_TOO_LARGE
    assert openpyxl_calls == []


def test_too_much_in_all_is_refused(openpyxl_calls, monkeypatch):
    # Entries stored uncompressed, each under the entry cap, more than the total cap together.
    monkeypatch.setattr(reader, "MAX_UNPACKED_BYTES", 150_000)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        for name, content in workbook_parts().items():
            archive.writestr(name, content)
        for i in range(3):
            archive.writestr(f"xl/media/image{i}.bin", bytes(range(256)) * 256)  # 64 KB each
    with pytest.raises(ReadError) as caught:
        reader.read(out.getvalue())
    assert caught.value.reason == Reason.UNPACKS_TOO_LARGE
    assert openpyxl_calls == []


def test_too_many_entries_are_refused(openpyxl_calls):
    extra = {f"xl/media/image{i}.png": b"x" for i in range(reader.MAX_ARCHIVE_ENTRIES)}
    with pytest.raises(ReadError) as caught:
        reader.read(with_sheet(SHEET_HEAD + HEADER_ROW + SHEET_TAIL, extra))
    assert caught.value.reason == Reason.TOO_MANY_PARTS and caught.value.limit == 100
    assert openpyxl_calls == []


def test_not_a_zip_is_refused(openpyxl_calls):
    with pytest.raises(ReadError) as caught:
        reader.read(reader.ZIP_MAGIC + b"\x00" * 200)
    assert caught.value.reason == Reason.NOT_A_SPREADSHEET
    assert openpyxl_calls == []


def test_rows_over_the_limit_are_refused():
    content = with_sheet(SHEET_HEAD + HEADER_ROW + DATA_ROW * 6 + SHEET_TAIL)
    assert len(reader.read(content, max_rows=6)) == 6
    with pytest.raises(ReadError) as caught:
        reader.read(content, max_rows=5)
    assert caught.value.reason == Reason.TOO_MANY_ROWS and caught.value.limit == 5


def test_a_far_row_is_refused_without_reading_a_million_blank_rows(tmp_path):
    # One cell at XFD1048576: openpyxl would make up 1,048,575 rows of 16,384 empty cells.
    book = Workbook()
    book.active.append(("Jenis", "Daerah", "Tanggal", "Topik"))
    book.active.append(("VC", "Kab. Brebes", "3/4/2023", "DAU"))
    book.active.cell(row=1_048_576, column=16_384, value="x")
    book.save(tmp_path / "jauh.xlsx")
    started = time.perf_counter()
    with pytest.raises(ReadError) as caught:
        reader.read((tmp_path / "jauh.xlsx").read_bytes(), max_rows=100)
    assert time.perf_counter() - started < 1.0
    assert caught.value.reason == Reason.TOO_MANY_SHEET_ROWS
    assert caught.value.limit == reader.HEADER_SEARCH_ROWS + reader.SHEET_ROWS_PER_ROW * 100


def test_a_normal_workbook_is_read(tmp_path):
    rows = [("Video Conference", "Kab. Brebes", f"{d}-Apr-23", "DAU") for d in range(1, 29)] * 20
    content = write_xlsx(tmp_path / "riwayat.xlsx", rows).read_bytes()
    reader.check_archive(content)  # no exception
    read = reader.read(content)
    assert len(read) == 560 and read[-1].date == "28-Apr-23"


def test_a_sheet_of_too_many_cells_is_refused_unopened(openpyxl_calls, monkeypatch):
    # openpyxl parses every cell of a row, even past the columns read: one row of 700,000
    # cells (a 4 MB file) kept a worker busy for 15 s.
    monkeypatch.setattr(reader, "MAX_CELLS", 10)
    row = b'<row r="2">' + b'<c r="A2"><v>1</v></c><x:c r="B2"/>' * 3 + b"</row>"
    content = with_sheet(SHEET_HEAD + HEADER_ROW + row + SHEET_TAIL)  # 4 + 6 cells: allowed
    with pytest.raises(ReadError) as caught:
        reader.read(content)
    assert caught.value.reason == Reason.NOT_A_SPREADSHEET  # it got to openpyxl (refused here)
    assert len(openpyxl_calls) == 1
    one_more = b'<row r="3"><c r="A3"><v>1</v></c></row>'
    content = with_sheet(SHEET_HEAD + HEADER_ROW + row + one_more + SHEET_TAIL)  # 11 cells
    with pytest.raises(ReadError) as caught:
        reader.read(content)
    assert caught.value.reason == Reason.TOO_MANY_CELLS and caught.value.limit == 10
    assert len(openpyxl_calls) == 1


def test_cells_are_counted_across_the_chunks_read():
    rows = 6_000  # about 1.1 MB of XML: read in two chunks
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr(SHEET, SHEET_HEAD + HEADER_ROW + DATA_ROW * rows + SHEET_TAIL)
    with zipfile.ZipFile(out) as archive:
        entry = archive.getinfo(SHEET)
        assert entry.file_size > 1024 * 1024
        assert reader._cells_in(archive, entry) == 4 + 4 * rows
