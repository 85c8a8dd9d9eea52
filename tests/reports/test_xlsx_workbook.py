"""The XLSX export as a reader sees it beyond its values (those: test_exports.py): bold
headings, a frozen first row, column widths, number formats and cell types, the breach
sheet's second table, a month without ratings, text that only looks like a formula, a link or
a number, and a package that opens without repair. These are the properties of the workbook
openpyxl wrote, kept when the export moved to XlsxWriter (issue 14)."""

import io
import posixpath
import zipfile
from dataclasses import replace
from datetime import date, datetime
from xml.etree import ElementTree

from openpyxl import load_workbook

from app.reports import exports
from app.reports.build import build_report
from tests.reports.conftest import APRIL

WIDTHS = {
    "Video Conference": [6, 36, 12, 30],
    "Tatap Muka": [6, 36, 12, 30],
    "Tren": [18, 18, 14],
    "Pelanggaran": [44, 24, 10],
    "Kepuasan": [18, 16, 16, 12, 18],
    "Ringkasan": [120],
}


def workbook(report):
    return load_workbook(io.BytesIO(exports.to_xlsx(report)))


def widths(ws) -> list[float]:
    """The widths of columns A, B, ...; one <col> of the file may span several columns."""
    found = {}
    for dim in ws.column_dimensions.values():
        if dim.customWidth:
            for i in range(dim.min, dim.max + 1):
                found[i] = dim.width
    assert sorted(found) == list(range(1, len(found) + 1))
    return [found[i] for i in sorted(found)]


def test_headings_bold_first_row_frozen_and_widths(app, april):
    wb = workbook(build_report(APRIL))
    assert wb.sheetnames == list(WIDTHS)
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A2", ws.title
        assert widths(ws) == WIDTHS[ws.title], ws.title
        head, *rows = ws.iter_rows()
        assert all(c.value and c.font.bold for c in head), ws.title
        bold = [c.coordinate for row in rows for c in row if c.font.bold]
        assert bold == (["A6"] if ws.title == "Pelanggaran" else []), ws.title  # "Pemda"


def test_numbers_dates_and_scores_keep_their_types_and_formats(app, april):
    wb = workbook(build_report(APRIL))
    for title in ("Video Conference", "Tatap Muka"):
        for no, who, day, topics in wb[title].iter_rows(min_row=2):
            assert isinstance(no.value, int) and no.number_format == "General"
            assert who.data_type == "s" and topics.data_type == "s"
            assert day.is_date and type(day.value) is datetime and day.number_format == "yyyy-mm-dd"
    assert wb["Tatap Muka"]["C3"].value == datetime(2023, 4, 20)
    for row in wb["Tren"].iter_rows(min_row=2):
        assert [type(c.value) for c in row] == [str, int, int]
    ratings = wb["Kepuasan"][2]
    assert [c.value for c in ratings] == ["April 2023", 2, 2, 4.5, 3.5]
    assert [c.number_format for c in ratings] == ["General", "General", "General", "0.00", "0.00"]


def test_breach_sheet_holds_the_pemda_table_under_the_types(app, april):
    ws = workbook(build_report(APRIL))["Pelanggaran"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[3:] == [
        ("Datang tanpa jadwal atau tanpa surat", "walk_in", 1),
        (None, None, None),
        ("Pemda", None, "Jumlah"),
        ("Kab. Brebes", None, 2),
        ("Kab. Brebes (DPRD)", None, 1),
        ("Kota Balikpapan", None, 1),
        ("Total", None, 4),
    ]
    assert ws["A6"].font.bold and not ws["C6"].font.bold


def test_month_without_data_has_empty_tables_and_blank_scores(app, builder):
    wb = workbook(build_report(date(2024, 1, 1)))
    assert list(wb["Pelanggaran"].iter_rows(values_only=True))[1:] == [
        (None, None, None),
        ("Pemda", None, "Jumlah"),
        ("Total", None, 0),
    ]
    ratings = wb["Kepuasan"][2]
    assert [c.value for c in ratings] == ["Januari 2024", 0, 0, None, None]
    assert [c.number_format for c in ratings[3:]] == ["0.00", "0.00"]  # blank, shown as scores once typed


def test_text_stays_text(app, april):
    """XlsxWriter's write() would make a link of a URL, a formula of "{=...}" and (with an
    option) a number of "0123"; the export writes every text as text, exactly."""
    report = build_report(APRIL)
    looks_like = ["https://contoh.go.id", "{=SUM(A1)}", "0123", '  Kab. <Brebes> & "x" ', "=1+2"]
    sessions = [
        replace(row, service_user=who)
        for row, who in zip(report.video_conference.sessions, looks_like, strict=True)
    ]
    ws = workbook(replace(report, video_conference=replace(report.video_conference, sessions=sessions)))[
        "Video Conference"
    ]
    cells = [row[1] for row in ws.iter_rows(min_row=2)]
    assert [c.value for c in cells] == [*looks_like[:-1], "'=1+2"]
    assert all(c.data_type == "s" and c.hyperlink is None for c in cells)


def test_package_opens_without_repair(app, april):
    """What Excel checks before it offers a repair: a sound ZIP, well-formed XML parts, every
    part the content types or a relationship names present."""
    with zipfile.ZipFile(io.BytesIO(exports.to_xlsx(build_report(APRIL)))) as package:
        assert package.testzip() is None
        names = set(package.namelist())
        parts = {
            name: ElementTree.fromstring(package.read(name))
            for name in names
            if name.endswith((".xml", ".rels"))
        }
        assert set(parts) == names
        types = parts["[Content_Types].xml"]
        overrides = [e.get("PartName").lstrip("/") for e in types if e.tag.endswith("Override")]
        assert set(overrides) <= names and "xl/workbook.xml" in overrides
        for name, rels in parts.items():
            if not name.endswith(".rels"):
                continue
            base = posixpath.dirname(posixpath.dirname(name))  # xl/_rels/x.rels -> xl
            for rel in rels:
                if rel.get("TargetMode") != "External":
                    target = rel.get("Target")
                    path = target.lstrip("/") if target.startswith("/") else posixpath.join(base, target)
                    assert posixpath.normpath(path) in names, (name, target)
