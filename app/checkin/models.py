"""Front-desk visits: a delegation's arrival, guest by guest, and its departure.

A visit belongs to a face-to-face session, or (a walk-in) to no session, only to the Pemda
the receptionist picked. One visit per session: checking in twice finds the first.
"""

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import UnitType, User, service_user_name
from app.core.types import UTCDateTime, str_enum
from app.extensions import db
from app.regions.models import Region
from app.requests.models import ConsultationRequest


class Visit(db.Model):
    __tablename__ = "visits"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # NULL for a walk-in; unique otherwise (NULLs do not collide on SQLite or PostgreSQL).
    request_id: Mapped[int | None] = mapped_column(
        ForeignKey("consultation_requests.id", ondelete="CASCADE"), unique=True
    )
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    unit_type: Mapped[UnitType] = mapped_column(str_enum(UnitType, 16))
    walk_in: Mapped[bool] = mapped_column(Boolean, default=False)
    arrived_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    checked_in_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # None until the receptionist answers; then whether the regional head came.
    regional_head_present: Mapped[bool | None] = mapped_column(Boolean)
    checked_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    checked_out_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str | None] = mapped_column(Text)

    request: Mapped[ConsultationRequest | None] = relationship(
        backref=db.backref("visit", uselist=False, passive_deletes=True)
    )
    region: Mapped[Region] = relationship()
    checked_in_by: Mapped[User] = relationship(foreign_keys=[checked_in_by_id])
    checked_out_by: Mapped[User | None] = relationship(foreign_keys=[checked_out_by_id])
    guests: Mapped[list["VisitGuest"]] = relationship(
        back_populates="visit", cascade="all, delete-orphan", order_by="VisitGuest.position"
    )

    @property
    def service_user_name(self) -> str:
        return service_user_name(self.region.display_name, self.unit_type)


class VisitGuest(db.Model):
    __tablename__ = "visit_guests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(120))
    title: Mapped[str | None] = mapped_column(String(160))
    # True for a guest on the confirmed list, False for one added at the desk.
    on_list: Mapped[bool] = mapped_column(Boolean, default=True)
    present: Mapped[bool] = mapped_column(Boolean, default=False)
    is_regional_head: Mapped[bool] = mapped_column(Boolean, default=False)

    visit: Mapped[Visit] = relationship(back_populates="guests")
