"""Job markers: the unique key of each thing a scheduler job did once ("deadline:<id>:<start>").

A job inserts its marker in the same transaction as its work; a second run (a restart, a
missed run caught up, or a second scheduler process) hits the unique key and does nothing.
"""

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from app.core.types import UTCDateTime
from app.extensions import db


class JobMarker(db.Model):
    __tablename__ = "job_markers"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    done_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SchedulerBeat(db.Model):
    """When the scheduler process last showed it was alive (name "process", written every
    minute) and when each job last ran to the end ("job:<id>"). /readyz and /metrics read it:
    the scheduler is a process of its own, its memory is not the web workers'."""

    __tablename__ = "scheduler_beats"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    beat_at: Mapped[datetime] = mapped_column(UTCDateTime)


PROCESS_BEAT = "process"


def beat(name: str, at: datetime) -> None:
    """Store `at` as the last beat of `name` and commit."""
    row = db.session.get(SchedulerBeat, name)
    if row is None:
        db.session.add(SchedulerBeat(name=name, beat_at=at))
    else:
        row.beat_at = at
    db.session.commit()
