"""The row-level parts of the monthly report, in SQL: the session tables of the month (both
sources, one statement) and the service users who consulted most (a GROUP BY). See
app.reports.queries for the conventions (WIB months, held sessions of both sources).
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import String, case, cast, func, literal, null, select, type_coerce, union_all

from app.domain.policy import Mode
from app.extensions import db
from app.history.models import history_session_topics
from app.regions.models import Region
from app.reports.queries import CR, HS, held_in_month, history_in_month, service_user_sql
from app.requests.models import request_topics

# The session tables ---------------------------------------------------------------------

SEPARATOR = ","  # between topic ids in one aggregated string


@dataclass(frozen=True, slots=True)
class SessionLine:
    mode: Mode
    day: date  # WIB
    service_user: str
    topics: tuple[str, ...]  # in no particular order; build.py orders them as the taxonomy


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def _wib_day(column, dialect: str):
    """The WIB date (YYYY-MM-DD text) of an aware UTC column, computed by the database."""
    if dialect == "postgresql":
        return func.to_char(func.timezone("Asia/Jakarta", column), "YYYY-MM-DD")
    # SQLite keeps naive UTC text; Asia/Jakarta has been UTC+7 without DST since 1964.
    return func.date(column, "+7 hours")


def _ids(column, dialect: str):
    if dialect == "postgresql":
        return func.string_agg(cast(column, String), SEPARATOR)
    return func.group_concat(column, SEPARATOR)


def sessions(month: date, topics: dict[int, tuple[str, int]]) -> list[SessionLine]:
    """Every held session of the month, both sources, ordered by day (history first, then live
    by start): one statement, topic ids aggregated per session, dates and names made in SQL.
    Values come back as plain text (no per-row type processing) and are read here."""
    dialect = _dialect()
    live = (
        select(
            type_coerce(CR.mode, String).label("mode"),
            _wib_day(CR.scheduled_start, dialect).label("day"),
            literal(1).label("kind"),
            CR.scheduled_start.label("start"),
            CR.id.label("id"),
            service_user_sql(Region.display_name, CR.unit_type).label("service_user"),
            _ids(request_topics.c.topic_id, dialect).label("codes"),
        )
        .select_from(CR)
        .join(Region, Region.id == CR.region_id)
        .outerjoin(request_topics, request_topics.c.request_id == CR.id)
        .where(*held_in_month(month))
        .group_by(CR.id, CR.mode, CR.scheduled_start, CR.unit_type, Region.display_name)
    )
    history_day = (
        func.to_char(HS.session_date, "YYYY-MM-DD")
        if dialect == "postgresql"
        else type_coerce(HS.session_date, String)
    )
    history = (
        select(
            type_coerce(HS.mode, String),
            history_day,
            literal(0),
            cast(null(), CR.scheduled_start.type),
            HS.id,
            HS.service_user,
            _ids(history_session_topics.c.topic_id, dialect),
        )
        .select_from(HS)
        .outerjoin(history_session_topics, history_session_topics.c.session_id == HS.id)
        .where(*history_in_month(month))
        .group_by(HS.id, HS.mode, HS.session_date, HS.service_user)
    )
    both = union_all(live, history).subquery()
    rows = db.session.execute(
        select(both.c.mode, both.c.day, both.c.service_user, both.c.codes).order_by(
            both.c.day, both.c.kind, both.c.start, both.c.id
        )
    ).all()
    modes = {m.value: m for m in Mode}
    days: dict[str, date] = {}
    code_of = {str(tid): code for tid, (code, _) in topics.items()}
    lines = []
    for mode, day, who, ids in rows:
        when = days.get(day)
        if when is None:
            when = days[day] = date.fromisoformat(day)
        codes = tuple(code_of[i] for i in ids.split(SEPARATOR)) if ids else ()
        lines.append(SessionLine(modes[mode], when, who, codes))
    return lines


# Who consulted most ---------------------------------------------------------------------


def top_service_users(month: date) -> tuple[list[tuple[str, int]], int]:
    """The service user(s) with the most held sessions in the month (all of them when tied)."""
    live = (
        select(
            CR.region_id.label("region_id"),
            CR.unit_type.label("unit_type"),
            service_user_sql(Region.display_name, CR.unit_type).label("name"),
        )
        .select_from(CR)
        .join(Region, Region.id == CR.region_id)
        .where(*held_in_month(month))
    )
    history = (
        select(
            HS.region_id,
            HS.unit_type,
            case(
                (HS.region_id.is_(None), HS.service_user),
                else_=service_user_sql(Region.display_name, HS.unit_type),
            ),
        )
        .select_from(HS)
        .outerjoin(Region, Region.id == HS.region_id)
        .where(*history_in_month(month))
    )
    both = union_all(live, history).subquery()
    unresolved = case((both.c.region_id.is_(None), both.c.name), else_=cast(null(), String))
    per_user = (
        select(func.max(both.c.name).label("name"), func.count().label("n"))
        .group_by(both.c.region_id, both.c.unit_type, unresolved)
        .cte("per_user")
    )
    rows = db.session.execute(
        select(per_user.c.name, per_user.c.n)
        .where(per_user.c.n == select(func.max(per_user.c.n)).scalar_subquery())
        .order_by(per_user.c.name)
    ).all()
    return [(name, n) for name, n in rows], (rows[0][1] if rows else 0)
