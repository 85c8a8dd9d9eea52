"""Column types: aware UTC datetimes on every backend.

SQLite has no time zone support, so values are stored as naive UTC and handed back aware;
PostgreSQL stores `timestamptz`. Naive datetimes are refused so that a local time can never
be stored by mistake.
"""

import enum
from datetime import UTC, datetime

from sqlalchemy import DateTime, Enum
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator):
    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime refused: store aware UTC datetimes")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def str_enum(cls: type[enum.Enum], length: int = 16) -> Enum:
    """A Python enum stored as its string values in a VARCHAR (no native DB enum type, so
    adding a value needs no ALTER TYPE)."""
    return Enum(cls, native_enum=False, length=length, values_callable=lambda e: [m.value for m in e])
