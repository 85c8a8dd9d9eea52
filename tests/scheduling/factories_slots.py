"""Rows for the suggestion tests: requests with preferred windows, and sessions that occupy
people and rooms. Each adds to the session and flushes; the caller commits if it needs to."""

from datetime import datetime, timedelta

from app.catalog.models import NarasumberProfile, Room, Topic
from app.domain.policy import Mode
from app.domain.states import RequestState
from app.extensions import db
from app.requests.models import ConsultationRequest, PreferredWindow
from app.scheduling.models import AssignmentStatus, NarasumberAssignment, RoomBooking
from tests import factories


def asking(
    owner,
    windows: list[tuple[datetime, datetime]],
    *,
    topics: list[Topic],
    mode: Mode = Mode.FTF,
    guests: int = 3,
    submitted_at: datetime,
) -> ConsultationRequest:
    """A submitted request of `owner`'s Pemda with these preferred windows, in this order."""
    req = factories.consultation(owner, mode=mode, guests=guests, topics=topics)
    req.windows = [PreferredWindow(position=i, start=a, end=b) for i, (a, b) in enumerate(windows)]
    req.submitted_at = submitted_at
    db.session.flush()
    return req


def held(
    owner,
    start: datetime,
    people: list[tuple[NarasumberProfile, list[str]]],
    *,
    room: Room | None = None,
    state: RequestState = RequestState.SCHEDULED,
    status: AssignmentStatus = AssignmentStatus.ACCEPTED,
    active: bool = True,
    minutes: int = 60,
    topics: list[Topic] | None = None,
) -> ConsultationRequest:
    """A session of `owner`'s Pemda at `start` with each person covering their topic codes."""
    end = start + timedelta(minutes=minutes)
    req = factories.consultation(
        owner, mode=Mode.FTF if room else Mode.VC, state=state, start=start, topics=topics, with_letter=False
    )
    req.scheduled_start, req.scheduled_end = start, end
    req.room_id = room.id if room else None
    for person, codes in people:
        req.assignments.append(
            NarasumberAssignment(
                narasumber_id=person.id,
                start=start,
                end=end,
                active=active,
                status=status,
                topic_codes=codes,
                assigned_at=start - timedelta(days=7),
            )
        )
    if room is not None:
        req.room_bookings.append(
            RoomBooking(
                room_id=room.id, start=start, end=end, active=active, created_at=start - timedelta(days=7)
            )
        )
    db.session.flush()
    return req
