"""The monthly report as files: CSV (sections one after another, for a quick look in a
spreadsheet) and XLSX (one sheet per part: VC, FTF, trend, breaches, satisfaction, summary).

Headings are Indonesian, as in DJPK's own report. Dates are written YYYY-MM-DD in CSV and as
real dates in XLSX; averages as Indonesian decimals in CSV ("4,50") and as numbers in XLSX.
"""

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from xlsxwriter import Workbook
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from app.core import kept
from app.core.exports import safe_cell, safe_row
from app.domain.report_text import format_decimal, month_year
from app.reports import snapshots
from app.reports.build import ModeSection, MonthlyReport

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
# One name for the column in both tables (VC and FTF): the Pemda or DPRD as DJPK writes it.
USER_HEADING = "Pengguna Layanan"
SECTION_HEAD = ["No", USER_HEADING, "Tanggal", "Topik"]


def filename(report: MonthlyReport, ext: str) -> str:
    return f"laporan-konsultasi-{report.key}.{ext}"


def _session_rows(section: ModeSection) -> list[list]:
    return [[r.no, r.service_user, r.day, ", ".join(r.topics)] for r in section.sessions]


def _score(value: float | None) -> str:
    return "" if value is None else format_decimal(value)


def to_csv(report: MonthlyReport) -> str:
    """The whole report in one CSV; a UTF-8 BOM so that Excel reads the accents right."""
    out = io.StringIO()
    out.write("\ufeff")
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(["Laporan Layanan Konsultasi DJPK", report.title])
    for section in report.sections:
        w.writerow([])
        w.writerow([section.label, section.count])
        w.writerow(["Topik terbanyak", safe_cell(", ".join(section.top_topics)) or "-"])
        w.writerow(["Dibatalkan", section.cancelled])
        w.writerow(["Tidak hadir", section.no_show])
        w.writerow(SECTION_HEAD)
        for no, who, day, topics in _session_rows(section):
            w.writerow(safe_row([no, who, day.isoformat(), topics]))
    w.writerow([])
    w.writerow(["Tren 6 bulan"])
    w.writerow(["Bulan", "Video Conference", "Tatap Muka"])
    for point in report.trend:
        w.writerow([month_year(point.month), point.video_conference, point.face_to_face])
    w.writerow([])
    w.writerow(["Pelanggaran", report.breaches.total])
    w.writerow(["Jenis Pelanggaran", "Kode", "Jumlah"])
    for code, label, n in report.breaches.by_type:
        w.writerow([label, code, n])
    w.writerow([])
    w.writerow(["Pemda", "Jumlah Pelanggaran"])
    for who, n in report.breaches.by_pemda:
        w.writerow([safe_cell(who), n])
    w.writerow([])
    w.writerow(["Pengguna Layanan Terbanyak", "Jumlah Konsultasi"])
    for who, n in report.top_service_users:
        w.writerow([safe_cell(who), n])
    w.writerow([])
    s = report.satisfaction
    w.writerow(["Kepuasan", "Jumlah Penilaian", "Pelayanan", "Substansi Jawaban"])
    w.writerow([report.title, s.count, _score(s.service), _score(s.substance)])
    w.writerow([])
    w.writerow(["Ringkasan"])
    for sentence in report.summary:
        w.writerow([safe_cell(sentence)])
    return out.getvalue()


# The workbook is written with XlsxWriter rather than openpyxl: for a month of some thousand
# sessions (5,100 cells) openpyxl took about 50 ms of a 60 ms download, XlsxWriter about 24
# (issue 14). openpyxl stays the reader (history import, tests). Widths are given in pixels: seven
# per character of Calibri 11 stores exactly the width asked for (6 -> 6.0 in the file, as
# openpyxl wrote it; set_column(6) would store 6.71, Excel's "6" with its padding).
PIXELS_PER_CHARACTER = 7
SCORE_FORMAT = "0.00"
DATE_FORMAT = "yyyy-mm-dd"  # the format openpyxl gave a date value, kept for readers
# Day 0 of Excel's 1900 date system as counted from March 1900 on: a day is written as the
# number of days since, what write_datetime() computes at four times the cost.
EXCEL_EPOCH = date(1899, 12, 30)


@dataclass(frozen=True)
class _Formats:
    """The workbook's three formats, made once: XlsxWriter files a style per Format object."""

    bold: Format
    day: Format
    score: Format


def _row(
    ws: Worksheet, r: int, values: list, formats: _Formats, cell_format: Format | None = None, col: int = 0
):
    """Row `r` (0-based) from column `col`, each value written by its type: text always as
    text (never read as a formula or a link, whatever it starts with), numbers as numbers, a
    day as an Excel date shown yyyy-mm-dd (the report has days, never times). None and ""
    leave the cell empty (with `cell_format`, a blank cell of that format)."""
    for c, value in enumerate(values, col):
        if value is None or value == "":
            if cell_format is not None:
                ws.write_blank(r, c, None, cell_format)
        elif isinstance(value, str):
            ws.write_string(r, c, value, cell_format)
        elif isinstance(value, date):
            ws.write_number(r, c, (value - EXCEL_EPOCH).days, cell_format or formats.day)
        else:
            ws.write_number(r, c, value, cell_format)


