"""The no-show job: after a session's end, settle what the front desk did not.

A face-to-face session still SCHEDULED or CONFIRMED after its end, with no visit, is marked
NO_SHOW with a no_show breach (its dedupe key "no_show:request:<id>"), audited, and its Pemda
emailed. A video conference has no front desk: left SCHEDULED or CONFIRMED after its end it is
marked HELD, and a coordinator who knows the Pemda did not join records the no-show by hand
(HELD --MARK_NO_SHOW--> NO_SHOW, the review page).

One transaction per session; a second run finds nothing left to do (the state changed, and
the breach and email keys are unique). The lead registers it in the scheduler.
"""

import logging
from datetime import datetime

from sqlalchemy import select

from app.checkin.models import Visit
from app.checkin.services import mark_no_show
from app.core import audit
from app.core.clock import now_utc
from app.core.db_setup import lock_row
from app.domain.policy import Mode
from app.domain.states import ACTIVE_SESSION_STATES, Action, transition
from app.extensions import db
from app.requests.models import ConsultationRequest
from app.scheduler.each import each_in_own_transaction

log = logging.getLogger("konsultasi.checkin")


def due_ids(now: datetime) -> list[int]:
    R = ConsultationRequest
    return list(
        db.session.scalars(
            select(R.id)
            .outerjoin(Visit, Visit.request_id == R.id)
            .where(
                R.state.in_(ACTIVE_SESSION_STATES),
                R.scheduled_end.is_not(None),
                R.scheduled_end <= now,
                Visit.id.is_(None),
            )
            .order_by(R.scheduled_end, R.id)
        )
    )


def _settle(req: ConsultationRequest, now: datetime) -> str | None:
    if req.state not in ACTIVE_SESSION_STATES or req.visit is not None:
        return None  # settled meanwhile (a late check-in, another scheduler process)
    if req.mode == Mode.FTF:
        mark_no_show(req, actor=None, reason=None, now=now)
        return "no_show"
    old = req.state
    req.state = transition(req.state, Action.MARK_HELD)
    req.updated_at = now
    audit.record("request.mark_held", req, before={"state": old}, after={"state": req.state}, at=now)
    return "held"


def mark_no_shows(now: datetime | None = None) -> dict:
    """Settle every ended session the desk left open; returns {"no_show": n, "held": m}."""
    now = now or now_utc()
    done = {"no_show": 0, "held": 0}

    def settle(request_id: int) -> str | None:
        req = db.session.get(ConsultationRequest, request_id)
        lock_row(db.session, req)  # a check-in at this moment waits, or wins first
        return _settle(req, now)

    outcomes = each_in_own_transaction(
        due_ids(now),
        settle,
        log=log,
        failed="could not settle session %s",
        already="session %s was settled a moment ago by another process",
    )
    for outcome in outcomes:
        done[outcome] += 1
    return done
