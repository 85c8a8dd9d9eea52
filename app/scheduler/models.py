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
