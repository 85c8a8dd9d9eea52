"""Text written to CSV or XLSX never starts a formula: names typed by a Pemda or imported from
a spreadsheet "as written" come out as text, numbers and dates stay as they are."""

import csv
import io
from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from app.core.exports import safe_cell, safe_row
from app.domain.policy import Mode
from app.extensions import db
from app.reports import exports
from app.reports.build import build_report
from tests.reports.conftest import APRIL, Builder, frozen  # noqa: F401

EVIL = '=HYPERLINK("https://evil.example","x")'


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+2", "'=1+2"),
        ("+62 812", "'+62 812"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Kab. Brebes", "Kab. Brebes"),
        ("", ""),
        (5, 5),
        (-3, -3),
        (4.5, 4.5),
        (None, None),
        (date(2023, 4, 1), date(2023, 4, 1)),
    ],
)
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected


def test_safe_row():
    assert safe_row(["=x", 2, "y"]) == ["'=x", 2, "y"]


@pytest.fixture
def evil_month(app, frozen):  # noqa: F811
    b = Builder()
    b.history(date(2023, 4, 12), Mode.VC, EVIL, ["DAU"])
    b.history(date(2023, 4, 13), Mode.FTF, "+Prov. Jawa Tengah", ["DAU"])
    db.session.commit()


def test_report_csv_escapes_formulas(app, evil_month):
    rows = list(csv.reader(io.StringIO(exports.to_csv(build_report(APRIL)).lstrip("\ufeff"))))
    cells = [cell for row in rows for cell in row]
    assert "'" + EVIL in cells and "'+Prov. Jawa Tengah" in cells
    assert not any(cell.startswith(("=", "+", "@")) for cell in cells)


def test_report_xlsx_keeps_formulas_as_text(app, evil_month):
    wb = load_workbook(io.BytesIO(exports.to_xlsx(build_report(APRIL))))
    cells = [cell for ws in wb.worksheets for row in ws.iter_rows() for cell in row if cell.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    (vc,) = [c for c in wb["Video Conference"]["B"] if c.row > 1]
    assert vc.data_type == "s" and vc.value == "'" + EVIL
    assert isinstance(wb["Video Conference"]["C2"].value, datetime)
    assert wb["Video Conference"]["A2"].value == 1
