"""A report costs the same number of SQL statements for 3 sessions and for 60."""

from contextlib import contextmanager
from datetime import date, timedelta

from sqlalchemy import event

from app.domain.policy import Mode
from app.extensions import db
from app.reports.build import build_report
from tests import factories
from tests.reports.conftest import wib

CODES = [factories.BREBES, factories.BALIKPAPAN, factories.JAYAPURA]


@contextmanager
def counting():
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def _fill(builder, n: int) -> None:
    for i in range(n):
        day = wib(2023, 4, 1, 9) + timedelta(days=i % 28, minutes=i)
        mode = Mode.VC if i % 2 else Mode.FTF
        builder.live(CODES[i % 3], day, mode, ["DAU", "DBH"][: 1 + i % 2])
        builder.history(day.date(), mode, "Kab. Brebes", ["PDRD"], region_code=factories.BREBES)
        builder.breach(CODES[i % 3], day, "guests_over_limit")
    db.session.commit()


def _statements_for_report() -> int:
    with counting() as statements:
        report = build_report(date(2023, 4, 1))
        report.to_json()
    return len(statements), report


def test_query_count_does_not_grow_with_sessions(app, builder):
    _fill(builder, 3)
    few, report = _statements_for_report()
    assert report.face_to_face.count + report.video_conference.count == 6
    _fill(builder, 57)
    many, report = _statements_for_report()
    assert report.face_to_face.count + report.video_conference.count == 120
    assert few == many
    assert many <= 15
