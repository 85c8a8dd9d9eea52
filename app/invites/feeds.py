"""Personal calendar feeds: a secret, revocable URL per narasumber and per room.

The URL (/kalender/<token>.ics) is the only credential, so a token is long and random
(secrets.token_urlsafe(32)), one owner has at most one active token, issuing a new one
revokes the old, and a revoked token answers 404 for ever. The feed lists the owner's
sessions from 30 days ago on (METHOD:PUBLISH, no attendees).
"""

import secrets
from datetime import datetime, timedelta

from flask import abort
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.auth.models import Role, User
from app.catalog.models import NarasumberProfile, Room
from app.core import audit
from app.core.clock import now_utc
from app.domain.states import RequestState
from app.extensions import db
from app.invites import ics, services
from app.invites.models import FeedKind, FeedToken
from app.requests.models import ConsultationRequest
from app.scheduling.models import NarasumberAssignment, RoomBooking

S = RequestState
FEED_STATES = (S.SCHEDULED, S.CONFIRMED, S.HELD)
PAST_DAYS = 30


def active_token(kind: FeedKind | str, owner_id: int) -> FeedToken | None:
    return db.session.scalars(
        select(FeedToken).where(
            FeedToken.kind == FeedKind(kind),
            FeedToken.owner_id == owner_id,
            FeedToken.revoked_at.is_(None),
        )
    ).first()


def owner_of(kind: FeedKind | str, owner_id: int) -> NarasumberProfile | Room | None:
    model = NarasumberProfile if FeedKind(kind) == FeedKind.NARASUMBER else Room
    return db.session.get(model, owner_id)


def own_profile(user: User) -> NarasumberProfile:
    """The narasumber profile of `user` (404 when they have none)."""
    profile = db.session.scalars(
        select(NarasumberProfile).where(NarasumberProfile.user_id == user.id)
    ).first()
    if profile is None:
        abort(404)
    return profile


def _may_manage(actor: User, kind: FeedKind, owner) -> bool:
    if actor.role == Role.ADMIN:
        return True
    return kind == FeedKind.NARASUMBER and actor.role == Role.NARASUMBER and owner.user_id == actor.id


def _require(actor: User, kind: FeedKind | str, owner_id: int):
    kind = FeedKind(kind)
    owner = owner_of(kind, owner_id)
    if owner is None:
        abort(404)
    if not _may_manage(actor, kind, owner):
        abort(403)
    return kind, owner


def issue(actor: User, kind: FeedKind | str, owner_id: int, now: datetime | None = None) -> FeedToken:
    """A new secret URL for the owner; the one before (if any) stops working."""
    kind, _owner = _require(actor, kind, owner_id)
    now = now or now_utc()
    old = active_token(kind, owner_id)
    if old is not None:
        old.revoked_at = now
    row = FeedToken(
        kind=kind, owner_id=owner_id, token=secrets.token_urlsafe(32), created_at=now, created_by_id=actor.id
    )
    db.session.add(row)
    db.session.flush()
    after = {"kind": kind, "owner_id": owner_id, "replaced": old.id if old else None}
    audit.record("feed_token.issue", row, actor=actor, after=after, at=now)
    return row


def revoke(actor: User, kind: FeedKind | str, owner_id: int, now: datetime | None = None) -> bool:
    """Stop the owner's feed URL; False when there was none."""
    kind, _owner = _require(actor, kind, owner_id)
    row = active_token(kind, owner_id)
    if row is None:
        return False
    now = now or now_utc()
    row.revoked_at = now
    audit.record(
        "feed_token.revoke",
        row,
        actor=actor,
        before={"revoked_at": None},
        after={"kind": kind, "owner_id": owner_id, "revoked_at": now},
        at=now,
    )
    return True


def by_token(token: str) -> FeedToken | None:
    if not token or len(token) > 64:
        return None
    row = db.session.scalars(select(FeedToken).where(FeedToken.token == token)).first()
    return row if row is not None and row.active else None


def sessions_of(kind: FeedKind | str, owner_id: int, now: datetime) -> list[ConsultationRequest]:
    """The owner's sessions ending from PAST_DAYS ago on, soonest first."""
    since = now - timedelta(days=PAST_DAYS)
    row = NarasumberAssignment if FeedKind(kind) == FeedKind.NARASUMBER else RoomBooking
    owner_column = row.narasumber_id if row is NarasumberAssignment else row.room_id
    query = (
        select(ConsultationRequest)
        .join(row, row.request_id == ConsultationRequest.id)
        .where(
            owner_column == owner_id,
            row.active.is_(True),
            ConsultationRequest.state.in_(FEED_STATES),
            ConsultationRequest.scheduled_end >= since,
        )
        .order_by(ConsultationRequest.scheduled_start, ConsultationRequest.id)
        .distinct()
    )
    return [req for req in db.session.scalars(query) if services.available(req)]


def owner_name(kind: FeedKind | str, owner) -> str:
    return owner.user.name if FeedKind(kind) == FeedKind.NARASUMBER else owner.name


def active_tokens() -> dict[tuple[str, int], FeedToken]:
    """Every token not revoked, by (kind, owner id): the administrator's page shows them all,
    read at once rather than one active_token() per owner."""
    rows = db.session.scalars(select(FeedToken).where(FeedToken.revoked_at.is_(None)))
    return {(FeedKind(row.kind).value, row.owner_id): row for row in rows}


def owners() -> tuple[list[Room], list[NarasumberProfile]]:
    """Every room and every narasumber, for the administrator's feed page."""
    rooms = list(db.session.scalars(select(Room).order_by(Room.active.desc(), Room.name)))
    people = db.session.scalars(select(NarasumberProfile).options(selectinload(NarasumberProfile.user)))
    return rooms, sorted(people, key=lambda p: p.user.name.lower())


def feed_name(kind: FeedKind | str, owner) -> str:
    return _("Konsultasi DJPK – %(name)s", name=owner_name(kind, owner))


def feed(row: FeedToken, now: datetime | None = None) -> bytes:
    """The METHOD:PUBLISH calendar behind a token."""
    now = now or now_utc()
    owner = owner_of(row.kind, row.owner_id)
    if owner is None:
        abort(404)
    with services.locale_context():
        events = [
            services.session_event(req, method="REQUEST", attendees=False)
            for req in sessions_of(row.kind, row.owner_id, now)
        ]
        name = feed_name(row.kind, owner)
    return ics.build_feed(events, name, now=now)
