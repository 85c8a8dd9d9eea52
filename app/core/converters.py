"""URL converters. `int` in a route stops at the largest id a database column can hold
(PostgreSQL INTEGER, 2**31 - 1): a larger number is no route (404), not a query that fails
with an overflow (500) on both databases."""

from werkzeug.routing import IntegerConverter

LARGEST_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    def __init__(self, map, fixed_digits=0, min=None, max=LARGEST_ID, signed=False):  # noqa: A002
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def init_app(app) -> None:
    app.url_map.converters["int"] = IdConverter
