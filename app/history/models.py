"""Consultations held before the system existed, imported from DJPK's spreadsheets.

An imported session is only what the report needs: the mode, the day, the service user and
the topics. The service user is a canonical region (and unit) when the name was resolved, or
only the name as written (kept with --keep-unresolved). The fingerprint makes importing the
same file twice add nothing the second time.
"""

from datetime import date, datetime

from sqlalchemy import Column, Date, ForeignKey, Index, Integer, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import UnitType, User
from app.catalog.models import Topic
from app.core.types import UTCDateTime, str_enum
from app.domain.policy import Mode
from app.extensions import db
from app.regions.models import Region

history_session_topics = Table(
    "history_session_topics",
    db.Model.metadata,
    Column("session_id", ForeignKey("history_sessions.id", ondelete="CASCADE"), primary_key=True),
    Column("topic_id", ForeignKey("topics.id"), primary_key=True, index=True),
)


class ImportBatch(db.Model):
    __tablename__ = "import_batches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    filename: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime)
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # None: the CLI
    rows_total: Mapped[int] = mapped_column(Integer)
    rows_added: Mapped[int] = mapped_column(Integer)

    imported_by: Mapped[User | None] = relationship()


class HistorySession(db.Model):
    __tablename__ = "history_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batches.id"), index=True)
    mode: Mapped[Mode] = mapped_column(str_enum(Mode, 8))
    session_date: Mapped[date] = mapped_column(Date, index=True)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"), index=True)
    unit_type: Mapped[UnitType] = mapped_column(str_enum(UnitType, 16))
    # As DJPK writes it ("Kab. Brebes (DPRD)"), or the name as written when unresolved.
    service_user: Mapped[str] = mapped_column(String(200))
    row_number: Mapped[int] = mapped_column(Integer)  # in its file, for messages
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)

    batch: Mapped[ImportBatch] = relationship()
    region: Mapped[Region | None] = relationship()

    # The monthly report reads a month's sessions from this index alone (app.reports).
    __table_args__ = (
        Index(
            "ix_history_sessions_report",
            "session_date",
            "mode",
            "region_id",
            "unit_type",
            "service_user",
            postgresql_include=["id"],
        ),
    )
    topics: Mapped[list[Topic]] = relationship(secondary=history_session_topics, order_by=Topic.sort_order)


class RegionAlias(db.Model):
    """A service-user name as people write it, mapped once to its region (and unit)."""

    __tablename__ = "region_aliases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    alias_key: Mapped[str] = mapped_column(String(200), unique=True)  # normalised form
    as_written: Mapped[str] = mapped_column(String(200))
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    unit_type: Mapped[UnitType | None] = mapped_column(str_enum(UnitType, 16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    region: Mapped[Region] = relationship()
