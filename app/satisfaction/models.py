"""One rating per held session, given by an operator of the Pemda that held it."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, SmallInteger, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import User
from app.core.types import UTCDateTime
from app.extensions import db
from app.requests.models import ConsultationRequest


class SatisfactionRating(db.Model):
    __tablename__ = "satisfaction_ratings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("consultation_requests.id", ondelete="CASCADE"), unique=True
    )
    service_score: Mapped[int] = mapped_column(SmallInteger)  # the service, 1-5
    substance_score: Mapped[int] = mapped_column(SmallInteger)  # the substance of the answer, 1-5
    comment: Mapped[str | None] = mapped_column(Text)
    rated_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    rated_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)

    request: Mapped[ConsultationRequest] = relationship(
        backref=db.backref("rating", uselist=False, passive_deletes=True)
    )
    rated_by: Mapped[User] = relationship()

    __table_args__ = (
        CheckConstraint("service_score BETWEEN 1 AND 5", name="service_score_range"),
        CheckConstraint("substance_score BETWEEN 1 AND 5", name="substance_score_range"),
    )
