"""DJPK's topic taxonomy, shipped in data/topics.csv (code, name, description, sort_order).

`flask setup` loads it into an empty database and `flask seed-demo` uses the same list, so
the codes the history import resolves ("DAU", "DAK Fisik", ...) exist on every installation.
"""

import csv
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from app.catalog.models import Topic
from app.core import audit
from app.extensions import db

TOPICS_FILE = Path(__file__).resolve().parents[2] / "data" / "topics.csv"


@dataclass(frozen=True)
class TopicRow:
    code: str
    name: str
    description: str
    sort_order: int


def read_topics(path: Path = TOPICS_FILE) -> list[TopicRow]:
    with open(path, newline="", encoding="utf-8") as fh:
        return [
            TopicRow(r["code"].strip(), r["name"].strip(), r["description"].strip(), int(r["sort_order"]))
            for r in csv.DictReader(fh)
        ]


def load_topics(path: Path = TOPICS_FILE) -> int:
    """Add the topics whose code is missing (existing ones are kept as edited); returns how many."""
    existing = set(db.session.scalars(select(Topic.code)))
    added = 0
    for row in read_topics(path):
        if row.code in existing:
            continue
        topic = Topic(
            code=row.code, name=row.name, description=row.description, active=True, sort_order=row.sort_order
        )
        db.session.add(topic)
        db.session.flush()
        audit.record("topic.create", topic, after={"code": row.code, "name": row.name})
        added += 1
    return added
