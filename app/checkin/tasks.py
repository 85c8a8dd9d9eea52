"""The settle job: after a session's end, mark what happened.

A session becomes HELD only once its scheduled end has passed (held means it has happened):
a face-to-face session checked in at the desk is still SCHEDULED or CONFIRMED until then, and
this job marks it HELD after the end. One without a visit is marked NO_SHOW with a no_show
breach (its dedupe key "no_show:request:<id>"), audited, and its Pemda emailed. A video
conference has no front desk: left SCHEDULED or CONFIRMED after its end it is marked HELD,
and a coordinator who knows the Pemda did not join records the no-show by hand
(HELD --MARK_NO_SHOW--> NO_SHOW, the review page).

One transaction per session; a second run finds nothing left to do (the state changed, and
the breach and email keys are unique). The lead registers it in the scheduler.
"""

import logging
from datetime import datetime

from sqlalchemy import select

from app.checkin.services import mark_held, mark_no_show
from app.core.clock import now_utc
from app.core.db_setup import lock_row
from app.domain.policy import Mode
from app.domain.states import ACTIVE_SESSION_STATES
from app.extensions import db
from app.requests.models import ConsultationRequest
from app.scheduler.each import each_in_own_transaction

log = logging.getLogger("konsultasi.checkin")


def due_ids(now: datetime) -> list[int]:
    R = ConsultationRequest
    return list(
        db.session.scalars(
            select(R.id)
            .where(
                R.state.in_(ACTIVE_SESSION_STATES),
                R.scheduled_end.is_not(None),
                R.scheduled_end <= now,
            )
            .order_by(R.scheduled_end, R.id)
        )
    )


def _settle(req: ConsultationRequest, now: datetime) -> str | None:
    if req.state not in ACTIVE_SESSION_STATES:
        return None  # settled meanwhile (a check-in after the end, another scheduler process)
    if req.mode == Mode.FTF and req.visit is None:
        mark_no_show(req, actor=None, reason=None, now=now)
        return "no_show"
    mark_held(req, actor=None, now=now)  # checked in at the desk, or a video conference
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
