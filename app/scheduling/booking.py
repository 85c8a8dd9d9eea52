"""The booking step shared by the scheduling decisions: lock, check, insert.

lock_request() takes the write lock (BEGIN IMMEDIATE on SQLite) and re-reads the request
FOR UPDATE; lock_people() and lock_room() lock the profiles and the room (PostgreSQL) in a
fixed order, so that two bookings of one person or room run one after the other and the
second one's checks see the first one's rows. book() then checks and inserts, and
flush_or_conflict() turns PostgreSQL's exclusion violation into a SchedulingConflict.
"""

from collections.abc import Iterable
from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.catalog.models import NarasumberProfile, Room
from app.core.clock import now_utc
from app.core.db_setup import lock_row
from app.domain.policy import Mode
from app.extensions import db
from app.requests.models import ConsultationRequest
from app.scheduling.conflicts import SchedulingConflict, check_person, check_room, conflict_from
from app.scheduling.models import AssignmentStatus, NarasumberAssignment, RoomBooking


def book(req, start, end, ids, room_id, *, actor, override_reason, topic_codes, carried=None):
    """Check the people and the room under the lock, then insert their rows (flushed)."""
    if not ids:
        raise SchedulingConflict(_("Pilih minimal satu narasumber."), "narasumber_ids")
    people = lock_people(ids)
    room = None
    if req.mode == Mode.FTF:
        if room_id is None:
            raise SchedulingConflict(_("Konsultasi tatap muka memerlukan ruang."), "room_id")
        room = lock_room(room_id)
        check_room(db.session, room, start, end, needed=len(req.delegation) + len(ids))
    for pid in ids:
        check_person(db.session, people[pid], start, end, request_id=req.id)
    now = now_utc()
    assignments = []
    for pid in ids:
        codes = topic_codes.get(pid, topic_codes.get(str(pid)))
        a = new_assignment(
            req, people[pid], actor, override_reason, codes=codes, start=start, end=end, now=now
        )
        previous = (carried or {}).get(pid)
        if previous is not None and previous.status == AssignmentStatus.ACCEPTED:
            a.status, a.responded_at = previous.status, previous.responded_at
        assignments.append(a)
    if room is not None:
        req.room_bookings.append(
            RoomBooking(room_id=room.id, start=start, end=end, active=True, created_at=now)
        )
    req.room_id = room.id if room is not None else None
    req.scheduled_start, req.scheduled_end = start, end
    if req.mode == Mode.FTF:
        req.meeting_url = None
    flush_or_conflict(start, end, room.name if room is not None else None)
    return assignments


def new_assignment(req, person, actor, override_reason, *, codes=None, start=None, end=None, now=None):
    if codes is None:
        known = {t.id for t in person.topics}
        codes = [t.code for t in req.topics if t.id in known]
    a = NarasumberAssignment(
        narasumber_id=person.id,
        start=start or req.scheduled_start,
        end=end or req.scheduled_end,
        active=True,
        status=AssignmentStatus.ASSIGNED,
        topic_codes=list(codes),
        assigned_at=now or now_utc(),
        assigned_by_id=actor.id,
        override_reason=(override_reason or "").strip() or None,
    )
    a.narasumber = person
    req.assignments.append(a)
    return a


def flush_or_conflict(start: datetime, end: datetime, room_name: str | None = None) -> None:
    """Flush; PostgreSQL's refusal of an overlap becomes a SchedulingConflict."""
    try:
        db.session.flush()
    except IntegrityError as exc:
        conflict = conflict_from(exc, start=start, end=end, room_name=room_name)
        if conflict is None:
            raise
        raise conflict from exc


def lock_request(req: ConsultationRequest) -> list[NarasumberAssignment]:
    """Take the write lock, re-read the request (locked) and its active assignments."""
    lock_row(db.session, req)
    return active_rows(NarasumberAssignment, req)


