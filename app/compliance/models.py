"""Breach records: each breach of the rules, against a Pemda and, where there is one, a
session. Never deleted: a mistaken record is voided with a reason. Type codes come from the
catalogue in app.domain.breaches.
"""

import enum
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import UnitType, User, service_user_name
from app.core.files import StoredFile
from app.core.types import UTCDateTime, str_enum
from app.extensions import db
from app.regions.models import Region
from app.requests.models import ConsultationRequest


class RecordedBy(enum.StrEnum):
    SYSTEM = "system"  # a job, or a rule applied to what the front desk entered
    RECEPTIONIST = "receptionist"
    COORDINATOR = "coordinator"


class Breach(db.Model):
    __tablename__ = "breaches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    type_code: Mapped[str] = mapped_column(String(32))
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    unit_type: Mapped[UnitType] = mapped_column(str_enum(UnitType, 16))
    request_id: Mapped[int | None] = mapped_column(
        ForeignKey("consultation_requests.id", ondelete="SET NULL"), index=True
    )
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visits.id", ondelete="SET NULL"), index=True)
    recorded_by_kind: Mapped[RecordedBy] = mapped_column(str_enum(RecordedBy, 16))
    # The person at whose action it was recorded (the receptionist for a desk rule); None
    # for a scheduler job.
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The numbers behind it, e.g. {"allowed": 5, "came": 7, "over": 2}.
    evidence: Mapped[dict] = mapped_column(JSON, default=dict)
    note: Mapped[str | None] = mapped_column(Text)
    # An optional evidence file (photo, scan) kept in the database, as request letters are.
    evidence_filename: Mapped[str | None] = mapped_column(String(255))
    evidence_file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_files.id"), unique=True)
    evidence_content_type: Mapped[str | None] = mapped_column(String(100))
    evidence_size: Mapped[int | None] = mapped_column(Integer)
    # One record per fact: "<type>:visit:<id>", "no_show:request:<id>", ...; NULL for a
    # breach recorded by hand.
    dedupe_key: Mapped[str | None] = mapped_column(String(120), unique=True)
    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    voided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    void_reason: Mapped[str | None] = mapped_column(Text)

    region: Mapped[Region] = relationship()
    request: Mapped[ConsultationRequest | None] = relationship()
    recorded_by: Mapped[User | None] = relationship(foreign_keys=[recorded_by_id])
    voided_by: Mapped[User | None] = relationship(foreign_keys=[voided_by_id])
    evidence_file: Mapped[StoredFile | None] = relationship(cascade="all, delete-orphan", single_parent=True)

    __table_args__ = (
        Index("ix_breaches_pemda_time", "region_id", "unit_type", "recorded_at"),
        # The ledger's month filter and the monthly report (read from this index alone).
        Index("ix_breaches_report", "recorded_at", "voided_at", "type_code", "region_id", "unit_type"),
        # The ledger's counts per type and its type filter (live rows, newest first).
        Index("ix_breaches_type", "type_code", "voided_at", "recorded_at"),
        # The unfiltered ledger's counts per type: live rows only, counted from the index alone.
        Index(
            "ix_breaches_live_type",
            "type_code",
            postgresql_where=text("voided_at IS NULL"),
            sqlite_where=text("voided_at IS NULL"),
        ),
    )

    @property
    def service_user_name(self) -> str:
        return service_user_name(self.region.display_name, self.unit_type)

    @property
    def voided(self) -> bool:
        return self.voided_at is not None
