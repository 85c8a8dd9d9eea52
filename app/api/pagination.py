"""Cursor pagination: a page ends with an opaque `next_cursor` naming the last row's sort key.

The cursor is the URL-safe base64 of the last row's key values (JSON); a query resumes
strictly after it on the same ORDER BY, so rows added meanwhile never shift a page (keyset
pagination: no OFFSET, the same cost on page 1 and page 1,000).
"""

import base64
import binascii
import json
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import and_, or_

from app.api.problems import ApiProblem


def encode(values: list) -> str:
    plain = [v.isoformat() if isinstance(v, datetime) else v for v in values]
    return base64.urlsafe_b64encode(json.dumps(plain, separators=(",", ":")).encode()).decode().rstrip("=")


def decode(cursor: str, kinds: tuple[type, ...]) -> list:
    """The key values of `cursor`, typed as `kinds` (datetime or int); 422 when it is not one
    of ours."""
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(raw, list) or len(raw) != len(kinds):
            raise ValueError(cursor)
        values = []
        for kind, value in zip(kinds, raw, strict=True):
            if kind is datetime:
                parsed = datetime.fromisoformat(value)
                if parsed.tzinfo is None:
                    raise ValueError(value)
                values.append(parsed)
            elif kind is int and isinstance(value, int) and not isinstance(value, bool):
                values.append(value)
            else:
                raise ValueError(value)
        return values
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise ApiProblem(
            422,
            errors={"cursor": [_("Kursor tidak dikenal. Pakai next_cursor dari halaman sebelumnya.")]},
        ) from None


def check_days(start, end, most: int) -> None:
    """422 on `end` unless start..end is 1 to `most` days (a range of days a list covers)."""
    if end < start or (end - start).days >= most:
        raise ApiProblem(
            422,
            errors={
                "end": [
                    _(
                        "Rentang tanggal harus 1 sampai %(days)d hari, dan end tidak boleh sebelum start.",
                        days=most,
                    )
                ]
            },
        )


def after(columns: tuple, values: list, descending: bool):
    """The WHERE clause of rows strictly after `values` in ORDER BY `columns` (all the same
    direction), written out so that every database can use the index."""
    clauses = []
    for i, column in enumerate(columns):
        equal = [columns[j] == values[j] for j in range(i)]
        beyond = column < values[i] if descending else column > values[i]
        clauses.append(and_(*equal, beyond))
    return or_(*clauses)


def page(session, query, *, columns: tuple, kinds: tuple, cursor: str | None, limit: int, descending: bool):
    """Run `query` (a select of one entity) from `cursor` for `limit` rows; returns the rows and
    the next cursor (None on the last page)."""
    if cursor:
        query = query.where(after(columns, decode(cursor, kinds), descending))
    order = [c.desc() if descending else c.asc() for c in columns]
    rows = list(session.scalars(query.order_by(*order).limit(limit + 1)).unique())
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = None
    if more:
        last = rows[-1]
        next_cursor = encode([getattr(last, c.key) for c in columns])
    return rows, next_cursor
