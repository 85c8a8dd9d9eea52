"""Consultation requests, with their preferred time windows, delegation and letter."""

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import UnitType, User, service_user_name
from app.catalog.models import Room, Topic
from app.core.files import StoredFile
from app.core.types import UTCDateTime, str_enum
from app.domain.policy import Mode
from app.domain.states import RequestState
from app.extensions import db
from app.policy.models import PolicyVersion
from app.regions.models import Region

request_topics = Table(
    "request_topics",
    db.Model.metadata,
    Column("request_id", ForeignKey("consultation_requests.id", ondelete="CASCADE"), primary_key=True),
    Column("topic_id", ForeignKey("topics.id"), primary_key=True),
)


class ConsultationRequest(db.Model):
    __tablename__ = "consultation_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # The service user: a region and its unit (executive or DPRD).
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    unit_type: Mapped[UnitType] = mapped_column(str_enum(UnitType, 16))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    mode: Mapped[Mode] = mapped_column(str_enum(Mode, 8))
    state: Mapped[RequestState] = mapped_column(str_enum(RequestState, 24), index=True)
    agenda: Mapped[str] = mapped_column(Text)
    contact_name: Mapped[str] = mapped_column(String(120))
    contact_email: Mapped[str] = mapped_column(String(254))
    contact_phone: Mapped[str] = mapped_column(String(32))
    policy_version_id: Mapped[int | None] = mapped_column(ForeignKey("policy_versions.id"))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The reason given with the last decision (changes requested, rejection, cancellation).
    state_reason: Mapped[str | None] = mapped_column(Text)
    # Set when DJPK schedules the session.
    scheduled_start: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    scheduled_end: Mapped[datetime | None] = mapped_column(UTCDateTime)
    room_id: Mapped[int | None] = mapped_column(ForeignKey("rooms.id"))
    meeting_url: Mapped[str | None] = mapped_column(String(500))
    regional_head_attends: Mapped[bool] = mapped_column(Boolean, default=False)
    # Given when DJPK schedules the session (app.domain.booking_codes), kept for its life.
    booking_code: Mapped[str | None] = mapped_column(String(16), unique=True)
    # Set by the confirmation-deadline job when the deadline passed without a confirmation.
    unconfirmed_flagged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A face-to-face request of a Pemda over the breach threshold is approved only with a
    # coordinator's explicit override (app.compliance).
    breach_override_reason: Mapped[str | None] = mapped_column(Text)
    breach_override_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    breach_override_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The one-time token of the form that submitted the request (app.core.once.new_token).
    # Unique, so the same form posted twice (Back and send again, a double click, two posts
    # at the same moment) makes one request; the second post is shown the first.
    submission_token: Mapped[str | None] = mapped_column(String(32), unique=True)

    region: Mapped[Region] = relationship()
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    policy_version: Mapped[PolicyVersion | None] = relationship()
    room: Mapped[Room | None] = relationship()
    topics: Mapped[list[Topic]] = relationship(secondary=request_topics, order_by=Topic.sort_order)
    windows: Mapped[list["PreferredWindow"]] = relationship(
        back_populates="request", cascade="all, delete-orphan", order_by="PreferredWindow.position"
    )
    delegation: Mapped[list["DelegationMember"]] = relationship(
        back_populates="request", cascade="all, delete-orphan", order_by="DelegationMember.position"
    )
    letter: Mapped["RequestLetter | None"] = relationship(
        back_populates="request", cascade="all, delete-orphan", uselist=False
    )
    assignments = relationship(
        "NarasumberAssignment",
        back_populates="request",
        cascade="all, delete-orphan",
        order_by="NarasumberAssignment.id",
    )
    room_bookings = relationship(
        "RoomBooking", back_populates="request", cascade="all, delete-orphan", order_by="RoomBooking.id"
    )

    # The monthly report reads a month's sessions from this index alone (app.reports).
    __table_args__ = (
        Index(
            "ix_consultation_requests_report",
            "scheduled_start",
            "state",
            "mode",
            "region_id",
            "unit_type",
            postgresql_include=["id"],
        ),
        # A Pemda's own requests, newest first, one page at a time (its dashboard).
        Index("ix_consultation_requests_pemda", "region_id", "unit_type", "submitted_at", "id"),
        # The coordinators' queue: one state, in order of submission.
        Index("ix_consultation_requests_queue", "state", "submitted_at", "id"),
        # The queue's counts per state under a mode filter ("held, face to face").
        Index("ix_consultation_requests_mode_state", "mode", "state"),
    )

    @property
    def service_user_name(self) -> str:
        """As DJPK writes it: "Kab. Brebes (DPRD)"."""
        return service_user_name(self.region.display_name, self.unit_type)

    @property
    def booking_code_display(self) -> str:
        from app.domain.booking_codes import display

        return display(self.booking_code)

    @property
    def reference(self) -> str:
        return f"KNS-{self.submitted_at:%Y}-{self.id:05d}"


class PreferredWindow(db.Model):
    __tablename__ = "preferred_windows"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("consultation_requests.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    start: Mapped[datetime] = mapped_column(UTCDateTime)
    end: Mapped[datetime] = mapped_column(UTCDateTime)

    request: Mapped[ConsultationRequest] = relationship(back_populates="windows")


class DelegationMember(db.Model):
    __tablename__ = "delegation_members"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("consultation_requests.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(120))
    title: Mapped[str] = mapped_column(String(160))  # jabatan
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(32))
    is_regional_head: Mapped[bool] = mapped_column(Boolean, default=False)

    request: Mapped[ConsultationRequest] = relationship(back_populates="delegation")


class RequestLetter(db.Model):
    """Surat Permintaan Konsultasi/Audiensi: the request letter, a PDF kept in the database."""

    __tablename__ = "request_letters"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("consultation_requests.id", ondelete="CASCADE"), unique=True
    )
    number: Mapped[str] = mapped_column(String(120), index=True)
    letter_date: Mapped[date] = mapped_column(Date)
    signatory: Mapped[str] = mapped_column(String(160))
    addressee: Mapped[str] = mapped_column(String(200))
    original_filename: Mapped[str] = mapped_column(String(255))
    # The PDF (app.core.files); a replaced one is deleted with the change that replaces it.
    file_id: Mapped[int] = mapped_column(ForeignKey("stored_files.id"), unique=True)
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    request: Mapped[ConsultationRequest] = relationship(back_populates="letter")
    file: Mapped[StoredFile] = relationship(cascade="all, delete-orphan", single_parent=True)
