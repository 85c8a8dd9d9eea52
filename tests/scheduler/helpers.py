"""Book a session through the real scheduling service, and read the outbox back."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from app.auth.models import UnitType
from app.domain.policy import Mode
from app.domain.states import RequestState
from app.extensions import db
from app.outbox.models import OutboxMessage
from app.requests.models import ConsultationRequest
from app.scheduling import services
from tests import factories
from tests.scheduling.factories import narasumber, wib

BOOKED_AT = datetime(2026, 11, 30, 3, 0, tzinfo=UTC)  # Monday 30 November, 10:00 WIB
DAY = "2026-12-08"  # a Tuesday
START, END = wib(DAY, "09:00"), wib(DAY, "10:00")
REQUEST_DUE = wib("2026-12-04", "08:00")  # Friday
REMINDER_DUE = wib("2026-12-07", "08:00")  # Monday
DEADLINE = wib("2026-12-07", "15:00")
SECOND = timedelta(seconds=1)


def book(
    boss,
    *,
    mode: Mode = Mode.FTF,
    region_code: str = factories.BALIKPAPAN,
    prefix: str = "balikpapan",
    start: datetime = START,
    end: datetime = END,
    people: int = 2,
) -> ConsultationRequest:
    """A scheduled session: operator and a separate contact, `people` narasumber, a room
    face to face. Committed, with its scheduling email already queued."""
    from flask import current_app

    owner = factories.pemda_user(
        region_code, UnitType.PEMDA, name=f"Operator {prefix}", email=f"operator@{prefix}.go.id"
    )
    req = factories.consultation(owner, mode=mode)
    req.contact_email, req.contact_name = f"kontak@{prefix}.go.id", f"Kontak {prefix.title()}"
    team = [narasumber(f"Narasumber {prefix} {i + 1}") for i in range(people)]
    room = factories.room(f"Ruang {prefix}") if mode == Mode.FTF else None
    with current_app.test_request_context():
        services.schedule(
            req,
            start=start,
            end=end,
            narasumber_ids=[p.id for p in team],
            room_id=room.id if room else None,
            meeting_url="https://meet.example/abc" if mode == Mode.VC else None,
            actor=boss,
        )
        services.commit_or_conflict()
    return req


def reload(req: ConsultationRequest) -> ConsultationRequest:
    db.session.expire_all()
    return db.session.get(ConsultationRequest, req.id)


def outbox(kind: str | None = None) -> list[OutboxMessage]:
    db.session.expire_all()
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    if kind:
        query = query.where(OutboxMessage.kind == kind)
    return list(db.session.scalars(query))


def recipients(kind: str) -> list[str]:
    return sorted(to for row in outbox(kind) for to in row.recipients)


def set_state(req: ConsultationRequest, state: RequestState) -> None:
    req = reload(req)
    req.state = state
    db.session.commit()
