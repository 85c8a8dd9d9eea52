"""Giving a rating: only the Pemda that held the session, only once, only after it was held
(HELD, and its scheduled end has passed: a rating is about a session that has happened)."""

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from app.auth.models import User
from app.core import audit
from app.core.access import owns
from app.core.clock import now_utc
from app.core.templating import fmt_both
from app.domain.states import RequestState
from app.extensions import db
from app.requests.models import ConsultationRequest
from app.satisfaction.models import SatisfactionRating


class RatingRefused(Exception):
    """Why a rating cannot be given, in words for the Pemda."""


def has_ended(req: ConsultationRequest, now: datetime | None = None) -> bool:
    return req.scheduled_end is None or (now or now_utc()) >= req.scheduled_end


def rating_open(req: ConsultationRequest, now: datetime | None = None) -> bool:
    """Whether the session may be rated now (by its Pemda, once)."""
    return req.state == RequestState.HELD and has_ended(req, now)


def can_rate(user: User, req: ConsultationRequest) -> bool:
    return owns(user, req) and rating_open(req) and req.rating is None


def rate(
    user: User, req: ConsultationRequest, service: int, substance: int, comment: str | None
) -> SatisfactionRating:
    if not owns(user, req):
        raise PermissionError("only the Pemda that held the session rates it")
    if req.state != RequestState.HELD:
        raise RatingRefused(_("Penilaian dapat diberikan setelah konsultasi terlaksana."))
    if not has_ended(req):
        raise RatingRefused(not_yet_message(req))
    if req.rating is not None:
        raise RatingRefused(_("Konsultasi ini sudah dinilai. Setiap konsultasi dinilai satu kali."))
    for score in (service, substance):
        if score not in range(1, 6):
            raise RatingRefused(_("Nilai harus 1 sampai 5."))
    rating = SatisfactionRating(
        request_id=req.id,
        service_score=service,
        substance_score=substance,
        comment=(comment or "").strip() or None,
        rated_by_id=user.id,
        rated_at=now_utc(),
    )
    db.session.add(rating)
    try:
        db.session.flush()
    except IntegrityError:
        # A second operator of the same Pemda rated it a moment earlier.
        db.session.rollback()
        raise RatingRefused(_("Konsultasi ini sudah dinilai. Setiap konsultasi dinilai satu kali.")) from None
    audit.record(
        "satisfaction.rate",
        req,
        actor=user,
        after={"service": service, "substance": substance, "comment": rating.comment},
    )
    return rating


def not_yet_message(req: ConsultationRequest) -> str:
    """Why a session cannot be rated yet, in words for its Pemda."""
    if req.state == RequestState.HELD and not has_ended(req):
        return _(
            "Penilaian dapat diberikan setelah konsultasi selesai (%(when)s).",
            when=fmt_both(req.scheduled_end, req.region.timezone),
        )
    return _("Penilaian dapat diberikan setelah konsultasi terlaksana.")
