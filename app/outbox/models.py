"""The outbox: every email is a row written in the same transaction as the change it is about.

A row is rendered when it is queued (subject, text, HTML, attachments) and delivered later by
app.outbox.sender: right after the commit in development and tests, by the scheduler's sender
job in production. `dedupe_key` is unique, so one email about one thing is stored (and sent)
once; `state` moves pending -> sending (claimed by one worker, with a lease) -> sent, or back
to pending with a later `next_attempt_at` after a failure, and to failed after the last attempt.
"""

import enum
from datetime import datetime

from sqlalchemy import JSON, Enum, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.types import UTCDateTime
from app.extensions import db


class OutboxState(enum.StrEnum):
    PENDING = "pending"  # waiting for its next attempt (next_attempt_at)
    SENDING = "sending"  # claimed by a worker until lease_until
    SENT = "sent"
    FAILED = "failed"  # gave up after the last attempt; an administrator may resend it


class OutboxMessage(db.Model):
    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    recipients: Mapped[list] = mapped_column(JSON)
    subject: Mapped[str] = mapped_column(String(300))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str | None] = mapped_column(Text)
    # [{"filename", "content_type" (may carry parameters: "text/calendar; method=REQUEST"),
    #   "content" (base64)}]
    attachments: Mapped[list] = mapped_column(JSON, default=list)
    # The template name, e.g. "scheduling/scheduled".
    kind: Mapped[str] = mapped_column(String(100), index=True)
    # The session (= request) the email is about, when there is one.
    request_id: Mapped[int | None] = mapped_column(
        ForeignKey("consultation_requests.id", ondelete="SET NULL"), index=True
    )
    # The HTTP request that queued the email (app.core.logs.request_id; its log line's
    # X-Request-ID), None when a job queued it.
    http_request_id: Mapped[str | None] = mapped_column(String(64))
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    state: Mapped[OutboxState] = mapped_column(
        Enum(OutboxState, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e]),
        default=OutboxState.PENDING,
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Who claimed the row and until when; after the lease a crashed worker's row is due again.
    locked_by: Mapped[str | None] = mapped_column(String(100))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    request = relationship("ConsultationRequest")

    __table_args__ = (
        Index("ix_outbox_messages_due", "state", "next_attempt_at"),
        # The administrators' outbox list, newest first (the table only grows).
        Index("ix_outbox_messages_created", "created_at", "id"),
    )

    def __repr__(self) -> str:
        return f"<OutboxMessage {self.id} {self.kind} {self.state}>"
