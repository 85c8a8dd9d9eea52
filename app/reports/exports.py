"""The monthly report as files: CSV (sections one after another, for a quick look in a
spreadsheet) and XLSX (one sheet per part: VC, FTF, trend, breaches, satisfaction, summary).

Headings are Indonesian, as in DJPK's own report. Dates are written YYYY-MM-DD in CSV and as
real dates in XLSX; averages as Indonesian decimals in CSV ("4,50") and as numbers in XLSX.
"""

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from app.core.exports import safe_cell, safe_row
from app.domain.report_text import format_decimal, month_year
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


def _sheet(wb: Workbook, title: str, head: list[str], rows: list[list], widths: list[int]):
    ws = wb.create_sheet(title)
    ws.append(head)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append(safe_row(row))
    for i, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"
    return ws


def to_xlsx(report: MonthlyReport) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    for section, title in (
        (report.video_conference, "Video Conference"),
        (report.face_to_face, "Tatap Muka"),
    ):
        ws = _sheet(wb, title, SECTION_HEAD, _session_rows(section), [6, 36, 12, 30])
        for (cell,) in ws.iter_rows(min_row=2, min_col=3, max_col=3):
            cell.number_format = "yyyy-mm-dd"
    _sheet(
        wb,
        "Tren",
        ["Bulan", "Video Conference", "Tatap Muka"],
        [[month_year(p.month), p.video_conference, p.face_to_face] for p in report.trend],
        [18, 18, 14],
    )
    ws = _sheet(
        wb,
        "Pelanggaran",
        ["Jenis Pelanggaran", "Kode", "Jumlah"],
        [[label, code, n] for code, label, n in report.breaches.by_type],
        [44, 24, 10],
    )
    ws.append([])
    ws.append(["Pemda", "", "Jumlah"])
    ws.cell(ws.max_row, 1).font = Font(bold=True)
    for who, n in report.breaches.by_pemda:
        ws.append([safe_cell(who), "", n])
    ws.append(["Total", "", report.breaches.total])
    s = report.satisfaction
    ws = _sheet(
        wb,
        "Kepuasan",
        ["Bulan", "Jumlah Penilaian", "Pengguna Berbeda", "Pelayanan", "Substansi Jawaban"],
        [[report.title, s.count, s.raters, s.service, s.substance]],
        [18, 16, 16, 12, 18],
    )
    for row in ws.iter_rows(min_row=2, min_col=4, max_col=5):
        for cell in row:
            cell.number_format = "0.00"
    _sheet(
        wb,
        "Ringkasan",
        [f"Laporan Layanan Konsultasi DJPK, {report.title}"],
        [[x] for x in report.summary],
        [120],
    )
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
