"""Topics, rooms and narasumber profiles.

Narasumber: a DJPK resource person from a technical directorate who answers the Pemda's
questions on the topics they know.
"""

from sqlalchemy import JSON, Boolean, Column, ForeignKey, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import User
from app.extensions import db


class Topic(db.Model):
    __tablename__ = "topics"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)  # "DAU", as DJPK writes it
    name: Mapped[str] = mapped_column(String(160))  # "Dana Alokasi Umum"
    description: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    sort_order: Mapped[int] = mapped_column(Integer, default=100)

    def __repr__(self) -> str:
        return f"<Topic {self.code}>"


class Room(db.Model):
    __tablename__ = "rooms"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    floor: Mapped[str] = mapped_column(String(32))
    capacity: Mapped[int] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


narasumber_topics = Table(
    "narasumber_topics",
    db.Model.metadata,
    Column("narasumber_id", ForeignKey("narasumber_profiles.id", ondelete="CASCADE"), primary_key=True),
    Column("topic_id", ForeignKey("topics.id", ondelete="CASCADE"), primary_key=True),
)


class NarasumberProfile(db.Model):
    __tablename__ = "narasumber_profiles"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    unit: Mapped[str] = mapped_column(String(160))  # directorate
    # {"0": [["08:00", "16:00"]], ...}: Monday=0, times in WIB.
    working_hours: Mapped[dict] = mapped_column(JSON, default=dict)
    max_per_day: Mapped[int] = mapped_column(Integer, default=3)
    max_per_week: Mapped[int] = mapped_column(Integer, default=10)

    user: Mapped[User] = relationship()
    topics: Mapped[list[Topic]] = relationship(secondary=narasumber_topics)
