"""`flask import sessions FILE`: dry run, aliases, keeping names as written, re-imports."""

from datetime import date

from sqlalchemy import func, select

from app.auth.models import UnitType
from app.core.audit import AuditLog
from app.domain.policy import Mode
from app.extensions import db
from app.history.models import HistorySession, ImportBatch, RegionAlias
from tests import factories
from tests.history.conftest import write_csv, write_xlsx

# Every date form of the issue, the (DPRD) suffix, several topics in one cell, Bandung vs
# Bandung Barat, "Kab."/"Kabupaten"/"Kota"/"Prov.", missing "Kepulauan", case and spacing.
ROWS = [
    ("Video Conference", "Kab. Brebes (DPRD)", "3-Apr-23", "DBH dan DAU"),
    ("tatap muka", "Kabupaten Bandung", "3 April 2023", "DAU, DBH"),
    ("VC", "Kab. Bandung Barat", "03/04/2023", "dak fisik"),
    ("Tatap Muka", "KOTA  balikpapan", "2023-04-03", "Pajak Daerah dan Retribusi Daerah"),
    ("Vicon", "Prov. Jawa Tengah", "5 Mei 2023", "DAU"),
    ("TM", "Kab. Sangihe", "Senin, 8 Mei 2023", "Dana Desa; IF"),
]


def sessions():
    return db.session.scalars(select(HistorySession).order_by(HistorySession.row_number)).all()


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def run(runner, *args):
    return runner.invoke(args=["import", "sessions", *map(str, args)])


