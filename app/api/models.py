"""API access tokens: a personal token of a user, or an integration token an administrator
makes for another system (DJPK's contact-centre CRM) to act as one account.

Only the SHA-256 of a token is stored; the token itself is shown once, when it is made. A token
acts with the role and the records of its owner (a Pemda's token sees that Pemda only), and
only for the scopes it was given (app.api.scopes), until it expires or is revoked.
"""

import enum
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import User
from app.core.types import UTCDateTime, str_enum
from app.extensions import db


class TokenKind(enum.StrEnum):
    PERSONAL = "personal"  # made by its owner, for their own scripts
    INTEGRATION = "integration"  # made by an administrator, for another system


class ApiToken(db.Model):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[TokenKind] = mapped_column(str_enum(TokenKind, 16))
    name: Mapped[str] = mapped_column(String(100))
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    scopes: Mapped[list] = mapped_column(JSON)
    # hex SHA-256 of the whole token; the first characters are kept to tell tokens apart.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    owner: Mapped[User] = relationship(foreign_keys=[owner_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])

    __table_args__ = (Index("ix_api_tokens_kind_created", "kind", "created_at"),)

    def is_usable(self, now: datetime) -> bool:
        return self.revoked_at is None and now < self.expires_at

    def __repr__(self) -> str:
        return f"<ApiToken {self.id} {self.prefix} {self.kind}>"


class IdempotencyKey(db.Model):
    """A POST that created something, under the Idempotency-Key its caller sent: the same key
    again (a retry) answers with what was created, never creates a second one.

    Unique per owner and key, and written in the transaction that creates the thing: of two
    calls with one key at the same moment, the second's commit is refused and it answers with
    the first's result (app.api.idempotency).
    """

    __tablename__ = "api_idempotency_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(255))
    # SHA-256 of the method, path and body: the same key with another body is refused.
    fingerprint: Mapped[str] = mapped_column(String(64))
    # What was created: its kind ("request", "breach", ...) and id, answered again on a retry.
    kind: Mapped[str] = mapped_column(String(32))
    object_id: Mapped[int] = mapped_column(Integer)
    status: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)

    __table_args__ = (UniqueConstraint("owner_id", "key", name="uq_api_idempotency_keys_owner_key"),)
