"""The one clock of the application (after Indico's now_utc()).

Everything that needs the current time calls now_utc(); tests freeze it with time-machine.
"""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

WIB = ZoneInfo("Asia/Jakarta")


def now_utc() -> datetime:
    return datetime.now(UTC)


def to_zone(value: datetime, zone: str | ZoneInfo) -> datetime:
    tz = ZoneInfo(zone) if isinstance(zone, str) else zone
    return value.astimezone(tz)
