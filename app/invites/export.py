"""The export behind `flask invites export`: the current invite of each session as a file."""

from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from app.core.clock import now_utc
from app.extensions import db
from app.invites.services import CURRENT_STATES, INVITE_STATES, available, code_of, invite
from app.requests.models import ConsultationRequest


def sessions_to_export(include_all: bool) -> list[ConsultationRequest]:
    states = INVITE_STATES if include_all else CURRENT_STATES
    query = (
        select(ConsultationRequest)
        .where(ConsultationRequest.state.in_(states), ConsultationRequest.scheduled_start.is_not(None))
        .order_by(ConsultationRequest.scheduled_start, ConsultationRequest.id)
    )
    return [req for req in db.session.scalars(query) if available(req)]


def export(out_dir: str | Path, *, include_all: bool = False, now: datetime | None = None) -> list[Path]:
    """Write the current invite of each session to out_dir/<booking code>.ics (<reference>.ics
    for a session without a code); the paths written."""
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    now = now or now_utc()
    written = []
    for req in sessions_to_export(include_all):
        one = invite(req, now)
        path = folder / f"{code_of(req)}.ics"
        path.write_bytes(one.content)
        written.append(path)
    return written
