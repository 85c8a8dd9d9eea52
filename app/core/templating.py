"""Template filters: times shown in a Pemda's own zone with WIB beside, dates in Indonesian."""

from datetime import date, datetime, time
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_time
from flask import Flask, render_template, request, url_for
from flask_babel import get_locale, get_translations
from flask_login import current_user
from markupsafe import Markup

from app.core import kept

ZONE_ABBREVIATIONS = {"Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}


def zone_abbr(zone: str) -> str:
    return ZONE_ABBREVIATIONS.get(zone, zone)


_INDONESIAN = Locale.parse("id")


def _locale() -> Locale:
    """The request's locale as a parsed Babel Locale: Babel parses a locale given as a string
    again on every call, and a list page formats hundreds of times."""
    try:
        return get_locale() or _INDONESIAN
    except RuntimeError:
        return _INDONESIAN


def fmt_date(value: date | datetime | None, zone: str = "Asia/Jakarta", fmt: str = "full") -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(ZoneInfo(zone)).date()
    # "full" is spelled out so that days are not zero-padded: "Senin, 7 Desember 2026".
    pattern = "EEEE, d MMMM y" if fmt == "full" else fmt
    return _day(value, pattern, _locale())


# A list page writes hundreds of days and clock times, most of them the same few: each is
# formatted by Babel once per process and locale (a day depends only on the date, pattern
# and locale; a short clock time only on the hour and minute).
@lru_cache(maxsize=8192)
def _day(value: date, pattern: str, loc: Locale) -> str:
    return format_date(value, format=pattern, locale=loc)


@lru_cache(maxsize=4096)
def _clock_of(hour: int, minute: int, loc: Locale) -> str:
    return format_time(time(hour, minute), "short", locale=loc)


def _clock(value: datetime, loc: Locale) -> str:
    """The time of day as the locale writes it: "09.00" in Indonesian, "9:00 AM" in English."""
    return _clock_of(value.hour, value.minute, loc)


def _day_and_clock(value: datetime, loc: Locale) -> str:
    return f"{_day(value.date(), 'EEEE, d MMMM y', loc)} {_clock(value, loc)}"


def fmt_time(value: datetime | None, zone: str = "Asia/Jakarta") -> str:
    if value is None:
        return ""
    local = value.astimezone(ZoneInfo(zone))
    return f"{_clock(local, _locale())} {zone_abbr(zone)}"


def fmt_datetime(value: datetime | None, zone: str = "Asia/Jakarta") -> str:
    """ "Senin, 7 Desember 2026 09.00 WITA"."""
    if value is None:
        return ""
    local = value.astimezone(ZoneInfo(zone))
    return f"{_day_and_clock(local, _locale())} {zone_abbr(zone)}"


def fmt_both(value: datetime | None, zone: str = "Asia/Jakarta") -> str:
    """A time in the Pemda's zone, and in WIB beside it when the zones differ."""
    if value is None:
        return ""
    shown = fmt_datetime(value, zone)
    if zone != "Asia/Jakarta":
        shown += f" ({fmt_time(value, 'Asia/Jakarta')})"
    return shown


def fmt_time_range(start: datetime | None, end: datetime | None, zone: str = "Asia/Jakarta") -> str:
    """ "16.00–17.00 WIT": the clock times of one zone, naming the zone once."""
    if start is None or end is None:
        return ""
    tz, loc = ZoneInfo(zone), _locale()
    return f"{_clock(start.astimezone(tz), loc)}–{_clock(end.astimezone(tz), loc)} {zone_abbr(zone)}"


def _span(start: datetime, end: datetime, zone: str, loc: Locale) -> str:
    """Start and end in `zone`: the day written once when they share it, the zone once."""
    tz = ZoneInfo(zone)
    s, e = start.astimezone(tz), end.astimezone(tz)
    if s.date() == e.date():
        return f"{_day_and_clock(s, loc)}–{_clock(e, loc)} {zone_abbr(zone)}"
    return f"{_day_and_clock(s, loc)} – {_day_and_clock(e, loc)} {zone_abbr(zone)}"


def fmt_range(start: datetime | None, end: datetime | None, zone: str = "Asia/Jakarta") -> str:
    """ "Senin, 7 Desember 2026 09.00–10.00 WITA (08.00–09.00 WIB)"; a range over several days
    writes both days ("Senin, 7 Desember 2026 08.00 – Rabu, 9 Desember 2026 16.00 WIB")."""
    if start is None or end is None:
        return ""
    loc = _locale()
    text = _span(start, end, zone, loc)
    if zone != "Asia/Jakarta":
        same_day = start.astimezone(ZoneInfo(zone)).date() == end.astimezone(ZoneInfo(zone)).date()
        wib = fmt_time_range(start, end) if same_day else _span(start, end, "Asia/Jakarta", loc)
        text += f" ({wib})"
    return text


def args_with(**changes) -> str:
    """This page's URL with some query arguments changed (None removes one); back to page 1.
    Keys starting with "_" (url_for's own: _method, _external, ...) are dropped."""
    args = {k: v for k, v in request.args.items() if k != "page" and not k.startswith("_")}
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = value
    return url_for(request.endpoint, **(request.view_args or {}), **args)


def main_menu() -> Markup:
    """The navigation bar's menu (templates/_menu.html). It depends on nothing but the role,
    the language and where the application is mounted, and some twenty links with their
    labels cost every page about a millisecond: each process renders it once for each."""
    role = str(current_user.role) if current_user.is_authenticated else None
    key = (role, str(get_locale()), request.script_root)
    return kept.store("main_menu", 32).get_or_make(
        key, lambda: Markup(render_template("_menu.html", role=role))
    )


# The catalogue of each locale, as Flask-Babel loaded it (it keeps them for the process too).
_translations_by_locale: dict = {}


def _translations():
    """The translations of the current locale. Flask-Babel's own template callables find them
    again on every call (domain, context, locale, the locale's name, its cache), and a page
    makes hundreds of calls; here one look-up of the locale and a dict. The locale is the key,
    so a language switch (refresh(), force_locale()) is followed at once."""
    locale = get_locale()
    found = _translations_by_locale.get(locale)
    if found is None:
        found = get_translations()
        if locale is not None:
            _translations_by_locale[locale] = found
    return found


def _install_gettext(app: Flask) -> None:
    """Replace Flask-Babel's template gettext callables (installed by babel.init_app, same
    behaviour, newstyle) with ones that look the catalogue up once per locale."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: _translations().ugettext(s),
        ngettext=lambda s, p, n: _translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: _translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _translations().unpgettext(c, s, p, n),
    )


def init_app(app: Flask) -> None:
    from app.catalog.labels import room_label
    from app.core.urls import public_url_for

    _install_gettext(app)
    app.jinja_env.globals["args_with"] = args_with
    app.jinja_env.globals["main_menu"] = main_menu
    # Absolute links (email, the printed letter): from PUBLIC_URL, never the request's Host.
    app.jinja_env.globals["public_url_for"] = public_url_for
    app.jinja_env.filters.update(
        date_id=fmt_date,
        time_zone=fmt_time,
        datetime_zone=fmt_datetime,
        datetime_both=fmt_both,
        range_both=fmt_range,
        time_range=fmt_time_range,
        zone_abbr=zone_abbr,
        room_label=room_label,
    )