def active_rows(model, req) -> list:
    return list(
        db.session.scalars(
            select(model)
            .where(model.request_id == req.id, model.active.is_(True))
            .order_by(model.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    )


def lock_people(ids: list[int]) -> dict[int, NarasumberProfile]:
    """The profiles, locked in id order (so two bookings never wait on each other in a circle)."""
    rows = db.session.scalars(
        select(NarasumberProfile)
        .where(NarasumberProfile.id.in_(ids))
        .order_by(NarasumberProfile.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).all()
    found = {p.id: p for p in rows}
    if len(found) != len(set(ids)):
        raise SchedulingConflict(_("Narasumber yang dipilih tidak ditemukan."), "narasumber_ids")
    return found


def lock_room(room_id: int) -> Room:
    room = db.session.scalars(
        select(Room).where(Room.id == room_id).with_for_update().execution_options(populate_existing=True)
    ).first()
    if room is None:
        raise SchedulingConflict(_("Ruang yang dipilih tidak ditemukan."), "room_id")
    return room


def check_times(start: datetime, end: datetime, now: datetime | None = None) -> None:
    """A session is booked (or moved) from now on: a start already past is refused."""
    if start is None or end is None or start.tzinfo is None or end.tzinfo is None:
        raise SchedulingConflict(_("Waktu mulai dan selesai wajib diisi."), "start")
    if end <= start:
        raise SchedulingConflict(_("Waktu selesai harus setelah waktu mulai."), "end")
    if start <= (now or now_utc()):
        raise SchedulingConflict(_("Waktu mulai sudah lewat; pilih waktu yang akan datang."), "start")


def unique_ids(ids: Iterable[int]) -> list[int]:
    return list(dict.fromkeys(int(i) for i in ids or []))


def meeting_url_for(req: ConsultationRequest, given: str | None) -> str:
    url = (given or "").strip()
    if not url:
        template = current_app.config.get("MEETING_URL_TEMPLATE") or ""
        url = template.format(reference=req.reference) if template else ""
    if not url:
        raise SchedulingConflict(_("Tautan rapat wajib diisi untuk konsultasi video."), "meeting_url")
    if not url.startswith(("https://", "http://")) or len(url) > 500:
        raise SchedulingConflict(_("Tautan rapat harus diawali https://."), "meeting_url")
    return url


def snapshot(req: ConsultationRequest, assignments: list[NarasumberAssignment]) -> dict:
    """The booking as the audit log keeps it."""
    return {
        "state": req.state,
        "mode": req.mode,
        "start": req.scheduled_start,
        "end": req.scheduled_end,
        "room_id": req.room_id,
        "meeting_url": req.meeting_url,
        "narasumber": [a.narasumber_id for a in assignments],
    }


def release_rows(req: ConsultationRequest, *, people: bool = True, rooms: bool = True) -> dict:
    """Make the request's active assignments and bookings inactive (status released).

    Returns what was released: {"assignments": [...], "bookings": [...]}. A declined
    assignment keeps its status (it is already inactive).
    """
    released: dict[str, list] = {"assignments": [], "bookings": []}
    if people:
        for a in active_rows(NarasumberAssignment, req):
            a.active = False
            a.status = AssignmentStatus.RELEASED
            released["assignments"].append(a)
    if rooms:
        for b in active_rows(RoomBooking, req):
            b.active = False
            released["bookings"].append(b)
    return released


def refuse_if_arrived(req: ConsultationRequest) -> None:
    """A delegation checked in at the front desk is in the building: its session can no longer
    be moved, cancelled or converted (it becomes held at its end, app.checkin.tasks)."""
    if getattr(req, "visit", None) is not None:
        raise SchedulingConflict(arrived_message())


def arrived_message() -> str:
    return _(
        "Delegasi sudah tiba dan tercatat di resepsionis; sesi ini tidak dapat dipindah, "
        "dibatalkan, atau diubah ke video conference lagi."
    )


def required_reason(reason: str | None) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise SchedulingConflict(_("Alasan wajib diisi."), "reason")
    return reason
