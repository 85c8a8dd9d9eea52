"""What the invites remember between changes: the SEQUENCE of each session's invite, and the
secret tokens of personal calendar feeds."""

import enum
from datetime import datetime

from sqlalchemy import JSON, Enum, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.core.types import UTCDateTime
from app.extensions import db


class InviteState(db.Model):
    """The invite of one session (= one request) as last announced to its participants."""

    __tablename__ = "invite_states"

    request_id: Mapped[int] = mapped_column(
        ForeignKey("consultation_requests.id", ondelete="CASCADE"), primary_key=True
    )
    # RFC 5545 SEQUENCE: 0 when first scheduled, +1 on every reschedule or cancellation.
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    last_method: Mapped[str] = mapped_column(String(16))  # REQUEST | CANCEL
    # Who the last invite went to ([[email, name, role], ...]): a CANCEL goes to them,
    # even though cancelling releases the narasumber's assignments.
    attendees: Mapped[list] = mapped_column(JSON, default=list)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class FeedKind(enum.StrEnum):
    NARASUMBER = "narasumber"  # owner_id: narasumber_profiles.id
    ROOM = "room"  # owner_id: rooms.id


class FeedToken(db.Model):
    """A secret feed URL (/kalender/<token>.ics); revoked tokens answer 404 for ever."""

    __tablename__ = "feed_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[FeedKind] = mapped_column(
        Enum(FeedKind, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e])
    )
    owner_id: Mapped[int] = mapped_column(Integer)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_feed_tokens_owner", "kind", "owner_id"),)

    @property
    def active(self) -> bool:
        return self.revoked_at is None
