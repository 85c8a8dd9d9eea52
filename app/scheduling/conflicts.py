"""What stops a booking: the checks run (under the write lock) before a session is saved.

Each check raises SchedulingConflict with a sentence the coordinator can act on ("Narasumber X
sudah terjadwal pada ..."). They read the database as it is now: the scheduling service calls
them after taking the write lock, so that what they saw is still true when it inserts. On
PostgreSQL the exclusion constraints of migration 0002 refuse an overlap even without them.
"""

from datetime import datetime, time, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.catalog.models import NarasumberProfile, Room
from app.core.clock import WIB
from app.core.templating import fmt_date, fmt_range
from app.scheduling.models import NarasumberAssignment, RoomBooking, Unavailability


class SchedulingConflict(Exception):
    """A booking was refused; `message` is for the coordinator, `field` the form field (if any).

    Whoever raises it has rolled the transaction back: nothing of the session was saved.
    """

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def when(start: datetime, end: datetime) -> str:
    """ "Senin, 7 Desember 2026 09.00–10.00 WIB": DJPK plans in WIB."""
    return fmt_range(start, end, "Asia/Jakarta")


def _overlapping(model, column, key: int, start: datetime, end: datetime, session):
    return session.scalars(
        select(model)
        .where(column == key, model.active.is_(True), model.start < end, model.end > start)
        .order_by(model.start)
        .limit(1)
    ).first()


def check_person(
    session, person: NarasumberProfile, start: datetime, end: datetime, *, request_id: int
) -> None:
    """Working hours, leave, caps per day and week, and overlap with their other sessions."""
    name = person.user.name
    if not person.user.is_active:
        raise SchedulingConflict(_("Akun narasumber %(name)s tidak aktif.", name=name), "narasumber_ids")
    if not within_working_hours(person.working_hours or {}, start, end):
        raise SchedulingConflict(
            _("Waktu %(when)s di luar jam kerja narasumber %(name)s.", when=when(start, end), name=name),
            "narasumber_ids",
        )
    away = session.scalars(
        select(Unavailability)
        .where(
            Unavailability.narasumber_id == person.id,
            Unavailability.start < end,
            Unavailability.end > start,
        )
        .order_by(Unavailability.start)
        .limit(1)
    ).first()
    if away is not None:
        if away.kind == "leave":
            message = _(
                "Narasumber %(name)s sedang cuti pada %(when)s.", name=name, when=when(away.start, away.end)
            )
        else:
            message = _(
                "Narasumber %(name)s tidak tersedia (waktu diblokir) pada %(when)s.",
                name=name,
                when=when(away.start, away.end),
            )
        raise SchedulingConflict(message, "narasumber_ids")
    busy = _overlapping(
        NarasumberAssignment, NarasumberAssignment.narasumber_id, person.id, start, end, session
    )
    if busy is not None:
        raise SchedulingConflict(
            _(
                "Narasumber %(name)s sudah terjadwal pada %(when)s.",
                name=name,
                when=when(busy.start, busy.end),
            ),
            "narasumber_ids",
        )
    day_start, week_start = _day_and_week_start(start)
    day_count = _count(session, person.id, day_start, day_start + timedelta(days=1), request_id)
    if day_count >= person.max_per_day:
        raise SchedulingConflict(
            _(
                "Narasumber %(name)s akan melebihi batas %(n)d sesi per hari pada %(day)s.",
                name=name,
                n=person.max_per_day,
                day=fmt_date(start, "Asia/Jakarta"),
            ),
            "narasumber_ids",
        )
    week_count = _count(session, person.id, week_start, week_start + timedelta(days=7), request_id)
    if week_count >= person.max_per_week:
        raise SchedulingConflict(
            _(
                "Narasumber %(name)s akan melebihi batas %(n)d sesi per minggu pada minggu yang memuat %(day)s.",
                name=name,
                n=person.max_per_week,
                day=fmt_date(start, "Asia/Jakarta"),
            ),
            "narasumber_ids",
        )


def check_room(session, room: Room, start: datetime, end: datetime, *, needed: int) -> None:
    """Active, large enough for the delegation plus the narasumber, and free."""
    if not room.active:
        raise SchedulingConflict(_("Ruang yang dipilih (%(room)s) tidak aktif.", room=room.name), "room_id")
    check_capacity(room, needed)
    busy = _overlapping(RoomBooking, RoomBooking.room_id, room.id, start, end, session)
    if busy is not None:
        raise SchedulingConflict(
            _(
                "Ruang yang dipilih (%(room)s) sudah dipakai pada %(when)s.",
                room=room.name,
                when=when(busy.start, busy.end),
            ),
            "room_id",
        )


