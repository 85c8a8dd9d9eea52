"""CSV and XLSX read back; the CLI writes JSON, CSV and XLSX and refuses a bad month."""

import csv
import io
import json
from datetime import date, datetime

from openpyxl import load_workbook
from sqlalchemy import func, select

from app.core.audit import AuditLog
from app.extensions import db
from app.reports import exports
from app.reports.build import build_report
from tests import factories
from tests.reports.conftest import APRIL, wib


def test_csv_reads_back(app, april):
    text = exports.to_csv(build_report(APRIL))
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0] == ["Laporan Layanan Konsultasi DJPK", "April 2023"]
    vc = rows.index(["Video Conference", "5"])
    assert rows[vc + 1] == ["Topik terbanyak", "DAU, DBH"]
    assert rows[vc + 4] == ["No", "Pengguna Layanan", "Tanggal", "Topik"]
    assert rows[vc + 6] == ["2", "Kab. Brebes", "2023-04-03", "DAU, DBH"]
    ftf = rows.index(["Konsultasi Tatap Muka", "2"])
    assert rows[ftf + 4] == ["No", "Pengguna Layanan", "Tanggal", "Topik"]
    assert rows[ftf + 5] == ["1", "Kab. Brebes (DPRD)", "2023-04-10", "PDRD"]
    assert ["Maret 2023", "2", "0"] in rows
    assert ["Jumlah tamu melebihi batas", "guests_over_limit", "2"] in rows
    assert ["April 2023", "2", "4,50", "3,50"] in rows


def test_xlsx_reads_back(app, april):
    wb = load_workbook(io.BytesIO(exports.to_xlsx(build_report(APRIL))))
    assert wb.sheetnames == ["Video Conference", "Tatap Muka", "Tren", "Pelanggaran", "Kepuasan", "Ringkasan"]
    vc = list(wb["Video Conference"].iter_rows(values_only=True))
    assert vc[0] == ("No", "Pengguna Layanan", "Tanggal", "Topik")
    assert len(vc) == 6
    assert vc[2] == (2, "Kab. Brebes", datetime(2023, 4, 3), "DAU, DBH")
    ftf = list(wb["Tatap Muka"].iter_rows(values_only=True))
    assert ftf[0][1] == "Pengguna Layanan"
    assert ftf[2][1] == "Prov. Jawa Tengah"
    trend = list(wb["Tren"].iter_rows(values_only=True))
    assert trend[-1] == ("April 2023", 5, 2)
    breaches = list(wb["Pelanggaran"].iter_rows(values_only=True))
    assert breaches[1] == ("Jumlah tamu melebihi batas", "guests_over_limit", 2)
    assert breaches[-1] == ("Total", None, 4)
    assert list(wb["Kepuasan"].iter_rows(values_only=True))[1] == ("April 2023", 2, 2, 4.5, 3.5)
    assert wb["Ringkasan"]["A2"].value.startswith(
        "Selama bulan April 2023 telah dilaksanakan Video Conference"
    )


def test_cli_json(app, april, runner):
    result = runner.invoke(args=["report", "monthly", "2023-04"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["month"] == "2023-04"
    assert data["video_conference"]["count"] == 5
    assert data["face_to_face"]["sessions"][1]["topics"] == ["PDRD", "APBD"]
    assert len(data["trend"]) == 6
    assert set(data["breaches"]) >= {"total", "by_type", "by_pemda"}
    assert data["summary"]


def test_cli_csv_and_xlsx_to_files(app, april, runner, tmp_path):
    out = tmp_path / "april.csv"
    result = runner.invoke(args=["report", "monthly", "2023-04", "--format", "csv", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Kab. Brebes (DPRD)" in out.read_text(encoding="utf-8-sig")
    out = tmp_path / "april.xlsx"
    result = runner.invoke(args=["report", "monthly", "2023-04", "--format", "xlsx", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert load_workbook(out)["Video Conference"].max_row == 6
    result = runner.invoke(args=["report", "monthly", "2023-04", "--format", "csv"])
    assert result.stdout.startswith("Laporan Layanan Konsultasi DJPK,April 2023")


def test_cli_refuses_a_bad_month(app, runner):
    for bad in ("2023-13", "April", "2023/04", "23-04"):
        result = runner.invoke(args=["report", "monthly", bad])
        assert result.exit_code == 2, bad
        assert "YYYY-MM" in result.output
    result = runner.invoke(args=["report", "monthly", "2023-04", "--format", "pdf"])
    assert result.exit_code == 2


def test_month_without_data_exports(app, builder):
    report = build_report(date(2024, 1, 1))
    assert load_workbook(io.BytesIO(exports.to_xlsx(report)))["Video Conference"].max_row == 1
    assert "Video Conference,0" in exports.to_csv(report)


def test_a_stored_reports_files_are_made_once_and_follow_its_data(
    app, april, builder, client, auth, coordinator, monkeypatch
):
    """report_file: the file of a stored snapshot is made once; a committed change to the data
    makes a new one; every download is audited either way."""
    made = []
    for kind, maker in list(exports.MAKERS.items()):
        monkeypatch.setitem(exports.MAKERS, kind, lambda report, m=maker, k=kind: made.append(k) or m(report))
    auth.login(coordinator)
    first = client.get("/koordinator/laporan/2023-04.xlsx")
    again = client.get("/koordinator/laporan/2023-04.xlsx")
    assert first.status_code == again.status_code == 200
    assert again.data == first.data and made == ["xlsx"]
    csv_first = client.get("/koordinator/laporan/2023-04.csv").get_data(as_text=True)
    assert client.get("/koordinator/laporan/2023-04.csv").get_data(as_text=True) == csv_first
    assert made == ["xlsx", "csv"]

    builder.breach(factories.BREBES, wib(2023, 4, 20, 10), "other")
    db.session.commit()
    csv_after = client.get("/koordinator/laporan/2023-04.csv").get_data(as_text=True)
    assert made == ["xlsx", "csv", "csv"]
    assert csv_after != csv_first
    assert csv_after == exports.to_csv(build_report(APRIL))
    downloads = db.session.scalar(
        select(func.count()).select_from(AuditLog).where(AuditLog.action == "security.export")
    )
    assert downloads == 5
