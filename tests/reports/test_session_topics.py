"""The topics of each session row follow the taxonomy (sort order, then code), whatever their ids."""

from datetime import date

from app.domain.policy import Mode
from app.extensions import db
from app.reports.build import build_report
from tests import factories
from tests.reports.conftest import APRIL, wib


def test_session_topics_follow_the_taxonomy_not_the_ids(app, builder):
    # DAU was made first (the smallest id) but comes last in the taxonomy.
    for code, order in (("DAU", 30), ("DBH", 20), ("PDRD", 10)):
        builder.topic(code).sort_order = order
    builder.live(factories.BREBES, wib(2023, 4, 3, 9), Mode.VC, ["DAU", "PDRD", "DBH"])
    builder.history(date(2023, 4, 4), Mode.VC, "Kab. Brebes", ["DAU", "PDRD"], region_code=factories.BREBES)
    builder.history(date(2023, 4, 5), Mode.VC, "Prov. Jawa Tengah", [])
    builder.live(factories.BALIKPAPAN, wib(2023, 4, 6, 9), Mode.VC, ["PDRD", "DAU"])
    db.session.commit()

    vc = build_report(APRIL).to_json()["video_conference"]

    assert [(r["date"], r["topics"]) for r in vc["sessions"]] == [
        ("2023-04-03", ["PDRD", "DBH", "DAU"]),
        ("2023-04-04", ["PDRD", "DAU"]),
        ("2023-04-05", []),
        ("2023-04-06", ["PDRD", "DAU"]),
    ]
    assert vc["topic_counts"] == [
        {"code": "PDRD", "count": 3},
        {"code": "DBH", "count": 1},
        {"code": "DAU", "count": 3},
    ]