def check_capacity(room: Room, needed: int) -> None:
    """The room holds the delegation plus the narasumber."""
    if room.capacity < needed:
        raise SchedulingConflict(
            _(
                "Ruang yang dipilih (%(room)s) hanya memuat %(capacity)d orang, sedangkan delegasi dan narasumber "
                "berjumlah %(needed)d orang.",
                room=room.name,
                capacity=room.capacity,
                needed=needed,
            ),
            "room_id",
        )


def within_working_hours(hours: dict, start: datetime, end: datetime) -> bool:
    """Whether [start, end) lies inside one of the person's working periods of that WIB day.

    `hours` maps the weekday (Monday "0") to [["08:00", "16:00"], ...] in WIB; a day missing
    from it is not a working day.
    """
    local_start, local_end = start.astimezone(WIB), end.astimezone(WIB)
    if local_start.date() != (local_end - timedelta(microseconds=1)).date():
        return False
    begin = local_start.time()
    finish = local_end.time() if local_end.date() == local_start.date() else time.max
    for period in hours.get(str(local_start.weekday()), []):
        opens, closes = (time.fromisoformat(p) for p in period)
        if opens <= begin and finish <= closes:
            return True
    return False


def _day_and_week_start(start: datetime) -> tuple[datetime, datetime]:
    """Midnight WIB of the session's day and of the Monday of its ISO week."""
    day = start.astimezone(WIB).replace(hour=0, minute=0, second=0, microsecond=0)
    return day, day - timedelta(days=day.weekday())


def _count(session, person_id: int, since: datetime, until: datetime, request_id: int) -> int:
    """Active assignments of the person starting in [since, until), other than this request's."""
    return session.scalar(
        select(func.count(NarasumberAssignment.id)).where(
            NarasumberAssignment.narasumber_id == person_id,
            NarasumberAssignment.active.is_(True),
            NarasumberAssignment.request_id != request_id,
            NarasumberAssignment.start >= since,
            NarasumberAssignment.start < until,
        )
    )


# PostgreSQL's own refusal ------------------------------------------------------------------

EXCLUSION_VIOLATION = "23P01"  # SQLSTATE of exclusion_violation


def exclusion_constraint(exc: BaseException) -> str | None:
    """The constraint name when `exc` (an IntegrityError) is an exclusion violation, else None."""
    orig = getattr(exc, "orig", None)
    if getattr(orig, "sqlstate", None) != EXCLUSION_VIOLATION:
        return None
    diag = getattr(orig, "diag", None)
    return getattr(diag, "constraint_name", None) or ""


def conflict_from(
    exc: BaseException,
    *,
    start: datetime | None = None,
    end: datetime | None = None,
    room_name: str | None = None,
) -> SchedulingConflict | None:
    """The coordinator's message for an overlap PostgreSQL refused (None: not an overlap).

    Reached only when another transaction booked the same person or room between our checks
    and our insert, so the message says so. It takes plain values: after a failed flush the
    session can no longer load anything.
    """
    constraint = exclusion_constraint(exc)
    if constraint is None:
        return None
    known = start is not None and end is not None
    if "room" in constraint:
        if room_name is not None and known:
            message = _(
                "Ruang yang dipilih (%(room)s) baru saja dipesan untuk sesi lain pada %(when)s. "
                "Pilih waktu atau ruang lain.",
                room=room_name,
                when=when(start, end),
            )
        else:
            message = _(
                "Ruang yang dipilih baru saja dipesan untuk sesi lain pada waktu yang sama. "
                "Pilih waktu atau ruang lain."
            )
        return SchedulingConflict(message, "room_id")
    if known:
        message = _(
            "Narasumber yang dipilih baru saja dijadwalkan untuk sesi lain pada %(when)s. "
            "Pilih waktu atau narasumber lain.",
            when=when(start, end),
        )
    else:
        message = _(
            "Narasumber yang dipilih baru saja dijadwalkan untuk sesi lain pada waktu yang sama. "
            "Pilih waktu atau narasumber lain."
        )
    return SchedulingConflict(message, "narasumber_ids")
