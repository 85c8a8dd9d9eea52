"""The row-level parts of the monthly report, in SQL: the session tables of the month (both
sources, one statement) and the service users who consulted most (a GROUP BY). See
app.reports.queries for the conventions (WIB months, held sessions of both sources).
"""

from collections import Counter
from datetime import date
from functools import cache

from sqlalchemy import Date, String, case, cast, func, literal, null, select, type_coerce, union_all

from app.domain.policy import Mode
from app.history.models import history_session_topics
from app.regions.models import Region
from app.reports.queries import (
    CR,
    HS,
    dialect,
    execute,
    held_in_month,
    history_in_month,
    month_params,
    service_user_sql,
)
from app.requests.models import request_topics

# The session tables ---------------------------------------------------------------------

SEPARATOR = ","  # between topic ids in one aggregated string


# One row of a session table: (WIB day, service user, topic codes in the taxonomy's order).
# A plain tuple: a busy month has thousands of them.
Line = tuple[date, str, tuple[str, ...]]


def wib_day(column, dialect: str):
    """The WIB date of an aware UTC column, computed by the database: a DATE on PostgreSQL
    (the driver reads it natively, and dates sort faster than text), YYYY-MM-DD text on SQLite."""
    if dialect == "postgresql":
        return cast(func.timezone("Asia/Jakarta", column), Date)
    # SQLite keeps naive UTC text; Asia/Jakarta has been UTC+7 without DST since 1964.
    return func.date(column, "+7 hours")


def _ids(link, key, session_id, dialect: str):
    """The topic ids of one session as text, a scalar subquery on the link table: its primary
    key (session, topic) answers it in topic order, whereas a join plus GROUP BY makes
    PostgreSQL hash the whole link table."""
    if dialect == "postgresql":
        ids = func.string_agg(cast(link.c.topic_id, String), SEPARATOR)
    else:
        ids = func.group_concat(link.c.topic_id, SEPARATOR)
    return select(ids).where(key == session_id).scalar_subquery()


@cache
def _sessions(dialect: str):
    live = (
        select(
            type_coerce(CR.mode, String).label("mode"),
            wib_day(CR.scheduled_start, dialect).label("day"),
            literal(1).label("kind"),
            CR.scheduled_start.label("start"),
            CR.id.label("id"),
            service_user_sql(Region.display_name, CR.unit_type).label("service_user"),
            _ids(request_topics, request_topics.c.request_id, CR.id, dialect).label("codes"),
        )
        .select_from(CR)
        .join(Region, Region.id == CR.region_id)
        .where(*held_in_month())
    )
    history_day = HS.session_date if dialect == "postgresql" else type_coerce(HS.session_date, String)
    history = select(
        type_coerce(HS.mode, String),
        history_day,
        literal(0),
        cast(null(), CR.scheduled_start.type),
        HS.id,
        HS.service_user,
        _ids(history_session_topics, history_session_topics.c.session_id, HS.id, dialect),
    ).where(*history_in_month())
    both = union_all(live, history).subquery()
    return select(both.c.mode, both.c.day, both.c.service_user, both.c.codes).order_by(
        both.c.day, both.c.kind, both.c.start, both.c.id
    )


def sessions(month: date, topics: dict[int, tuple[str, int]]) -> dict[Mode, list[Line]]:
    """Every held session of the month per mode, both sources, ordered by day (history first,
    then live by start): one statement, topic ids aggregated per session, dates and names made
    in SQL. Values come back as plain text or dates (no per-row type processing) and are read
    here."""
    rows = execute(_sessions(dialect()), month_params(month)).all()
    modes = {m.value: m for m in Mode}
    days: dict[str | date, date] = {}
    # Topic ids text -> codes in the taxonomy's order: a month repeats a few hundred sets.
    ordered: dict[str | None, tuple[str, ...]] = {None: (), "": ()}
    rank = {str(tid): (order, code) for tid, (code, order) in topics.items()}
    lines: dict[Mode, list[Line]] = {m: [] for m in Mode}
    for mode, day, who, ids in rows:
        when = days.get(day)
        if when is None:
            when = days[day] = day if isinstance(day, date) else date.fromisoformat(day)
        codes = ordered.get(ids)
        if codes is None:
            codes = ordered[ids] = tuple(code for _, code in sorted(rank[i] for i in ids.split(SEPARATOR)))
        lines[modes[mode]].append((when, who, codes))
    return lines


def topic_counts(lines: dict[Mode, list[Line]], topics: dict[int, tuple[str, int]]) -> dict[Mode, list]:
    """Per mode, (topic code, sessions) in the taxonomy's order, counted over the session
    lines (sessions()): they are every held session of the month with all its topics, so no
    statement of its own is needed."""
    rank = {code: (order, code) for code, order in topics.values()}
    result: dict[Mode, list[tuple[str, int]]] = {}
    for mode, rows in lines.items():
        per_set = Counter(codes for _day, _who, codes in rows)  # a month repeats a few hundred sets
        per_code: Counter = Counter()
        for codes, n in per_set.items():
            for code in codes:
                per_code[code] += n
        result[mode] = [(code, per_code[code]) for code in sorted(per_code, key=rank.__getitem__)]
    return result


# Who consulted most ---------------------------------------------------------------------


@cache
def _top_service_users():
    live = select(
        CR.region_id.label("region_id"),
        CR.unit_type.label("unit_type"),
        cast(null(), String).label("unresolved"),
    ).where(*held_in_month())
    history = select(
        HS.region_id,
        HS.unit_type,
        case((HS.region_id.is_(None), HS.service_user), else_=cast(null(), String)),
    ).where(*history_in_month())
    both = union_all(live, history).subquery()
    per_user = (
        select(both.c.region_id, both.c.unit_type, both.c.unresolved, func.count().label("n"))
        .group_by(both.c.region_id, both.c.unit_type, both.c.unresolved)
        .cte("per_user")
    )
    name = func.coalesce(
        per_user.c.unresolved, service_user_sql(Region.display_name, per_user.c.unit_type)
    ).label("name")
    return (
        select(name, per_user.c.n)
        .select_from(per_user)
        .outerjoin(Region, Region.id == per_user.c.region_id)
        .where(per_user.c.n == select(func.max(per_user.c.n)).scalar_subquery())
        .order_by(name)
    )


def top_service_users(month: date) -> tuple[list[tuple[str, int]], int]:
    """The service user(s) with the most held sessions in the month (all of them when tied).
    Sessions are counted per region and unit type (per name when unresolved) and only the top
    groups are named: no name is built per session."""
    rows = execute(_top_service_users(), month_params(month)).all()
    return [(name, n) for name, n in rows], (rows[0][1] if rows else 0)
