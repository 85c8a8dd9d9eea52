"""The day's visitor log (buku tamu) as CSV: one row per guest present, in order of arrival.

UTF-8 with a byte-order mark so that a spreadsheet opens the names correctly; times in WIB.
"""

import csv
import io
from datetime import date

from flask_babel import gettext as _

from app.checkin.models import Visit
from app.checkin.queries import visits_on
from app.core.clock import WIB
from app.core.exports import safe_row


def _hm(value) -> str:
    return value.astimezone(WIB).strftime("%H:%M") if value else ""


def _yes(value: bool) -> str:
    return _("Ya") if value else _("Tidak")


def header() -> list[str]:
    return [
        _("Tanggal"),
        _("Datang (WIB)"),
        _("Pulang (WIB)"),
        _("Pengguna Layanan"),
        _("Kode booking"),
        _("Jadwal (WIB)"),
        _("Tanpa jadwal"),
        _("Nama tamu"),
        _("Jabatan"),
        _("Dalam daftar"),
        _("Kepala Daerah hadir"),
        _("Dicatat oleh"),
    ]


def rows(visit: Visit) -> list[list[str]]:
    req = visit.request
    common = [
        visit.arrived_at.astimezone(WIB).date().isoformat(),
        _hm(visit.arrived_at),
        _hm(visit.checked_out_at),
        visit.service_user_name,
        req.booking_code_display if req is not None else "",
        _hm(req.scheduled_start) if req is not None else "",
        _yes(visit.walk_in),
    ]
    head = "" if visit.regional_head_present is None else _yes(visit.regional_head_present)
    by = visit.checked_in_by.name if visit.checked_in_by else ""
    return [
        safe_row([*common, g.name, g.title or "", _yes(g.on_list), head, by])
        for g in visit.guests
        if g.present
    ]


def visitor_log_csv(day: date) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header())
    for visit in visits_on(day):
        writer.writerows(rows(visit))
    return "\ufeff" + out.getvalue()
