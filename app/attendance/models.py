"""The attendance confirmation: the final delegation a Pemda confirms before its session.

One per session. The Pemda may change it until the policy's deadline; after that it is what
the front desk checks against. The requested delegation (DelegationMember) stays as it was.
"""

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import User
from app.core.types import UTCDateTime
from app.extensions import db
from app.requests.models import ConsultationRequest


class AttendanceConfirmation(db.Model):
    __tablename__ = "attendance_confirmations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("consultation_requests.id", ondelete="CASCADE"), unique=True
    )
    regional_head_attends: Mapped[bool] = mapped_column(Boolean, default=False)
    confirmed_at: Mapped[datetime] = mapped_column(UTCDateTime)  # first confirmation
    confirmed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)  # last change
    updated_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # Raised on every change, so that a stale form cannot overwrite a newer confirmation.
    version: Mapped[int] = mapped_column(Integer, default=1)

    request: Mapped[ConsultationRequest] = relationship(
        backref=db.backref("confirmation", uselist=False, cascade="all, delete-orphan")
    )
    confirmed_by: Mapped[User] = relationship(foreign_keys=[confirmed_by_id])
    updated_by: Mapped[User] = relationship(foreign_keys=[updated_by_id])
    guests: Mapped[list["ConfirmedGuest"]] = relationship(
        back_populates="confirmation", cascade="all, delete-orphan", order_by="ConfirmedGuest.position"
    )


class ConfirmedGuest(db.Model):
    __tablename__ = "confirmed_guests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    confirmation_id: Mapped[int] = mapped_column(
        ForeignKey("attendance_confirmations.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(120))
    title: Mapped[str] = mapped_column(String(160))  # jabatan
    is_regional_head: Mapped[bool] = mapped_column(Boolean, default=False)

    confirmation: Mapped[AttendanceConfirmation] = relationship(back_populates="guests")
