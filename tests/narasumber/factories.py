"""Rows for the narasumber and people tests: narasumber with profiles, scheduled sessions and
their assignments. Each adds to the session and flushes; the caller commits."""

from datetime import datetime, timedelta

from app.auth.models import Role
from app.catalog.models import NarasumberProfile, Topic
from app.core.clock import now_utc
from app.domain.policy import Mode
from app.domain.states import RequestState
from app.extensions import db
from app.requests.models import ConsultationRequest
from app.scheduling.models import AssignmentStatus, NarasumberAssignment
from tests import factories

WEEKDAYS_8_TO_16 = {str(day): [["08:00", "16:00"]] for day in range(5)}


def narasumber(
    name: str = "Narasumber Uji",
    *,
    unit: str = "Direktorat Dana Transfer Umum",
    topics: list[Topic] | None = None,
) -> NarasumberProfile:
    user = factories.user(Role.NARASUMBER, name=name)
    profile = NarasumberProfile(
        user_id=user.id,
        unit=unit,
        working_hours=dict(WEEKDAYS_8_TO_16),
        max_per_day=3,
        max_per_week=10,
    )
    profile.topics = topics or []
    db.session.add(profile)
    db.session.flush()
    return profile


def session(
    owner,
    start: datetime,
    *,
    mode: Mode = Mode.VC,
    room=None,
    state: RequestState = RequestState.SCHEDULED,
    minutes: int = 60,
    **kwargs,
) -> ConsultationRequest:
    """A scheduled request of `owner`'s Pemda starting at `start` (aware)."""
    return factories.consultation(
        owner,
        mode=mode,
        state=state,
        start=start,
        scheduled_start=start,
        scheduled_end=start + timedelta(minutes=minutes),
        room_id=room.id if room else None,
        meeting_url="https://meet.example.org/KNS-uji" if mode == Mode.VC else None,
        **kwargs,
    )


def assignment(
    req: ConsultationRequest,
    profile: NarasumberProfile,
    *,
    status: AssignmentStatus = AssignmentStatus.ASSIGNED,
    active: bool = True,
    topic_codes: list[str] | None = None,
) -> NarasumberAssignment:
    row = NarasumberAssignment(
        request_id=req.id,
        narasumber_id=profile.id,
        start=req.scheduled_start,
        end=req.scheduled_end,
        active=active,
        status=status,
        topic_codes=topic_codes if topic_codes is not None else [t.code for t in req.topics],
        assigned_at=now_utc(),
    )
    db.session.add(row)
    db.session.flush()
    return row
