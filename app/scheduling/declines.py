"""Declines still waiting for the coordinator: a narasumber said no to a session still to
come, and nobody has been put in their place yet. The queue flags these sessions and puts
them first; the review page opens the replacement form for them.

A decline is answered by the next assignment made after it (app.scheduling.services:
replace_narasumber, or the new team of a reschedule). No column links a replacement to the
decline it answers, so they are paired by time: each assignment made after a decline answers
the earliest decline still open. A decline for another time than the session's current one
was answered when the session was moved.
"""

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import and_, select
from sqlalchemy.orm import joinedload

from app.catalog.models import NarasumberProfile
from app.domain.states import ACTIVE_SESSION_STATES
from app.extensions import db
from app.requests.models import ConsultationRequest
from app.scheduling.models import AssignmentStatus, NarasumberAssignment
from app.scheduling.suggestions import LONGEST_SESSION


def open_declines(now: datetime, request_ids: Iterable[int] | None = None) -> dict[int, list]:
    """{request id: its declined assignments not yet replaced}, for sessions still to come
    (every such session, or those of `request_ids`)."""
    R, A = ConsultationRequest, NarasumberAssignment
    # From the declines, which are few (an index of status and start finds those of sessions
    # still to come), to their sessions; not from every session to come to its assignments.
    query = (
        select(R.id, R.scheduled_start)
        .join(A, and_(A.request_id == R.id, A.start == R.scheduled_start))
        .where(
            A.status == AssignmentStatus.DECLINED,
            # A session lies within one day: the bound on its start keeps the search to the
            # sessions still to come instead of every decline ever.
            A.start > now - LONGEST_SESSION,
            R.state.in_(ACTIVE_SESSION_STATES),
            R.scheduled_end > now,
        )
        .distinct()
    )
    if request_ids is not None:
        query = query.where(R.id.in_(list(request_ids)))
    starts = {rid: start for rid, start in db.session.execute(query)}
    if not starts:
        return {}
    # With each narasumber and their user in the same statement (the queue names them).
    rows = db.session.scalars(
        select(A)
        .where(A.request_id.in_(list(starts)))
        .options(joinedload(A.narasumber).joinedload(NarasumberProfile.user))
    )
    by_request = defaultdict(list)
    for a in rows:
        by_request[a.request_id].append(a)
    found = {rid: unanswered(rows, starts[rid]) for rid, rows in by_request.items()}
    return {rid: waiting for rid, waiting in found.items() if waiting}


def unanswered(assignments: list[NarasumberAssignment], start: datetime) -> list[NarasumberAssignment]:
    """The declines (for the session at `start`) that no later assignment answers."""
    events = [(a.assigned_at, 0, a) for a in assignments]
    events += [
        (a.responded_at or a.assigned_at, 1, a)
        for a in assignments
        if a.status == AssignmentStatus.DECLINED and a.start == start
    ]
    # At the same instant an assignment comes first: it cannot answer a decline not yet made.
    events.sort(key=lambda e: (e[0], e[1], e[2].id))
    waiting: list[NarasumberAssignment] = []
    for _at, kind, a in events:
        if kind == 1:
            waiting.append(a)
        elif waiting:
            waiting.pop(0)
    return waiting
