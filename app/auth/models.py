"""User accounts and roles.

A Pemda operator belongs to one region and one unit type: the executive (Pemda) or the
regional parliament (DPRD). Staff accounts (coordinator, narasumber, receptionist, admin)
belong to DJPK and have no region.
"""

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.types import UTCDateTime, str_enum
from app.extensions import db
from app.regions.models import Region


class Role(enum.StrEnum):
    PEMDA = "pemda"
    COORDINATOR = "coordinator"
    NARASUMBER = "narasumber"
    RECEPTIONIST = "receptionist"
    ADMIN = "admin"


STAFF_ROLES = (Role.COORDINATOR, Role.NARASUMBER, Role.RECEPTIONIST, Role.ADMIN)


class UnitType(enum.StrEnum):
    PEMDA = "pemda"  # the regional executive
    DPRD = "dprd"  # the regional parliament


def service_user_name(region_name: str, unit_type: "UnitType | str") -> str:
    """A Pemda as DJPK writes it: "Kab. Brebes", or "Kab. Brebes (DPRD)" for its parliament."""
    return f"{region_name} (DPRD)" if unit_type == UnitType.DPRD else region_name


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    phone: Mapped[str | None] = mapped_column(String(32))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(str_enum(Role), index=True)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"), index=True)
    unit_type: Mapped[UnitType | None] = mapped_column(str_enum(UnitType))
    locale: Mapped[str | None] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    activated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    activated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    deactivated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Bumped on password change and logout-everywhere; part of the login session id.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    # Second factor (TOTP, RFC 6238; app/auth/mfa.py). The secret is kept from the start of an
    # enrolment; the factor is on only once mfa_enabled_at is set (a code was confirmed).
    mfa_secret: Mapped[str | None] = mapped_column(String(64))
    mfa_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The last accepted TOTP time step: a code of that step or earlier is refused (replay).
    mfa_last_step: Mapped[int | None] = mapped_column(Integer)

    region: Mapped[Region | None] = relationship(foreign_keys=[region_id])

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @property
    def is_active(self) -> bool:
        return (
            self.email_verified_at is not None
            and self.activated_at is not None
            and self.deactivated_at is None
        )

    @property
    def mfa_enabled(self) -> bool:
        return self.mfa_enabled_at is not None

    @property
    def mfa_required(self) -> bool:
        """Staff must use a second factor; a Pemda operator may turn it on."""
        return self.role in STAFF_ROLES

    @property
    def is_pemda(self) -> bool:
        return self.role == Role.PEMDA

    def has_role(self, *roles: Role | str) -> bool:
        return self.role in {Role(r) for r in roles}

    @property
    def service_user_name(self) -> str | None:
        """How DJPK writes the Pemda this user works for: "Kab. Brebes (DPRD)"."""
        if self.region is None:
            return None
        return service_user_name(self.region.display_name, self.unit_type)

    @property
    def timezone(self) -> str:
        return self.region.timezone if self.region else "Asia/Jakarta"

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"


class MfaRecoveryCode(db.Model):
    """One of a user's one-time recovery codes, stored as SHA-256 of a 60-bit random code."""

    __tablename__ = "mfa_recovery_codes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
