"""Provinces and regencies/cities of Indonesia (from idn-area-data, ODbL)."""

import enum

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.types import str_enum
from app.extensions import db


class RegionKind(enum.StrEnum):
    PROVINCE = "province"
    REGENCY = "regency"  # kabupaten
    CITY = "city"  # kota


class Region(db.Model):
    __tablename__ = "regions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(8), unique=True)  # "32" or "32.01"
    kind: Mapped[RegionKind] = mapped_column(str_enum(RegionKind))
    official_name: Mapped[str] = mapped_column(String(128))  # "KABUPATEN BREBES"
    name: Mapped[str] = mapped_column(String(128))  # "Brebes"
    display_name: Mapped[str] = mapped_column(String(140), index=True)  # "Kab. Brebes"
    province_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"))
    timezone: Mapped[str] = mapped_column(String(32))  # IANA name

    province: Mapped["Region | None"] = relationship(remote_side=[id])

    def __repr__(self) -> str:
        return f"<Region {self.code} {self.display_name}>"
