"""Who and what a scheduled session occupies: narasumber assignments and room bookings.

Each row copies the session's start and end so that PostgreSQL can refuse an overlap with an
exclusion constraint (btree_gist, a tstzrange over start/end, only for active rows); see
migration 0002. On SQLite the scheduling service takes the write lock (BEGIN IMMEDIATE) and
re-checks before inserting.
"""

import enum
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, func, text
from sqlalchemy.dialects.postgresql import ExcludeConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.catalog.models import NarasumberProfile, Room
from app.core.types import UTCDateTime, str_enum
from app.extensions import db


class AssignmentStatus(enum.StrEnum):
    ASSIGNED = "assigned"  # waiting for the narasumber's answer
    ACCEPTED = "accepted"
    DECLINED = "declined"  # inactive: the coordinator is asked to replace them
    RELEASED = "released"  # inactive: session cancelled, rescheduled or person replaced


def _no_overlap(name: str, column: str) -> ExcludeConstraint:
    """On PostgreSQL: two active rows for the same person or room never overlap in time."""
    return ExcludeConstraint(
        (column, "="),
        (func.tstzrange(text('"start"'), text('"end"'), "[)"), "&&"),
        name=name,
        using="gist",
        where=text("active"),
    ).ddl_if(dialect="postgresql")


class NarasumberAssignment(db.Model):
    __tablename__ = "narasumber_assignments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("consultation_requests.id", ondelete="CASCADE"), index=True
    )
    narasumber_id: Mapped[int] = mapped_column(ForeignKey("narasumber_profiles.id"), index=True)
    start: Mapped[datetime] = mapped_column(UTCDateTime)
    end: Mapped[datetime] = mapped_column(UTCDateTime)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    status: Mapped[AssignmentStatus] = mapped_column(
        str_enum(AssignmentStatus), default=AssignmentStatus.ASSIGNED
    )
    # Topic codes of the request this person covers, as suggested or chosen.
    topic_codes: Mapped[list] = mapped_column(db.JSON, default=list)
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime)
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Set when the coordinator chose someone other than the suggestion, and why.
    override_reason: Mapped[str | None] = mapped_column(Text)
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decline_reason: Mapped[str | None] = mapped_column(Text)

    narasumber: Mapped[NarasumberProfile] = relationship()
    request = relationship("ConsultationRequest", back_populates="assignments")

    __table_args__ = (
        Index("ix_narasumber_assignments_busy", "narasumber_id", "start", "end"),
        # The declines of sessions still to come (app.scheduling.declines), found by themselves.
        Index("ix_narasumber_assignments_status_start", "status", "start"),
        _no_overlap("ex_narasumber_assignments_no_overlap", "narasumber_id"),
    )


class RoomBooking(db.Model):
    __tablename__ = "room_bookings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("consultation_requests.id", ondelete="CASCADE"), index=True
    )
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id"), index=True)
    start: Mapped[datetime] = mapped_column(UTCDateTime)
    end: Mapped[datetime] = mapped_column(UTCDateTime)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    room: Mapped[Room] = relationship()
    request = relationship("ConsultationRequest", back_populates="room_bookings")

    __table_args__ = (
        Index("ix_room_bookings_busy", "room_id", "start", "end"),
        _no_overlap("ex_room_bookings_no_overlap", "room_id"),
    )


class Unavailability(db.Model):
    """A narasumber's leave or blocked period (times in UTC)."""

    __tablename__ = "narasumber_unavailability"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    narasumber_id: Mapped[int] = mapped_column(
        ForeignKey("narasumber_profiles.id", ondelete="CASCADE"), index=True
    )
    start: Mapped[datetime] = mapped_column(UTCDateTime)
    end: Mapped[datetime] = mapped_column(UTCDateTime)
    kind: Mapped[str] = mapped_column(String(16), default="leave")  # leave | blocked
    reason: Mapped[str | None] = mapped_column(String(200))

    narasumber: Mapped[NarasumberProfile] = relationship()
