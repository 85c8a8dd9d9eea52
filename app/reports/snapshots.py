"""Built reports kept until their data changes.

A month's report is built from scratch (app.reports.build, six statements) the
first time it is read after a change, and stored with the data version it was built at
(ReportSnapshot). Later reads of the same month are served from the snapshot while the data
version is unchanged: the page, the exports, the CLI and the email job read the same figures
either way. The scheduler's `report_snapshots` job rebuilds this month's and last month's
after a change, so that coordinators rarely wait for a build.

The data version (one row, ReportDataVersion) is raised by every commit that inserts, updates
or deletes something a report is made of: sessions (live and imported) and their topics,
breaches, ratings, regions and topics (and the narasumber assignments, for the figures other
pages keep under the same version: app.core.kept). The raise is part of the committing transaction, so
"data committed" and "version raised" become visible together. It runs last, just before the
COMMIT, so the row lock it takes is held only while committing and never before another lock
(no deadlock with the row locks a booking takes).

Why a snapshot is never stale: a reader reads the version first and builds after. A commit
that becomes visible before that read is in the build; one that becomes visible after it has
raised the version past the one the snapshot is stored under, so that snapshot is never
served. The store itself only moves a month's snapshot forward (an older build never
overwrites a newer one). A snapshot also records the fingerprint of the code that built it
(report_code()): after a deploy that changes how reports are made, old ones are not served.

Writes the ORM does not see (SQL typed in a console) are not counted: `flask report
clear-snapshots` raises the version and drops the snapshots, as every migration does
(migrations/env.py).
"""

import hashlib
import importlib
import json
import logging
from collections.abc import Callable
from datetime import date
from functools import cache
from pathlib import Path
from typing import TypeVar

from sqlalchemy import delete, event, inspect, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import TextClause

from app.core import kept
from app.core.clock import now_utc
from app.domain.months import month_of
from app.domain.policy import Mode
from app.extensions import db
from app.reports.build import (
    Breaches,
    ModeSection,
    MonthlyReport,
    SessionRow,
    TrendPoint,
    build_report,
)
from app.reports.models import ReportDataVersion, ReportSnapshot
from app.reports.queries import dialect
from app.satisfaction.queries import Averages

log = logging.getLogger(__name__)

# What a report is made of. A change to any row of these tables raises the data version.
SOURCE_TABLES = frozenset(
    {
        "consultation_requests",
        "request_topics",
        "history_sessions",
        "history_session_topics",
        "breaches",
        "satisfaction_ratings",
        "regions",
        "topics",
        # Not in the report, but in the satisfaction page's figures per narasumber, which
        # are kept under the same version (app.satisfaction.queries.per_narasumber).
        "narasumber_assignments",
    }
)
# What a report reads of a request. A request is in a report only once it has a scheduled
# start (held, cancelled and no-show sessions are counted by it): submitting, editing, sending
# back or rejecting a request never scheduled changes no report, nor does any other column
# (agenda, contacts, notes, letters) of any request. A scheduled request's state changes
# (confirmed, held...) all count: what matters is what is written, not the state it was read in.
# The queue's counts of sessions per state (app.scheduling.queue.state_counts) are kept under
# the same version, and read these columns too (the mode and the start filter them).
REQUEST_COLUMNS = ("state", "scheduled_start", "mode", "region_id", "unit_type", "topics")
# The code that makes a report: its fingerprint is part of a snapshot's key.
REPORT_MODULES = (
    "app.reports.build",
    "app.reports.queries",
    "app.reports.tables",
    "app.reports.text",
    "app.domain.report_text",
    "app.domain.breaches",
    "app.domain.months",
    "app.satisfaction.queries",
    __name__,
)
FLAG = "report_data_changed"
T = TypeVar("T")


# Raising the data version ---------------------------------------------------------------


def _table_of(obj) -> str | None:
    table = getattr(type(obj), "__table__", None)
    return table.name if table is not None else None


def _scheduled(obj) -> bool:
    """Whether a request has, or had before this flush, a scheduled start. A start set over an
    old value that was never loaded counts as scheduled: the old one may have been."""
    state = inspect(obj)
    history = state.attrs.scheduled_start.load_history()
    if state.persistent and history.added and not history.deleted:
        return True
    return any(value is not None for value in (*history.added, *history.unchanged, *history.deleted))


def _listed(obj) -> bool:
    """A new or deleted row: is it part of some report?"""
    table = _table_of(obj)
    if table not in SOURCE_TABLES:
        return False
    return table != "consultation_requests" or _scheduled(obj)


