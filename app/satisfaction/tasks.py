"""The survey request job: after each held session, ask its Pemda once for a rating."""

import logging
from datetime import datetime, timedelta

from sqlalchemy import or_, select

from app.core.clock import now_utc
from app.core.mail import queue_email
from app.domain.policy import Mode
from app.domain.states import RequestState
from app.extensions import db
from app.requests.labels import mode_label
from app.requests.models import ConsultationRequest
from app.satisfaction.models import SatisfactionRating
from app.scheduler.each import each_in_own_transaction
from app.scheduling.emails import pemda_recipients

log = logging.getLogger("konsultasi.satisfaction")

# Sessions held longer ago than this are not asked any more (a restored backup or a long
# outage must not send a burst of stale surveys).
LOOKBACK = timedelta(days=14)
# A video conference is marked held by the scheduler as soon as it ends; a coordinator who
# knows the Pemda did not join records the no-show by hand. Its survey waits this long, so a
# Pemda that did not come is not asked to rate the session.
VC_NO_SHOW_GRACE = timedelta(hours=2)


def survey_dedupe_key(req: ConsultationRequest) -> str:
    return f"survey:{req.id}"


def send_survey_requests(now: datetime | None = None) -> int:
    """Queue the survey request of every held, unrated session that ended (a video conference
    VC_NO_SHOW_GRACE after it ended); once each (the outbox's unique dedupe key is the marker).
    Returns how many were queued now."""
    now = now or now_utc()
    ids = db.session.scalars(
        select(ConsultationRequest.id)
        .outerjoin(SatisfactionRating, SatisfactionRating.request_id == ConsultationRequest.id)
        .where(
            ConsultationRequest.state == RequestState.HELD,
            ConsultationRequest.scheduled_end <= now,
            or_(
                ConsultationRequest.mode != Mode.VC,
                ConsultationRequest.scheduled_end <= now - VC_NO_SHOW_GRACE,
            ),
            ConsultationRequest.scheduled_end > now - LOOKBACK,
            SatisfactionRating.id.is_(None),
        )
        .order_by(ConsultationRequest.scheduled_end)
    ).all()

    def ask(request_id: int) -> bool:
        """Queue the request; True when it is new (an existing one is left as it is)."""
        req = db.session.get(ConsultationRequest, request_id)
        message = queue_email(
            pemda_recipients(req),
            "satisfaction/survey_request",
            dedupe_key=survey_dedupe_key(req),
            req=req,
            zone=req.region.timezone,
            mode_label=mode_label,
        )
        return message in db.session.new

    asked = each_in_own_transaction(
        ids,
        ask,
        log=log,
        failed="could not queue the survey request of session %s",
        already="the survey request of session %s was queued a moment ago by another process",
    )
    return len(asked)
