"""Reading CSV and XLSX files into rows: delimiters, encodings, where the header is."""

import io
from datetime import datetime

import pytest
from openpyxl import Workbook

from app.history.reader import ReadError, Reason, find_columns, read


def xlsx(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
def test_csv_delimiters(delimiter):
    text = delimiter.join(["No", "JENIS", "Pengguna Layanan", "Tanggal", "Topik"]) + "\n"
    text += delimiter.join(["1", "VC", "Kab. Brebes", "3/4/2023", '"DAU, DBH"']) + "\n"
    (row,) = read(text.encode("utf-8-sig"))
    assert (row.number, row.mode, row.service_user, row.date, row.topics) == (
        2,
        "VC",
        "Kab. Brebes",
        "3/4/2023",
        "DAU, DBH",
    )


def test_windows_1252_csv():
    text = "Metode;Pemda;Hari/Tanggal;Materi\r\nTM;Kab. Brebes;3 April 2023;Dana Desa – penyaluran\r\n"
    (row,) = read(text.encode("cp1252"))
    assert row.date == "3 April 2023" and row.topics == "Dana Desa – penyaluran"


def test_header_below_titles_blank_and_repeated_headers_are_skipped():
    rows = [
        ("Rekap Konsultasi",),
        (),
        ("No.", "Jenis Konsultasi", "Nama Daerah", "Tanggal Konsultasi (dd/mm/yyyy)", "Topik"),
        (1, "VC", "Kab. Brebes", datetime(2023, 4, 3), "DAU"),
        (None, None, None, None, None),
        ("No.", "Jenis", "Daerah", "Tanggal", "Topik"),
        (2, "TM", "Kota Bandung", 45019, "DBH"),
    ]
    found = read(xlsx(rows))
    assert [r.number for r in found] == [4, 7]
    assert found[0].date == datetime(2023, 4, 3) and found[1].date == 45019


def test_english_headers():
    assert find_columns(["Mode", "Service user", "Date", "Topics"]) == {
        "mode": 0,
        "service_user": 1,
        "date": 2,
        "topics": 3,
    }


def test_missing_columns_are_named():
    with pytest.raises(ReadError) as caught:
        read(b"Jenis;Pengguna Layanan;Waktu Mulai\nVC;Kab. Brebes;3/4/2023\n")
    assert caught.value.reason == Reason.MISSING_COLUMNS and caught.value.missing == ("topics",)


@pytest.mark.parametrize("content", [b"", b"\n\n ;;\n", xlsx([])])
def test_empty_files(content):
    with pytest.raises(ReadError) as caught:
        read(content)
    assert caught.value.reason == Reason.EMPTY


def test_not_a_spreadsheet():
    with pytest.raises(ReadError) as caught:
        read(b"PK\x03\x04 not really a zip")
    assert caught.value.reason == Reason.NOT_A_SPREADSHEET
    with pytest.raises(ReadError):
        read(b"\x00\x01binary")


def test_too_many_rows(monkeypatch):
    monkeypatch.setattr("app.history.reader.MAX_ROWS", 3)
    text = "Jenis;Daerah;Tanggal;Topik\n" + "VC;Kab. Brebes;3/4/2023;DAU\n" * 4
    with pytest.raises(ReadError) as caught:
        read(text.encode())
    assert caught.value.reason == Reason.TOO_MANY_ROWS


def test_a_zip_that_is_not_a_workbook():
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(ReadError) as caught:
        read(out.getvalue())
    assert caught.value.reason == Reason.NOT_A_SPREADSHEET