def _changed(obj) -> bool:
    """A changed row: does some report show the change? Decided on what was changed, not on
    the state the row was loaded with (another transaction may have changed it since)."""
    table = _table_of(obj)
    if table not in SOURCE_TABLES:
        return False
    if table != "consultation_requests":
        return True
    attrs = inspect(obj).attrs
    return any(attrs[name].history.has_changes() for name in REQUEST_COLUMNS) and _scheduled(obj)


@event.listens_for(Session, "before_flush")
def _note_flushed_changes(session, flush_context, instances) -> None:
    if session.info.get(FLAG):
        return
    if any(_listed(obj) for obj in (*session.new, *session.deleted)) or any(
        _changed(obj) for obj in session.dirty
    ):
        session.info[FLAG] = True


@event.listens_for(Session, "do_orm_execute")
def _note_statement_changes(state) -> None:
    """Bulk INSERT/UPDATE/DELETE statements run through the session (the history import)."""
    statement = state.statement
    if isinstance(statement, TextClause):
        if not statement.text.lstrip().lower().startswith(("select", "with")):
            state.session.info[FLAG] = True
        return
    if state.is_insert or state.is_update or state.is_delete:
        table = getattr(statement, "table", None)
        if table is None or getattr(table, "name", None) in SOURCE_TABLES:
            state.session.info[FLAG] = True


def raise_version(session) -> None:
    """Raise the report data version in `session`'s transaction: every stored report is out of
    date once it commits."""
    session.execute(
        update(ReportDataVersion)
        .where(ReportDataVersion.id == 1)
        .values(value=ReportDataVersion.value + 1)
        .execution_options(synchronize_session=False)
    )


@event.listens_for(Session, "before_commit")
def _raise_version(session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint: the outer commit raises it
    session.flush()  # what the commit would flush is noted first
    if session.info.get(FLAG):
        raise_version(session)


@event.listens_for(Session, "after_transaction_end")
def _forget_changes(session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(FLAG, None)


@cache
def report_code() -> str:
    """The fingerprint of the code that makes a report (REPORT_MODULES)."""
    digest = hashlib.sha256()
    for name in REPORT_MODULES:
        digest.update(Path(importlib.import_module(name).__file__).read_bytes())
    return digest.hexdigest()[:16]


# Serving a month ------------------------------------------------------------------------


def report_json(month: date) -> dict:
    """The documented JSON of `month`'s report: the snapshot when it is current, else built
    now and stored (in the caller's transaction: the caller commits it, or it is dropped)."""
    return _served(month.replace(day=1))[0]


def monthly_report(month: date) -> MonthlyReport:
    """`month`'s report as the page and the exports use it (from report_json)."""
    return report_from_json(report_json(month))


def data_version() -> int | None:
    """The report data version this transaction sees: what a result computed from breaches,
    sessions, ratings, regions or topics can be kept under (app.core.kept). None when this
    transaction changed such data and has not committed yet (nothing may be kept then)."""
    db.session.flush()
    if db.session.info.get(FLAG):
        return None
    return db.session.scalar(select(ReportDataVersion.value).where(ReportDataVersion.id == 1))


def kept_under_version(name: str, size: int, key: tuple, make: Callable[[], T]) -> T:
    """`make()`, kept in this process's store `name` (app.core.kept, `size` entries) under the
    report data version and `key`: made once per version for what it reads of report data.
    Made afresh, and not kept, when this transaction changed report data not yet committed."""
    version = data_version()
    if version is None:
        return make()
    return kept.store(name, size).get_or_make((version, *key), make)


def stored_key(month: date) -> tuple | None:
    """What tells `month`'s current snapshot apart from every other (the month, the data
    version, the code's fingerprint and when it was built), or None when no current one is
    stored or this transaction changed report data not yet committed. Reads no payload."""
    month = month.replace(day=1)
    db.session.flush()
    if db.session.info.get(FLAG):
        return None
    found = db.session.execute(
        select(ReportSnapshot.data_version, ReportSnapshot.built_at)
        .join(ReportDataVersion, ReportSnapshot.data_version == ReportDataVersion.value)
        .where(
            ReportDataVersion.id == 1,
            ReportSnapshot.month == month,
            ReportSnapshot.code_version == report_code(),
        )
    ).one_or_none()
    return None if found is None else (month, *found, report_code())


def refresh(months: list[date]) -> int:
    """Build and store the report of each month whose stored one is missing or out of date,
    one commit per month; how many were built (the scheduler's `report_snapshots` job)."""
    built = 0
    for month in months:
        built += _served(month.replace(day=1))[1]
        db.session.commit()
    return built


def clear() -> int:
    """Raise the data version and drop every snapshot (a build running now stores its report
    under the old version, never served); how many snapshots there were."""
    raise_version(db.session)
    return db.session.execute(delete(ReportSnapshot)).rowcount


def _served(month: date) -> tuple[dict, bool]:
    """(the report's JSON, whether it was built now)."""
    db.session.flush()
    if db.session.info.get(FLAG):
        # This transaction changed report data not yet committed: build from what it sees,
        # store nothing (the commit raises the version anyway).
        return build_report(month).to_json(), True
    version, payload = db.session.execute(
        select(ReportDataVersion.value, ReportSnapshot.payload)
        .outerjoin(
            ReportSnapshot,
            (ReportSnapshot.month == month)
            & (ReportSnapshot.data_version == ReportDataVersion.value)
            & (ReportSnapshot.code_version == report_code()),
        )
        .where(ReportDataVersion.id == 1)
    ).one_or_none() or (None, None)
    if payload is not None:
        return json.loads(payload), False
    data = build_report(month).to_json()
    from app.ops.metrics import SNAPSHOT_REBUILDS

    SNAPSHOT_REBUILDS.inc()
    if version is not None and month <= month_of(now_utc()):
        _store(month, version, data)  # months to come are not kept: nothing is held in them yet
    return data, True


def _store(month: date, version: int, data: dict) -> None:
    """Keep `data` as `month`'s report built at `version`, unless a newer build is kept. A lock
    held longer than the database lets a statement wait only costs the keeping, not the read."""
    table = ReportSnapshot.__table__
    values = {
        "month": month,
        "data_version": version,
        "code_version": report_code(),
        "payload": json.dumps(data, ensure_ascii=False, separators=(",", ":")),
        "built_at": now_utc(),
    }
    sqlite = dialect() == "sqlite"
    insert = sqlite_insert if sqlite else pg_insert
    statement = insert(table).values(**values)
    excluded = statement.excluded
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.month],
        set_={name: excluded[name] for name in ("data_version", "code_version", "payload", "built_at")},
        where=(table.c.data_version < excluded.data_version)
        | ((table.c.data_version == excluded.data_version) & (table.c.code_version != excluded.code_version)),
    )
    try:
        if sqlite:  # pysqlite's savepoints are unreliable; a failed statement leaves SQLite's
            db.session.execute(statement)  # transaction usable anyway
        else:
            with db.session.begin_nested():
                db.session.execute(statement)
    except OperationalError:  # locked longer than the database lets a statement wait
        log.warning("the %s report was not kept: the database is busy", f"{month:%Y-%m}")