def test_dry_run_prints_everything_and_changes_nothing(runner, topics, tmp_path):
    path = write_csv(tmp_path / "riwayat.csv", ROWS)
    result = run(runner, path, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "Baris dibaca: 6" in result.output
    assert "Akan ditambahkan: 6" in result.output
    assert "Kab. Brebes (DPRD)" in result.output
    assert "Kab. Bandung Barat" in result.output
    assert "Masalah: 0" in result.output
    assert count(HistorySession) == 0 and count(ImportBatch) == 0


def test_csv_import_reads_every_form(runner, topics, tmp_path):
    path = write_csv(tmp_path / "riwayat.csv", ROWS)
    result = run(runner, path)
    assert result.exit_code == 0, result.output
    assert "Impor selesai: 6 sesi ditambahkan." in result.output
    rows = sessions()
    assert [r.session_date for r in rows[:4]] == [date(2023, 4, 3)] * 4
    assert rows[0].mode == Mode.VC and rows[1].mode == Mode.FTF
    assert rows[0].service_user == "Kab. Brebes (DPRD)" and rows[0].unit_type == UnitType.DPRD
    assert rows[0].region.code == "33.29"
    assert [t.code for t in rows[0].topics] == ["DAU", "DBH"]
    assert rows[1].region.code == "32.04" and rows[1].service_user == "Kab. Bandung"
    assert rows[2].region.code == "32.17"
    assert rows[3].region.code == "64.71" and [t.code for t in rows[3].topics] == ["PDRD"]
    assert rows[4].service_user == "Prov. Jawa Tengah"
    assert rows[5].region.code == "71.03" and {t.code for t in rows[5].topics} == {"Dana Desa", "IF"}
    batch = db.session.scalars(select(ImportBatch)).one()
    assert (batch.filename, batch.rows_total, batch.rows_added) == ("riwayat.csv", 6, 6)
    assert batch.imported_by_id is None
    assert db.session.scalars(select(AuditLog).where(AuditLog.action == "history.import")).one()


def test_xlsx_with_title_rows_and_date_cells(runner, topics, tmp_path):
    rows = [*ROWS[:4], ("Video Conference", "Kota Bandung", date(2023, 4, 10), "SHSR")]
    path = write_xlsx(tmp_path / "riwayat.xlsx", rows, title="Rekap Konsultasi April 2023")
    result = run(runner, path)
    assert result.exit_code == 0, result.output
    rows = sessions()
    assert [r.row_number for r in rows] == [4, 5, 6, 7, 8]  # the title and a blank row above
    assert rows[-1].region.code == "32.73" and rows[-1].session_date == date(2023, 4, 10)


def test_comma_csv_without_bom_and_english_headers(runner, topics, tmp_path):
    header = ("No", "Mode", "Service user", "Date", "Topics")
    path = write_csv(tmp_path / "h.csv", ROWS[:2], header=header, delimiter=",", bom=False)
    result = run(runner, path)
    assert result.exit_code == 0, result.output
    assert count(HistorySession) == 2


def test_missing_column_is_named(runner, topics, tmp_path):
    path = write_csv(tmp_path / "h.csv", [r[:3] for r in ROWS], header=("No", "Jenis", "Daerah", "Tanggal"))
    result = run(runner, path)
    assert result.exit_code == 2
    assert "kolom Topik tidak ada" in result.output


def test_unresolved_name_stops_everything_with_suggestions(runner, topics, tmp_path):
    path = write_csv(tmp_path / "h.csv", [*ROWS, ("VC", "Kab. Bandungg", "4/4/2023", "DAU")])
    result = run(runner, path)
    assert result.exit_code == 1
    assert 'Baris 8, Pengguna Layanan "Kab. Bandungg"' in result.output  # header is line 1
    assert "Kab. Bandung (32.04)" in result.output
    assert "--alias" in result.output and "--keep-unresolved" in result.output
    assert count(HistorySession) == 0 and count(ImportBatch) == 0


def test_other_problems_are_reported_per_row(runner, topics, tmp_path):
    bad = [("hybrid", "Kab. Brebes", "31/02/2023", "DAU"), ("VC", "Kab. Brebes", "3 April", "Zakat")]
    result = run(runner, write_csv(tmp_path / "h.csv", bad))
    assert result.exit_code == 1
    assert "Masalah: 4" in result.output
    assert "Tanggal ini tidak ada dalam kalender." in result.output
    assert "Topik tidak dikenali: Zakat." in result.output


def test_alias_resolves_and_is_kept_for_next_time(runner, topics, tmp_path):
    row = ("VC", "Pemkab Bandungg", "4/4/2023", "DAU")
    result = run(runner, write_csv(tmp_path / "a.csv", [row]), "--alias", "Pemkab Bandungg=32.04")
    assert result.exit_code == 0, result.output
    alias = db.session.scalars(select(RegionAlias)).one()
    assert alias.region.code == "32.04" and alias.as_written == "Pemkab Bandungg"
    again = ("TM", "Kabupaten Bandungg (DPRD)", "5/4/2023", "DBH")  # same alias key, DPRD
    result = run(runner, write_csv(tmp_path / "b.csv", [again]))
    assert result.exit_code == 0, result.output
    last = sessions()[-1]
    assert last.region.code == "32.04" and last.service_user == "Kab. Bandung (DPRD)"


def test_alias_in_a_dry_run_is_not_kept(runner, topics, tmp_path):
    path = write_csv(tmp_path / "a.csv", [("VC", "Pemkab Bandungg", "4/4/2023", "DAU")])
    result = run(runner, path, "--dry-run", "--alias", "Pemkab Bandungg=32.04")
    assert result.exit_code == 0 and count(RegionAlias) == 0


def test_bad_alias_is_refused(runner, topics, tmp_path):
    path = write_csv(tmp_path / "a.csv", ROWS[:1])
    assert run(runner, path, "--alias", "Pemkab Bandungg=99.99").exit_code == 2
    assert run(runner, path, "--alias", "tanpa kode").exit_code == 2
    assert count(HistorySession) == 0


def test_keep_unresolved_imports_the_name_as_written(runner, topics, tmp_path):
    rows = [
        ("VC", "Pemkab Antah  Berantah", "4/4/2023", "DAU"),
        ("VC", "Pemkab Antah Berantah", "5/4/2023", "DAU"),
    ]
    path = write_csv(tmp_path / "k.csv", [*rows, ROWS[0]])
    result = run(runner, path, "--keep-unresolved")
    assert result.exit_code == 0, result.output
    assert "Disimpan sesuai tulisan (daerah tidak dikenali): 2" in result.output
    assert "Pemkab Antah Berantah: 2 baris" in result.output
    kept = [s for s in sessions() if s.region_id is None]
    assert [s.service_user for s in kept] == ["Pemkab Antah Berantah"] * 2
    assert run(runner, path, "--keep-unresolved").output.count("Sudah ada: 3") == 1


def test_importing_twice_adds_nothing(runner, topics, tmp_path):
    path = write_csv(tmp_path / "riwayat.csv", ROWS)
    assert run(runner, path).exit_code == 0
    result = run(runner, path)
    assert result.exit_code == 0
    assert "Akan ditambahkan: 0" in result.output and "Sudah ada: 6" in result.output
    assert count(HistorySession) == 6 and count(ImportBatch) == 1


def test_the_same_session_written_differently_dedupes(runner, topics, tmp_path):
    assert (
        run(runner, write_csv(tmp_path / "a.csv", [("VC", "Kab. Brebes", "3-Apr-23", "DAU, DBH")])).exit_code
        == 0
    )
    other = write_xlsx(
        tmp_path / "b.xlsx", [("video conference", "KABUPATEN  BREBES", "03/04/2023", "DBH dan DAU")]
    )
    result = run(runner, other)
    assert "Sudah ada: 1" in result.output and count(HistorySession) == 1


def test_identical_rows_in_one_file_are_distinct_sessions(runner, topics, tmp_path):
    """Decision: two identical rows are two sessions (morning and afternoon); re-importing the
    file still adds nothing, since the occurrence within the file is in the fingerprint."""
    path = write_csv(tmp_path / "d.csv", [ROWS[0], ROWS[0]])
    assert "Akan ditambahkan: 2" in run(runner, path).output
    assert count(HistorySession) == 2
    assert "Sudah ada: 2" in run(runner, path).output
    assert count(HistorySession) == 2


def test_a_database_error_midway_leaves_nothing(runner, topics, tmp_path, monkeypatch):
    from app.history import services

    real = services._new_session
    calls = []

    def failing(batch, row, topic_rows):
        calls.append(row)
        if len(calls) == 3:
            raise RuntimeError("disk full")
        return real(batch, row, topic_rows)

    monkeypatch.setattr(services, "_new_session", failing)
    path = write_csv(tmp_path / "riwayat.csv", [*ROWS, ("VC", "Pemkab Bandungg", "4/4/2023", "DAU")])
    result = run(runner, path, "--alias", "Pemkab Bandungg=32.04")
    assert result.exit_code != 0
    db.session.rollback()
    assert count(HistorySession) == 0 and count(ImportBatch) == 0 and count(RegionAlias) == 0


def test_future_dates_are_refused(runner, topics, tmp_path):
    factories.topic()
    result = run(runner, write_csv(tmp_path / "f.csv", [("VC", "Kab. Brebes", "1/1/2999", "DAU")]))
    assert result.exit_code == 1 and "rentang" in result.output
