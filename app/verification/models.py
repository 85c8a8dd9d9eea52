"""The log of public look-ups at /verifikasi: every one, whatever the answer."""

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.core.types import UTCDateTime
from app.extensions import db


class VerificationLookup(db.Model):
    __tablename__ = "verification_lookups"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    looked_up_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    code_entered: Mapped[str] = mapped_column(String(40))  # as typed, cut to 40 characters
    result: Mapped[str] = mapped_column(String(16))  # genuine | cancelled | not_found
    request_id: Mapped[int | None] = mapped_column(
        ForeignKey("consultation_requests.id", ondelete="SET NULL")
    )
    client_ip: Mapped[str | None] = mapped_column(String(64))
    via_qr: Mapped[bool] = mapped_column(default=False)
