"""Rows for the front-desk tests: a face-to-face session today with its booking code, a
narasumber, and (when asked) the Pemda's attendance confirmation, made directly."""

from datetime import datetime, timedelta

from sqlalchemy import select

from app.attendance.models import AttendanceConfirmation, ConfirmedGuest
from app.compliance.models import Breach
from app.core.clock import WIB
from app.domain.booking_codes import new_code
from app.domain.policy import Mode
from app.domain.states import RequestState
from app.extensions import db
from app.outbox.models import OutboxMessage
from app.scheduling.models import AssignmentStatus, NarasumberAssignment
from tests import factories
from tests.scheduling import factories as people

# Tuesday 8 December 2026, 09:10 WIB: the desk is open, the 09:00 session has started.
NOW = datetime(2026, 12, 8, 9, 10, tzinfo=WIB)
START = datetime(2026, 12, 8, 9, 0, tzinfo=WIB)


def session(
    owner,
    *,
    start: datetime = START,
    mode: Mode = Mode.FTF,
    confirmed_guests: int | None = 5,
    head_attends: bool = False,
    delegation: int = 5,
    narasumber=None,
    with_letter: bool | None = None,
):
    """A scheduled session of `owner`'s Pemda; CONFIRMED with `confirmed_guests` guests
    unless that is None."""
    req = factories.consultation(owner, mode=mode, start=start, guests=delegation, with_letter=with_letter)
    req.state = RequestState.SCHEDULED
    req.scheduled_start = start
    req.scheduled_end = start + timedelta(hours=1)
    req.booking_code = new_code()
    if narasumber is not None:
        db.session.add(
            NarasumberAssignment(
                request_id=req.id,
                narasumber_id=narasumber.id,
                start=req.scheduled_start,
                end=req.scheduled_end,
                active=True,
                status=AssignmentStatus.ACCEPTED,
                assigned_at=start - timedelta(days=7),
            )
        )
    if confirmed_guests is not None:
        confirm(req, owner, confirmed_guests, head_attends)
    db.session.flush()
    return req


def confirm(req, owner, guests: int, head_attends: bool = False) -> AttendanceConfirmation:
    at = req.scheduled_start - timedelta(days=2)
    conf = AttendanceConfirmation(
        request_id=req.id,
        regional_head_attends=head_attends,
        confirmed_at=at,
        confirmed_by_id=owner.id,
        updated_at=at,
        updated_by_id=owner.id,
        version=1,
    )
    conf.guests = [
        ConfirmedGuest(
            position=i,
            name="Bupati Brebes" if head_attends and i == 0 else f"Tamu Terkonfirmasi {i + 1}",
            title="Bupati" if head_attends and i == 0 else "Kepala Bidang",
            is_regional_head=head_attends and i == 0,
        )
        for i in range(guests)
    ]
    db.session.add(conf)
    req.state = RequestState.CONFIRMED
    db.session.flush()
    return conf


def narasumber(name: str = "Ani Rahmawati"):
    return people.narasumber(name)


def checkin_data(ticked, extra=(), head: bool | None = False, time: str = "09:10") -> dict:
    data = {"present": [str(i) for i in ticked], "arrival_time": time}
    if head is not None:
        data["regional_head_present"] = "1" if head else "0"
    data["extra_name"] = [name for name, _title in extra]
    data["extra_title"] = [title for _name, title in extra]
    return data


def breaches() -> list[Breach]:
    db.session.expire_all()
    return list(db.session.scalars(select(Breach).order_by(Breach.id)))


def outbox(kind: str | None = None) -> list[OutboxMessage]:
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    if kind:
        query = query.where(OutboxMessage.kind == kind)
    return list(db.session.scalars(query))
