"""The queries behind the suggestions (app/scheduling/suggestions.py), built once.

They are plain Core statements with bound parameters, compiled once per dialect and run on
the session's connection: at this size building and compiling a statement each time would
cost more than running it. Lists go in as ONE parameter (an array on PostgreSQL, JSON read
by json_each on SQLite), so that a statement's text, and its prepared plan, never changes.
Busy intervals come back as POSIX seconds computed by the database, the cheapest to read.
"""

import sqlite3
from functools import lru_cache

from sqlalchemy import (
    JSON,
    Float,
    Text,
    and_,
    any_,
    bindparam,
    cast,
    func,
    literal_column,
    null,
    select,
    text,
    union_all,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from app.auth.models import User
from app.catalog.models import NarasumberProfile, Room, Topic, narasumber_topics
from app.domain.states import RequestState
from app.extensions import db
from app.policy.models import PolicyVersion
from app.requests.models import ConsultationRequest, DelegationMember, PreferredWindow, request_topics
from app.scheduling.models import AssignmentStatus, NarasumberAssignment, RoomBooking, Unavailability

# Sessions whose narasumber have advised the Pemda: held, or still to be held.
HISTORY_STATES = (RequestState.HELD, RequestState.SCHEDULED, RequestState.CONFIRMED)
ADVISING = (AssignmentStatus.ASSIGNED, AssignmentStatus.ACCEPTED)

A, B, U = NarasumberAssignment.__table__, RoomBooking.__table__, Unavailability.__table__
P, R, T = NarasumberProfile.__table__, ConsultationRequest.__table__, Topic.__table__
NT, USERS, ROOMS = narasumber_topics, User.__table__, Room.__table__
W, D, PV = PreferredWindow.__table__, DelegationMember.__table__, PolicyVersion.__table__


class epoch(FunctionElement):
    """POSIX seconds of a timestamp column, computed by the database: the busy intervals are
    read as plain numbers, which is what the search compares (whole seconds on SQLite)."""

    type = Float()
    name = "epoch"
    inherit_cache = True


@compiles(epoch)
def _epoch(element, compiler, **kw):
    return f"CAST(EXTRACT(EPOCH FROM {compiler.process(element.clauses, **kw)}) AS DOUBLE PRECISION)"


@compiles(epoch, "sqlite")
def _epoch_sqlite(element, compiler, **kw):  # UTCDateTime stores naive UTC text on SQLite
    column = compiler.process(element.clauses, **kw)
    if sqlite3.sqlite_version_info >= (3, 38):
        return f"unixepoch({column})"
    return f"CAST(strftime('%s', {column}) AS INTEGER)"


def _among(column, name: str, postgres: bool):
    """`column` IN the list parameter `name`, as one parameter (an array on PostgreSQL, a JSON
    text read by json_each on SQLite) rather than one per element: the statement's text, and
    so its prepared plan, stays the same whatever the length of the list."""
    if postgres:
        return column == any_(bindparam(name, type_=ARRAY(column.type)))
    return column.in_(
        select(literal_column("value")).select_from(func.json_each(bindparam(name, type_=JSON())))
    )


@lru_cache(maxsize=4)
def _statements(dialect: str) -> dict:
    pg = dialect == "postgresql"
    rid = bindparam("rid")
    lo, h0, h1 = bindparam("lo"), bindparam("h0"), bindparam("h1")
    # Only the request's topics of each person: the search needs no others.
    people = (
        select(
            P.c.id, USERS.c.name, cast(P.c.working_hours, Text), P.c.max_per_day, P.c.max_per_week, T.c.code
        )
        .join(USERS, USERS.c.id == P.c.user_id)
        .join(NT, NT.c.narasumber_id == P.c.id)
        .join(T, T.c.id == NT.c.topic_id)
        .where(
            _among(T.c.code, "codes", pg),
            USERS.c.email_verified_at.is_not(None),
            USERS.c.activated_at.is_not(None),
            USERS.c.deactivated_at.is_(None),
        )
    )
    sessions = select(
        literal_column("'s'").label("kind"), A.c.narasumber_id.label("key"), epoch(A.c.start), epoch(A.c.end)
    ).where(
        _among(A.c.narasumber_id, "ids", pg),
        A.c.active.is_(True),
        A.c.start >= lo,
        A.c.start < h1,
        A.c.end > h0,
        A.c.request_id != rid,
    )
    away = select(literal_column("'u'"), U.c.narasumber_id, epoch(U.c.start), epoch(U.c.end)).where(
        _among(U.c.narasumber_id, "ids", pg), U.c.start < h1, U.c.end > h0
    )
    booked = select(literal_column("'r'"), B.c.room_id, epoch(B.c.start), epoch(B.c.end)).where(
        # Naming the rooms lets the (room_id, start, end) index bound the scan.
        _among(B.c.room_id, "rooms", pg),
        B.c.active.is_(True),
        B.c.start >= lo,
        B.c.start < h1,
        B.c.end > h0,
        B.c.request_id != rid,
    )
    advised = (
        # As text, DISTINCT: a person who advised the Pemda often is one row per topic set.
        # Only sessions begun before now, and active rows, as for `last` below: "advised this
        # Pemda before" then always comes with a latest session, never with "never served".
        select(A.c.narasumber_id, cast(A.c.topic_codes, Text))
        .distinct()
        .join(R, R.c.id == A.c.request_id)
        .where(
            R.c.region_id == bindparam("region"),
            R.c.unit_type == bindparam("unit"),
            R.c.id != rid,
            R.c.state.in_(HISTORY_STATES),
            A.c.status.in_(ADVISING),
            A.c.active.is_(True),
            A.c.start < bindparam("now"),
            _among(A.c.narasumber_id, "ids", pg),
        )
        .subquery()
    )
    mine = and_(A.c.narasumber_id == P.c.id, A.c.active.is_(True), A.c.request_id != rid)
    in_month = and_(A.c.start >= bindparam("m0"), A.c.start < bindparam("m1"))
    month_count = select(func.count()).where(mine, in_month).scalar_subquery()
    before = A.c.start < bindparam("now")
    last = select(A.c.start).where(mine, before).order_by(A.c.start.desc()).limit(1).scalar_subquery()
    # As app.policy.services.version_in_force(), in Core.
    policy_now = (
        select(PV.c["values"])
        .where(PV.c.effective_from <= bindparam("now"))
        .order_by(PV.c.effective_from.desc(), PV.c.id.desc())
        .limit(1)
    )
    # The Pemda's history in one statement: each person's sessions this month and latest
    # session ('c', first: its columns give the result its types), then who advised the Pemda
    # on which topics ('a').
    history = union_all(
        select(literal_column("'c'"), P.c.id, cast(null(), Text), month_count, last).where(
            _among(P.c.id, "ids", pg)
        ),
        select(literal_column("'a'"), advised.c.narasumber_id, advised.c.topic_codes, null(), null()),
    )
    # Every active narasumber with each of their topics (in topic order) and their limits: the
    # review page's manual form lists them all, and its suggestions take those who know one of
    # the request's topics (load_people() asks for only those).
    team = (
        select(
            P.c.id,
            USERS.c.name,
            P.c.unit,
            cast(P.c.working_hours, Text),
            P.c.max_per_day,
            P.c.max_per_week,
            T.c.id,
            T.c.code,
        )
        .join(USERS, USERS.c.id == P.c.user_id)
        .outerjoin(NT, NT.c.narasumber_id == P.c.id)
        .outerjoin(T, T.c.id == NT.c.topic_id)
        .where(
            USERS.c.email_verified_at.is_not(None),
            USERS.c.activated_at.is_not(None),
            USERS.c.deactivated_at.is_(None),
        )
        .order_by(P.c.id, T.c.sort_order, T.c.code)
    )
    return {
        "request": union_all(
            # Its preferred windows (in order), topic codes (in order) and delegation size.
            select(literal_column("'w'"), null(), W.c.start, W.c.end, W.c.position).where(
                W.c.request_id == rid
            ),
            select(literal_column("'t'"), T.c.code, null(), null(), T.c.sort_order)
            .join(request_topics, request_topics.c.topic_id == T.c.id)
            .where(request_topics.c.request_id == rid),
            select(literal_column("'d'"), null(), null(), null(), func.count()).where(D.c.request_id == rid),
        ).order_by(text("1"), text("5")),
        "policy": select(PV.c["values"]).where(PV.c.id == bindparam("vid")),
        "policy_now": policy_now,
        "people": people,
        "busy_vc": union_all(sessions, away),
        "busy_ftf": union_all(sessions, away, booked),
        "rooms": select(ROOMS.c.id, ROOMS.c.name, ROOMS.c.capacity).where(ROOMS.c.active.is_(True)),
        "history": history,
        "team": team,
    }


def run(name: str, **params) -> list:
    """Rows of the statement `name` of _statements(), on the session's connection."""
    connection = db.session.connection()
    return connection.execute(_statements(connection.dialect.name)[name], params).all()
