"""What the administrator maintains about people and places: narasumber profiles (unit,
topics, weekly working hours, caps), their leave and blocked periods, and rooms.

Every change is checked for the admin role and written to the audit log in the caller's
transaction; the route commits once. Rooms are never deleted (sessions keep pointing at
them): they are deactivated. Problems a user can fix come back as AdminError.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.admin.services import AdminError, require_role
from app.auth.models import Role, User
from app.catalog.models import NarasumberProfile, Room, Topic, narasumber_topics
from app.core import audit
from app.core.clock import WIB, now_utc
from app.extensions import db
from app.scheduling.models import NarasumberAssignment, RoomBooking, Unavailability
from app.scheduling.suggestions import LONGEST_SESSION

UNAVAILABILITY_KINDS = ("leave", "blocked")


def wib_to_utc(local: datetime) -> datetime:
    """A naive date and time typed in WIB, as an aware UTC datetime."""
    return local.replace(tzinfo=WIB).astimezone(UTC)


# Narasumber profiles -------------------------------------------------------------------


@dataclass
class ProfileRow:
    """A line of the narasumber list: what it shows of a profile and its user, read as plain
    columns (two hundred profiles with their users and topics as ORM objects were half of
    the page's time)."""

    id: int
    user_id: int
    name: str
    deactivated: bool
    unit: str
    max_per_day: int
    max_per_week: int
    upcoming: int  # active assignments still to come
    topic_codes: list[str]


def list_profiles(now: datetime | None = None) -> list[ProfileRow]:
    now = now or now_utc()
    A, P = NarasumberAssignment, NarasumberProfile
    # Counted per person on the (narasumber_id, start, end) index: a session lies within one
    # day, so one still running started less than a day ago.
    upcoming = (
        select(func.count())
        .where(
            A.narasumber_id == P.id,
            A.active.is_(True),
            A.start >= now - LONGEST_SESSION,
            A.end > now,
        )
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(
            P.id,
            P.user_id,
            User.name,
            User.deactivated_at,
            P.unit,
            P.max_per_day,
            P.max_per_week,
            upcoming,
        )
        .join(P.user)
        .order_by(User.name)
    ).all()
    # In the catalogue's order (the relationship has none: the list showed them as stored).
    codes: dict[int, list[str]] = {}
    for profile_id, code in db.session.execute(
        select(narasumber_topics.c.narasumber_id, Topic.code)
        .join(Topic, Topic.id == narasumber_topics.c.topic_id)
        .order_by(Topic.sort_order, Topic.code)
    ):
        codes.setdefault(profile_id, []).append(code)
    return [
        ProfileRow(
            id=r.id,
            user_id=r.user_id,
            name=r.name,
            deactivated=r.deactivated_at is not None,
            unit=r.unit,
            max_per_day=r.max_per_day,
            max_per_week=r.max_per_week,
            upcoming=r[-1],
            topic_codes=codes.get(r.id, []),
        )
        for r in rows
    ]


def topic_choices(profile: NarasumberProfile | None = None) -> list[Topic]:
    """Active topics, plus inactive ones the profile already has (so that they are kept)."""
    own = {t.id for t in profile.topics} if profile else set()
    topics = db.session.scalars(select(Topic).order_by(Topic.sort_order, Topic.code))
    return [t for t in topics if t.active or t.id in own]


def profile_snapshot(profile: NarasumberProfile) -> dict:
    return {
        "unit": profile.unit,
        "topics": sorted(t.code for t in profile.topics),
        "working_hours": profile.working_hours,
        "max_per_day": profile.max_per_day,
        "max_per_week": profile.max_per_week,
    }


@dataclass
class ProfileData:
    unit: str
    topic_ids: list[int]
    # Monday=0 .. Friday=4 → (start, end) "HH:MM" in WIB, or None when not available.
    hours: dict[int, tuple[str, str] | None]
    max_per_day: int
    max_per_week: int


def working_hours_of(hours: dict[int, tuple[str, str] | None]) -> dict:
    result = {}
    for day in range(5):
        span = hours.get(day)
        if span is None:
            result[str(day)] = []
            continue
        start, end = span
        if end <= start:
            raise AdminError(_("Jam selesai harus sesudah jam mulai."), "days")
        result[str(day)] = [[start, end]]
    return result


def update_profile(profile: NarasumberProfile, data: ProfileData, actor: User) -> bool:
    """Returns whether anything changed."""
    require_role(actor, Role.ADMIN)
    allowed = {t.id: t for t in topic_choices(profile)}
    unknown = [i for i in data.topic_ids if i not in allowed]
    if unknown:
        raise AdminError(_("Pilih topik dari daftar yang tersedia."), "topics")
    if data.max_per_day < 1 or data.max_per_week < 1:
        raise AdminError(_("Batas sesi harus bilangan bulat positif."), "max_per_day")
    if data.max_per_day > data.max_per_week:
        raise AdminError(_("Batas per hari tidak boleh melebihi batas per minggu."), "max_per_day")
    unit = " ".join((data.unit or "").split())
    if not unit:
        raise AdminError(_("Wajib diisi."), "unit")
    before = profile_snapshot(profile)
    profile.unit = unit
    profile.topics = [allowed[i] for i in dict.fromkeys(data.topic_ids)]
    profile.working_hours = working_hours_of(data.hours)
    profile.max_per_day = data.max_per_day
    profile.max_per_week = data.max_per_week
    after = profile_snapshot(profile)
    if after == before:
        return False
    audit.record("narasumber.update", profile, actor=actor, before=before, after=after)
    return True


def day_hours(profile: NarasumberProfile, day: int) -> tuple[str, str] | None:
    """The span of `day` as the form shows it: earliest start to latest end, or None."""
    spans = (profile.working_hours or {}).get(str(day)) or []
    if not spans:
        return None
    return min(s[0] for s in spans), max(s[1] for s in spans)


# Leave and blocked periods -------------------------------------------------------------


def unavailability_of(profile: NarasumberProfile) -> list[Unavailability]:
    return list(
        db.session.scalars(
            select(Unavailability)
            .where(Unavailability.narasumber_id == profile.id)
            .order_by(Unavailability.start.desc())
        )
    )


def _period(row: Unavailability) -> dict:
    return {"start": row.start, "end": row.end, "kind": row.kind, "reason": row.reason}


def add_unavailability(
    profile: NarasumberProfile,
    *,
    start_wib: datetime,
    end_wib: datetime,
    kind: str,
    reason: str | None,
    actor: User,
) -> tuple[Unavailability, list[NarasumberAssignment]]:
    """Adds the period; returns it with the active assignments it overlaps (to reassign)."""
    require_role(actor, Role.ADMIN)
    if kind not in UNAVAILABILITY_KINDS:
        raise AdminError(_("Pilih jenis dari daftar."), "kind")
    start, end = wib_to_utc(start_wib), wib_to_utc(end_wib)
    if end <= start:
        raise AdminError(_("Waktu selesai harus sesudah waktu mulai."), "end")
    row = Unavailability(
        narasumber_id=profile.id, start=start, end=end, kind=kind, reason=(reason or "").strip() or None
    )
    db.session.add(row)
    db.session.flush()
    audit.record(
        "narasumber.unavailability_add", row, actor=actor, after=_period(row) | {"narasumber": profile.id}
    )
    clashes = db.session.scalars(
        select(NarasumberAssignment)
        .where(
            NarasumberAssignment.narasumber_id == profile.id,
            NarasumberAssignment.active.is_(True),
            NarasumberAssignment.start < end,
            NarasumberAssignment.end > start,
        )
        .order_by(NarasumberAssignment.start)
    )
    return row, list(clashes)


def remove_unavailability(profile: NarasumberProfile, row: Unavailability, actor: User) -> None:
    require_role(actor, Role.ADMIN)
    if row.narasumber_id != profile.id:
        raise AdminError(_("Periode ini bukan milik narasumber tersebut."))
    audit.record(
        "narasumber.unavailability_remove", row, actor=actor, before=_period(row) | {"narasumber": profile.id}
    )
    db.session.delete(row)


# Rooms ---------------------------------------------------------------------------------


def list_rooms() -> list[Room]:
    return list(db.session.scalars(select(Room).order_by(Room.active.desc(), Room.name)))


def room_fits(room: Room, guests: int, narasumber: int) -> bool:
    """A room fits a session when it seats the delegation plus the assigned narasumber."""
    return room.active and room.capacity >= guests + narasumber


def room_snapshot(room: Room) -> dict:
    return {"name": room.name, "floor": room.floor, "capacity": room.capacity, "active": room.active}


@dataclass
class RoomData:
    name: str
    floor: str
    capacity: int
    active: bool = True


def _check_room(data: RoomData, room_id: int | None = None) -> str:
    name = " ".join(data.name.split())
    query = select(Room.id).where(func.lower(Room.name) == name.lower())
    if room_id is not None:
        query = query.where(Room.id != room_id)
    if db.session.scalars(query).first() is not None:
        raise AdminError(_("Nama “%(name)s” sudah dipakai ruang lain.", name=name), "name")
    if data.capacity < 1:
        raise AdminError(_("Kapasitas paling sedikit 1 orang."), "capacity")
    return name


def create_room(data: RoomData, actor: User) -> Room:
    require_role(actor, Role.ADMIN)
    room = Room(name=_check_room(data), floor=data.floor.strip(), capacity=data.capacity, active=data.active)
    db.session.add(room)
    db.session.flush()
    audit.record("room.create", room, actor=actor, after=room_snapshot(room))
    return room


def update_room(room: Room, data: RoomData, actor: User) -> bool:
    require_role(actor, Role.ADMIN)
    before = room_snapshot(room)
    room.name = _check_room(data, room.id)
    room.floor = data.floor.strip()
    room.capacity = data.capacity
    room.active = data.active
    after = room_snapshot(room)
    if after == before:
        return False
    audit.record("room.update", room, actor=actor, before=before, after=after)
    return True


def upcoming_bookings(room: Room, now: datetime | None = None) -> int:
    """Active bookings of `room` still to come: they keep the room after a deactivation."""
    return db.session.scalar(
        select(func.count())
        .select_from(RoomBooking)
        .where(
            RoomBooking.room_id == room.id, RoomBooking.active.is_(True), RoomBooking.end > (now or now_utc())
        )
    )


def set_room_active(room: Room, active: bool, actor: User) -> None:
    require_role(actor, Role.ADMIN)
    if room.active == active:
        return
    before = room_snapshot(room)
    room.active = active
    action = "room.activate" if active else "room.deactivate"
    audit.record(action, room, actor=actor, before=before, after=room_snapshot(room))