# From the JSON back to the report -------------------------------------------------------

MODES = {"video_conference": Mode.VC, "face_to_face": Mode.FTF}


def report_from_json(data: dict) -> MonthlyReport:
    """The MonthlyReport whose to_json() is `data` (tests/reports/test_snapshots.py)."""
    sections = {key: _section(mode, data[key]) for key, mode in MODES.items()}
    breaches = data["breaches"]
    satisfaction = data["satisfaction"]
    return MonthlyReport(
        month=date.fromisoformat(data["month"] + "-01"),
        video_conference=sections["video_conference"],
        face_to_face=sections["face_to_face"],
        trend=[
            TrendPoint(date.fromisoformat(p["month"] + "-01"), p["video_conference"], p["face_to_face"])
            for p in data["trend"]
        ],
        breaches=Breaches(
            total=breaches["total"],
            by_type=[(b["code"], b["label"], b["count"]) for b in breaches["by_type"]],
            by_pemda=[(b["service_user"], b["count"]) for b in breaches["by_pemda"]],
        ),
        top_service_users=[(u["service_user"], u["count"]) for u in data["top_service_users"]],
        satisfaction=Averages(
            count=satisfaction["ratings"],
            raters=satisfaction["raters"],
            service=satisfaction["service"],
            substance=satisfaction["substance"],
        ),
        summary=list(data["summary"]),
    )


def _section(mode: Mode, data: dict) -> ModeSection:
    return ModeSection(
        mode=mode,
        count=data["count"],
        cancelled=data["cancelled"],
        no_show=data["no_show"],
        top_topics=list(data["top_topics"]),
        topic_counts=[(t["code"], t["count"]) for t in data["topic_counts"]],
        sessions=[
            SessionRow(s["no"], s["service_user"], date.fromisoformat(s["date"]), tuple(s["topics"]))
            for s in data["sessions"]
        ],
        previous=data["previous_month"],
        year_before=data["same_month_last_year"],
    )
