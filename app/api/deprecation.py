"""Retiring an operation when /api/v2 comes: `@deprecated(on=..., sunset=..., successor=...)`
marks it `deprecated` in the OpenAPI document and adds to each of its answers the
`Deprecation` header (RFC 9745, "@<unix time>"), `Sunset` (RFC 8594, an HTTP date) and a
`Link` to its successor. No operation of v1 is deprecated yet."""

from datetime import UTC, date, datetime, time
from functools import wraps

from flask import make_response
from werkzeug.http import http_date

from app.api.apidoc import manual_doc


def deprecated(*, on: date, sunset: date | None = None, successor: str | None = None):
    since = datetime.combine(on, time(), UTC)

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            response = make_response(view(*args, **kwargs))
            response.headers["Deprecation"] = f"@{int(since.timestamp())}"
            if sunset is not None:
                response.headers["Sunset"] = http_date(datetime.combine(sunset, time(), UTC))
            if successor is not None:
                response.headers.add("Link", f'<{successor}>; rel="successor-version"')
            return response

        manual_doc(wrapped, view)["deprecated"] = True
        return wrapped

    return decorator
