"""Template filters: times shown in a Pemda's own zone with WIB beside, dates in Indonesian."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime, format_time
from flask import Flask
from flask_babel import get_locale

ZONE_ABBREVIATIONS = {"Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}


def zone_abbr(zone: str) -> str:
    return ZONE_ABBREVIATIONS.get(zone, zone)


def _locale() -> str:
    try:
        return str(get_locale() or "id")
    except RuntimeError:
        return "id"


def fmt_date(value: date | datetime | None, zone: str = "Asia/Jakarta", fmt: str = "full") -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(ZoneInfo(zone)).date()
    return format_date(value, format=fmt, locale=_locale())


def fmt_time(value: datetime | None, zone: str = "Asia/Jakarta") -> str:
    if value is None:
        return ""
    local = value.astimezone(ZoneInfo(zone))
    return f"{format_time(local, 'HH:mm', locale=_locale())} {zone_abbr(zone)}"


def fmt_datetime(value: datetime | None, zone: str = "Asia/Jakarta") -> str:
    """ "Senin, 7 Desember 2026 09.00 WITA"."""
    if value is None:
        return ""
    local = value.astimezone(ZoneInfo(zone))
    return f"{format_datetime(local, 'EEEE, d MMMM y HH:mm', locale=_locale())} {zone_abbr(zone)}"


def fmt_both(value: datetime | None, zone: str = "Asia/Jakarta") -> str:
    """A time in the Pemda's zone, and in WIB beside it when the zones differ."""
    if value is None:
        return ""
    shown = fmt_datetime(value, zone)
    if zone != "Asia/Jakarta":
        shown += f" ({fmt_time(value, 'Asia/Jakarta')})"
    return shown


def fmt_range(start: datetime | None, end: datetime | None, zone: str = "Asia/Jakarta") -> str:
    """ "Senin, 7 Desember 2026 09.00-10.00 WITA (08.00-09.00 WIB)"."""
    if start is None or end is None:
        return ""
    tz = ZoneInfo(zone)
    loc = _locale()
    s, e = start.astimezone(tz), end.astimezone(tz)
    text = (
        f"{format_datetime(s, 'EEEE, d MMMM y HH:mm', locale=loc)}–"
        f"{format_time(e, 'HH:mm', locale=loc)} {zone_abbr(zone)}"
    )
    if zone != "Asia/Jakarta":
        wib = ZoneInfo("Asia/Jakarta")
        text += (
            f" ({format_time(start.astimezone(wib), 'HH:mm', locale=loc)}–"
            f"{format_time(end.astimezone(wib), 'HH:mm', locale=loc)} WIB)"
        )
    return text


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(
        date_id=fmt_date,
        time_zone=fmt_time,
        datetime_zone=fmt_datetime,
        datetime_both=fmt_both,
        range_both=fmt_range,
        zone_abbr=zone_abbr,
    )