def _sheet(wb: Workbook, formats: _Formats, title: str, head: list[str], rows: list[list], widths: list[int]):
    """A sheet of `head` (bold, frozen) and `rows`; returns it with the index of the next row."""
    ws = wb.add_worksheet(title)
    for i, width in enumerate(widths):
        ws.set_column_pixels(i, i, width * PIXELS_PER_CHARACTER)
    ws.freeze_panes(1, 0)
    _row(ws, 0, head, formats, formats.bold)
    for r, row in enumerate(rows, 1):
        _row(ws, r, safe_row(row), formats)
    return ws, len(rows) + 1


def to_xlsx(report: MonthlyReport) -> bytes:
    buffer = io.BytesIO()
    # in_memory: the sheets' XML is built in memory, not in temporary files.
    wb = Workbook(buffer, {"in_memory": True})
    formats = _Formats(
        bold=wb.add_format({"bold": True}),
        day=wb.add_format({"num_format": DATE_FORMAT}),
        score=wb.add_format({"num_format": SCORE_FORMAT}),
    )
    for section, title in (
        (report.video_conference, "Video Conference"),
        (report.face_to_face, "Tatap Muka"),
    ):
        _sheet(wb, formats, title, SECTION_HEAD, _session_rows(section), [6, 36, 12, 30])
    _sheet(
        wb,
        formats,
        "Tren",
        ["Bulan", "Video Conference", "Tatap Muka"],
        [[month_year(p.month), p.video_conference, p.face_to_face] for p in report.trend],
        [18, 18, 14],
    )
    ws, r = _sheet(
        wb,
        formats,
        "Pelanggaran",
        ["Jenis Pelanggaran", "Kode", "Jumlah"],
        [[label, code, n] for code, label, n in report.breaches.by_type],
        [44, 24, 10],
    )
    pemda = r + 1  # after an empty row, the Pemda table under the same columns
    _row(ws, pemda, ["Pemda"], formats, formats.bold)
    _row(ws, pemda, ["", "Jumlah"], formats, col=1)
    rows = [[safe_cell(who), "", n] for who, n in report.breaches.by_pemda]
    rows.append(["Total", "", report.breaches.total])
    for i, row in enumerate(rows, pemda + 1):
        _row(ws, i, row, formats)
    s = report.satisfaction
    ws, r = _sheet(
        wb,
        formats,
        "Kepuasan",
        ["Bulan", "Jumlah Penilaian", "Pengguna Berbeda", "Pelayanan", "Substansi Jawaban"],
        [],
        [18, 16, 16, 12, 18],
    )
    values = safe_row([report.title, s.count, s.raters, s.service, s.substance])
    _row(ws, r, values[:3], formats)
    _row(ws, r, values[3:], formats, formats.score, col=3)  # shown with two decimals
    _sheet(
        wb,
        formats,
        "Ringkasan",
        [f"Laporan Layanan Konsultasi DJPK, {report.title}"],
        [[x] for x in report.summary],
        [120],
    )
    wb.close()
    return buffer.getvalue()


# Files of stored reports ----------------------------------------------------------------

# How many files each process keeps (an XLSX of a month is some 60 KB).
KEPT_FILES = 24
MAKERS: dict[str, Callable[[MonthlyReport], str | bytes]] = {"csv": to_csv, "xlsx": to_xlsx}


def report_file(month: date, kind: str) -> tuple[str | bytes, str]:
    """(the body, the file name) of `month`'s report as `kind` ("csv" or "xlsx").

    A stored snapshot never changes, so its file is made once and kept in this process
    (app.core.kept) under the snapshot's key (month, data version, built_at, code): a change
    to the data makes a new snapshot and so a new file. Without a current snapshot (being
    built now, or this transaction changed report data) the file is made every time. The
    XLSX of a month of 1,500 sessions takes some 40 ms to write."""
    files = kept.store("report_files", KEPT_FILES)
    key = snapshots.stored_key(month)
    if key is not None and (found := files.get((key, kind))) is not None:
        return found
    report = snapshots.monthly_report(month)
    made = MAKERS[kind](report), filename(report, kind)
    # A snapshot stored by that read is the one the file was made from. (One found before
    # the read may have been replaced meanwhile by a newer build: its key is then no longer
    # current, so the newer file kept under it is never served.)
    key = key or snapshots.stored_key(month)
    if key is not None:
        files.put((key, kind), made)
    return made
