"""What the importer says about a cell or a file, in the user's language.

The pure readers (app.domain.history_parsing, app.domain.region_names, app.history.reader)
only return codes; the words are here, as Flask-Babel msgids in Indonesian.
"""

from contextlib import AbstractContextManager, nullcontext

from babel.numbers import format_decimal
from flask import has_request_context
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.domain.history_parsing import Reason as CellReason
from app.domain.region_names import Status
from app.history.reader import MAX_ROWS, ReadError
from app.history.reader import Reason as FileReason

COLUMN_LABELS = {
    "mode": _l("Jenis"),
    "service_user": _l("Pengguna Layanan"),
    "date": _l("Tanggal"),
    "topics": _l("Topik"),
}

_MODE = {
    CellReason.EMPTY: _l("Jenis konsultasi kosong."),
    CellReason.MODE_AMBIGUOUS: _l(
        "Jenis konsultasi menyebut kedua jenis; tulis Video Conference atau Tatap Muka."
    ),
}
_MODE_UNKNOWN = _l("Jenis konsultasi tidak dikenali; tulis Video Conference atau Tatap Muka.")

_DATE = {
    CellReason.EMPTY: _l("Tanggal kosong."),
    CellReason.DATE_UNKNOWN_MONTH: _l("Nama bulan tidak dikenali."),
    CellReason.DATE_MISSING_YEAR: _l("Tahun tidak ditulis."),
    CellReason.DATE_INVALID: _l("Tanggal ini tidak ada dalam kalender."),
    CellReason.DATE_MONTH_FIRST: _l(
        "Tanggal tampaknya ditulis dengan bulan lebih dahulu; tulis hari/bulan/tahun."
    ),
    CellReason.DATE_OUT_OF_RANGE: _l("Tanggal di luar rentang yang wajar (tahun 2000 sampai hari ini)."),
}
_DATE_UNRECOGNISED = _l(
    "Tanggal tidak dikenali; tulis misalnya 3-Apr-23, 3 April 2023, 03/04/2023 atau 2023-04-03."
)

_REGION = {
    Status.AMBIGUOUS: _l("Nama daerah cocok dengan beberapa daerah; pilih salah satu."),
    Status.FUZZY: _l("Nama daerah tidak dikenali dengan pasti; periksa saran berikut."),
}
_REGION_UNKNOWN = _l("Nama daerah tidak dikenali.")


def speaking() -> AbstractContextManager:
    """Messages in the user's language in a request, in Indonesian elsewhere (the command)."""
    return nullcontext() if has_request_context() else force_locale("id")


def _number(value: int) -> str:
    """20000 as "20.000" in Indonesian (also in the command, where no request is)."""
    return format_decimal(value, locale=str(get_locale() or "id"))


def column_label(key: str) -> str:
    return str(COLUMN_LABELS.get(key, key))


def mode_problem(reason: CellReason) -> str:
    return str(_MODE.get(reason, _MODE_UNKNOWN))


def date_problem(reason: CellReason) -> str:
    return str(_DATE.get(reason, _DATE_UNRECOGNISED))


def region_problem(status: Status | None) -> str:
    if status is None:
        return _("Pengguna layanan kosong.")
    return str(_REGION.get(status, _REGION_UNKNOWN))


def topics_empty() -> str:
    return _("Topik kosong; tulis Lainnya bila topiknya tidak diketahui.")


def topic_unknown(written: str) -> str:
    return _("Topik tidak dikenali: %(topic)s.", topic=written)


def file_problem(error: ReadError) -> str:
    if error.reason == FileReason.MISSING_COLUMNS:
        return _(
            "Baris judul tidak ditemukan: kolom %(columns)s tidak ada. Kolom yang diperlukan: "
            "Jenis, Pengguna Layanan, Tanggal, Topik.",
            columns=", ".join(column_label(c) for c in error.missing),
        )
    if error.reason == FileReason.TOO_MANY_ROWS:
        return _(
            "Berkas berisi lebih dari %(max)s baris; bagi menjadi beberapa berkas.",
            max=_number(error.limit or MAX_ROWS),
        )
    if error.reason == FileReason.TOO_MANY_SHEET_ROWS:
        return _(
            "Lembar pertama berkas ini memuat lebih dari %(max)s baris (baris kosong ikut dihitung). "
            "Hapus baris kosong di bawah data atau bagi menjadi beberapa berkas.",
            max=_number(error.limit or MAX_ROWS),
        )
    if error.reason == FileReason.UNPACKS_TOO_LARGE:
        return _(
            "Berkas Excel ini terlalu besar setelah dibuka (lebih dari %(size)s MB bila dibuka, atau "
            "isinya dimampatkan secara tidak wajar), sehingga tidak diproses. Simpan ulang lembar "
            "riwayat saja sebagai XLSX atau CSV, lalu unggah kembali.",
            size=_number((error.limit or 0) // (1024 * 1024)),
        )
    if error.reason == FileReason.TOO_MANY_CELLS:
        return _(
            "Lembar dalam berkas Excel ini memuat terlalu banyak sel (lebih dari %(max)s), sehingga "
            "tidak diproses. Simpan ulang lembar riwayat saja, dengan kolom Jenis, Pengguna Layanan, "
            "Tanggal dan Topik, sebagai XLSX atau CSV, lalu unggah kembali.",
            max=_number(error.limit or 0),
        )
    if error.reason == FileReason.TOO_MANY_PARTS:
        return _(
            "Berkas Excel ini memuat terlalu banyak bagian (lebih dari %(max)s) untuk sebuah buku "
            "kerja biasa, sehingga tidak diproses. Simpan ulang lembar riwayat saja sebagai XLSX "
            "atau CSV, lalu unggah kembali.",
            max=_number(error.limit or 0),
        )
    if error.reason == FileReason.EMPTY:
        return _("Berkas kosong.")
    return _("Berkas tidak dapat dibaca sebagai CSV atau XLSX.")
