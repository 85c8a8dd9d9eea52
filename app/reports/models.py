"""Who receives the monthly report by email (set by an administrator), and the built reports
kept until their data changes (app.reports.snapshots)."""

from datetime import date, datetime

from sqlalchemy import BigInteger, Boolean, Date, ForeignKey, Integer, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column

from app.core.types import UTCDateTime
from app.extensions import db


class ReportRecipient(db.Model):
    __tablename__ = "report_recipients"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str | None] = mapped_column(String(120))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class ReportDataVersion(db.Model):
    """One row: a number raised by every commit that changes what a report is made of
    (app.reports.snapshots). A snapshot is served only while this number is the one it was
    built at."""

    __tablename__ = "report_data_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


class ReportSnapshot(db.Model):
    """The built report of one month (its documented JSON) and the data version it was built
    at. Rebuilt on the next read after any change; never the source of a figure by itself."""

    __tablename__ = "report_snapshots"

    month: Mapped[date] = mapped_column(Date, primary_key=True)
    data_version: Mapped[int] = mapped_column(BigInteger)
    code_version: Mapped[str] = mapped_column(String(16))  # snapshots.report_code()
    payload: Mapped[str] = mapped_column(Text)
    built_at: Mapped[datetime] = mapped_column(UTCDateTime)


@event.listens_for(ReportDataVersion.__table__, "after_create")
def _first_version(target, connection, **kw) -> None:
    """create_all() (tests, the benchmark) gets the row the migration inserts."""
    connection.execute(target.insert().values(id=1, value=0))
