"""Policy violations as sentences a Pemda operator understands (Indonesian by default)."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from babel.dates import format_date
from flask_babel import get_locale, gettext

from app.core.templating import zone_abbr
from app.domain.policy import WIB, Mode, Rule, Violation


def _day(value: date) -> str:
    return format_date(value, format="EEEE, d MMMM y", locale=str(get_locale() or "id"))


def _hm(value: time) -> str:
    return value.strftime("%H.%M")


def mode_label(mode: Mode | str) -> str:
    return gettext("tatap muka") if Mode(mode) == Mode.FTF else gettext("video conference")


def _in_zone(day: date | None, value: time, zone: str) -> str:
    """A WIB clock time as the clock reads in `zone` on `day`."""
    moment = datetime.combine(day or date(2026, 1, 1), value, tzinfo=WIB)
    return _hm(moment.astimezone(ZoneInfo(zone)).time())


def violation_message(v: Violation, zone: str | None = None) -> str:
    """The sentence for `v`; `zone` is the Pemda's time zone, for rules about clock times
    (DJPK's hours are set in WIB, a Pemda in WITA or WIT reads them in its own zone too)."""
    p = v.params
    if v.rule == Rule.LEAD_TIME:
        return gettext(
            "Permohonan %(mode)s harus diajukan paling lambat %(days)d hari kerja sebelum "
            "konsultasi. Untuk %(session_day)s, batas pengajuan adalah %(deadline)s. "
            "Pilih tanggal mulai %(earliest)s atau sesudahnya.",
            mode=mode_label(p["mode"]),
            days=p["days"],
            session_day=_day(p["session_day"]),
            deadline=_day(p["deadline"]),
            earliest=_day(p["earliest"]),
        )
    if v.rule == Rule.SERVICE_DAY:
        if p.get("holiday"):
            return gettext(
                "%(day)s adalah hari libur (%(holiday)s). Pilih hari kerja, misalnya %(next)s.",
                day=_day(p["day"]),
                holiday=p["holiday"],
                next=_day(p["next"]),
            )
        return gettext(
            "%(day)s bukan hari kerja. Layanan konsultasi hanya Senin–Jumat; misalnya %(next)s.",
            day=_day(p["day"]),
            next=_day(p["next"]),
        )
    if v.rule == Rule.SERVICE_HOURS and zone and zone_abbr(zone) != "WIB":
        return gettext(
            "Waktu yang dipilih di luar jam layanan. Konsultasi dilayani pukul %(local_start)s–%(local_end)s "
            "%(zone)s (%(start)s–%(end)s WIB) pada hari yang sama.",
            local_start=_in_zone(p.get("day"), p["start"], zone),
            local_end=_in_zone(p.get("day"), p["end"], zone),
            zone=zone_abbr(zone),
            start=_hm(p["start"]),
            end=_hm(p["end"]),
        )
    if v.rule == Rule.SERVICE_HOURS:
        return gettext(
            "Waktu yang dipilih di luar jam layanan. Konsultasi dilayani pukul %(start)s–%(end)s WIB "
            "pada hari yang sama.",
            start=_hm(p["start"]),
            end=_hm(p["end"]),
        )
    if v.rule == Rule.WINDOW_TOO_SHORT:
        return gettext(
            "Rentang waktu terlalu pendek. Sediakan paling sedikit %(minutes)d menit.", minutes=p["minutes"]
        )
    if v.rule == Rule.WINDOW_IN_PAST:
        return gettext("Waktu yang dipilih sudah lewat. Pilih waktu yang akan datang.")
    if v.rule == Rule.WINDOW_END_BEFORE_START:
        return gettext("Jam selesai harus sesudah jam mulai.")
    if v.rule == Rule.LETTER_DATE_IN_FUTURE:
        return gettext(
            "Tanggal surat tidak boleh sesudah hari ini (%(today)s). Periksa tanggal dan tahunnya.",
            today=_day(p["today"]),
        )
    if v.rule == Rule.LETTER_DATE_TOO_OLD:
        return gettext(
            "Tanggal surat lebih dari satu tahun yang lalu; tanggal paling awal %(earliest)s. "
            "Periksa tahunnya, atau lampirkan surat permohonan yang baru.",
            earliest=_day(p["earliest"]),
        )
    if v.rule == Rule.DELEGATION_SIZE:
        return gettext(
            "Jumlah peserta %(size)d orang melebihi batas %(limit)d orang untuk konsultasi %(mode)s. "
            "Kurangi daftar delegasi.",
            size=p["size"],
            limit=p["limit"],
            mode=mode_label(p["mode"]),
        )
    if v.rule == Rule.DELEGATION_EMPTY:
        return gettext("Isi paling sedikit satu anggota delegasi.")
    if v.rule == Rule.LETTER_REQUIRED:
        return gettext(
            "Konsultasi %(mode)s memerlukan surat permohonan (Surat Permintaan Konsultasi/Audiensi) "
            "yang ditujukan kepada Direktur Jenderal Perimbangan Keuangan. Lengkapi data surat dan "
            "unggah berkas PDF-nya.",
            mode=mode_label(p["mode"]),
        )
    if v.rule == Rule.LETTER_ADDRESSEE:
        return gettext("Surat permohonan harus ditujukan kepada Direktur Jenderal Perimbangan Keuangan.")
    raise ValueError(f"no message for {v.rule}")  # pragma: no cover
