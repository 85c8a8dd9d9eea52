"""`flask seed-demo`: a living demo system (regions, policy, topics, rooms, people, requests).

Idempotent: every row is looked up by its natural key (email, topic code, room name, a demo
request's agenda) and only what is missing is added, so running it again changes nothing.
Demo requests are placed around the next day the front desk is open (app.seed_clock: future
sessions for open requests, past ones for held and no-show) and reach their state through
the domain's transition table.
"""

from datetime import datetime, timedelta

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from app import seed_data as data
from app import seed_files
from app.auth.models import Role, UnitType, User
from app.auth.passwords import hash_password
from app.catalog.models import NarasumberProfile, Room, Topic
from app.core import audit
from app.core.clock import WIB, now_utc
from app.core.urls import public_url_for
from app.domain.policy import Mode
from app.domain.states import Action, RequestState, transition
from app.extensions import db
from app.policy.services import FIRST_VERSION_FROM, ensure_default_policy, policy_in_force, work_calendar
from app.regions.models import Region
from app.regions.services import load_regions
from app.requests.models import ConsultationRequest, DelegationMember, PreferredWindow
from app.scheduling.models import AssignmentStatus, NarasumberAssignment, RoomBooking
from app.seed_activity import seed_activity
from app.seed_clock import SeedClock, at_wib

POLICY_SINCE = FIRST_VERSION_FROM
# Decisions the coordinator takes; the others are the Pemda's own.
PEMDA_ACTIONS = {Action.WITHDRAW, Action.CONFIRM, Action.EDIT}


@click.command("seed-demo")
@with_appcontext
def seed_demo_command() -> None:
    """Load the demo data; safe to run again. Refused in production."""
    if current_app.config.get("REFUSE_UNSAFE_START"):  # set by APP_ENV=production only
        click.echo(
            "seed-demo refused: this is a production installation (APP_ENV=production). Demo "
            "accounts share a published password; use `flask setup --email ...` instead.",
            err=True,
        )
        raise SystemExit(1)
    added = seed_demo()
    db.session.commit()
    click.echo("demo data: " + ", ".join(f"{n} {what} added" for what, n in added.items()))
    if current_app.config.get("SHOW_DEMO_LOGINS"):
        click.echo(demo_logins_table())
    else:
        click.echo("demo logins are shown only in development (SHOW_DEMO_LOGINS)")


def seed_demo() -> dict[str, int]:
    """Add whatever demo rows are missing; returns how many of each kind were added."""
    added = dict.fromkeys(("regions", "topics", "rooms", "users", "requests"), 0)
    added["regions"], _ = load_regions()
    ensure_default_policy(POLICY_SINCE)
    topics = {code: _topic(code, name, text, i, added) for i, (code, name, text) in enumerate(data.TOPICS)}
    rooms = [_room(name, capacity, added) for name, capacity in data.ROOMS]
    users = {email: _user(email, name, Role(role), added) for email, name, role in data.STAFF}
    for n, name, unit, codes, hours in data.NARASUMBER:
        user = _user(f"narasumber{n}@demo.djpk.go.id", name, Role.NARASUMBER, added)
        _profile(user, unit, [topics[c] for c in codes], hours)
    for email, name, phone, code, unit, active in data.PEMDA:
        region = db.session.scalars(select(Region).where(Region.code == code)).one()
        users[email] = _user(
            email, name, Role.PEMDA, added, phone=phone, region=region, unit=UnitType(unit), active=active
        )
    coordinator = users["koordinator@demo.djpk.go.id"]
    for spec in data.REQUESTS:
        if _request(spec, users[spec["owner"]], coordinator, topics, rooms):
            added["requests"] += 1
    db.session.flush()
    seed_activity(users[data.STAFF[0][0]], coordinator, users[data.STAFF[2][0]], added)
    return added


def demo_logins_table() -> str:
    rows = [
        ("admin", data.STAFF[0][0]),
        ("coordinator", data.STAFF[1][0]),
        ("receptionist", data.STAFF[2][0]),
    ]
    rows += [("narasumber", f"narasumber{n}@demo.djpk.go.id") for n, *_ in data.NARASUMBER]
    rows += [("pemda", email) for email, *_rest, active in data.PEMDA if active]
    width = max(len(email) for _, email in rows)
    login_url = public_url_for("auth.login")  # follows make run's PORT
    lines = [f"Demo logins (development only) at {login_url}", f"{'role':<13} {'email':<{width}}  password"]
    lines += [f"{role:<13} {email:<{width}}  {data.DEMO_PASSWORD}" for role, email in rows]
    lines.append(
        "Staff set up an authenticator app (TOTP: Google/Microsoft Authenticator, FreeOTP) at their "
        "first login; Pemda operators may turn it on under /akun."
    )
    return "\n".join(lines)


# Reference data and people -------------------------------------------------------------


def _topic(code: str, name: str, text: str, position: int, added: dict) -> Topic:
    topic = db.session.scalars(select(Topic).where(Topic.code == code)).first()
    if topic is None:
        topic = Topic(code=code, name=name, description=text, active=True, sort_order=(position + 1) * 10)
        db.session.add(topic)
        db.session.flush()
        audit.record("topic.create", topic, after={"code": code, "name": name})
        added["topics"] += 1
    return topic


def _room(name: str, capacity: int, added: dict) -> Room:
    room = db.session.scalars(select(Room).where(Room.name == name)).first()
    if room is None:
        room = Room(name=name, floor=data.ROOM_FLOOR, capacity=capacity, active=True)
        db.session.add(room)
        db.session.flush()
        audit.record("room.create", room, after={"name": name, "capacity": capacity})
        added["rooms"] += 1
    return room


def _user(
    email: str, name: str, role: Role, added: dict, *, phone=None, region=None, unit=None, active=True
) -> User:
    user = db.session.scalars(select(User).where(User.email == email)).first()
    if user is not None:
        return user
    now = now_utc()
    user = User(
        email=email,
        name=name,
        phone=phone,
        password_hash=hash_password(data.DEMO_PASSWORD),
        role=role,
        region_id=region.id if region else None,
        unit_type=unit,
        created_at=now,
        email_verified_at=now,
        activated_at=now if active else None,
        session_version=1,
    )
    db.session.add(user)
    db.session.flush()
    audit.record("user.create", user, after={"email": email, "role": role, "active": active})
    added["users"] += 1
    return user


def _profile(user: User, unit: str, topics: list[Topic], hours: dict) -> None:
    query = select(NarasumberProfile).where(NarasumberProfile.user_id == user.id)
    if db.session.scalars(query).first() is None:
        db.session.add(
            NarasumberProfile(
                user=user, unit=unit, topics=topics, working_hours=hours, max_per_day=3, max_per_week=10
            )
        )


# Requests ------------------------------------------------------------------------------


def _request(spec: dict, owner: User, coordinator: User, topics: dict, rooms: list[Room]) -> bool:
    exists = select(ConsultationRequest.id).where(
        ConsultationRequest.created_by_id == owner.id, ConsultationRequest.agenda == spec["agenda"]
    )
    if db.session.scalars(exists).first() is not None:
        return False
    now = now_utc()
    version, values = policy_in_force(now)
    clock = SeedClock.at(now, work_calendar(), values)
    mode = Mode(spec["mode"])
    start = clock.start(spec)
    end = start + timedelta(minutes=values.session_minutes)
    submitted = clock.submitted(start, values.lead_working_days(mode))
    req = ConsultationRequest(
        region_id=owner.region_id,
        unit_type=owner.unit_type,
        created_by_id=owner.id,
        mode=mode,
        state=RequestState.SUBMITTED,
        agenda=spec["agenda"],
        contact_name=owner.name,
        contact_email=owner.email,
        contact_phone=owner.phone or "",
        policy_version_id=version.id if version else None,
        submitted_at=submitted,
        updated_at=submitted,
        regional_head_attends=spec.get("regional_head", False),
    )
    req.topics = [topics[code] for code in spec["topics"]]
    second = at_wib(clock.cal.shift(start.astimezone(WIB).date(), 1), start.astimezone(WIB).time())
    req.windows = [
        PreferredWindow(position=0, start=start, end=clock.window_end(start)),
        PreferredWindow(position=1, start=second, end=clock.window_end(second)),
    ]
    req.delegation = [
        DelegationMember(position=i, name=name, title=title, is_regional_head=head)
        for i, (name, title, head) in enumerate(spec["delegation"])
    ]
    db.session.add(req)
    db.session.flush()
    if mode == Mode.FTF:
        seed_files.letter(req, owner, submitted)
    audit.record("request.submit", req, actor=owner, at=submitted, after={"state": req.state, "mode": mode})
    at = submitted
    for i, name in enumerate(spec["path"]):
        action = Action(name)
        before = req.state
        req.state = transition(req.state, action)
        at = clock.action_at(action, i, submitted, at, start, end)
        if action == Action.APPROVE:
            req.scheduled_start, req.scheduled_end = start, end
            if mode == Mode.FTF:
                req.room_id = rooms[spec.get("room", 0)].id
            else:
                req.meeting_url = data.VC_MEETING_URL
            _book(req, coordinator, at)
        if req.state in (RequestState.CANCELLED, RequestState.REJECTED):
            _release(req)
        req.state_reason = spec.get("reason") if action not in (Action.APPROVE, Action.CONFIRM) else None
        req.updated_at = at
        after = {"state": req.state, "reason": req.state_reason}
        if action == Action.APPROVE:
            after |= {"scheduled_start": start, "scheduled_end": end, "room_id": req.room_id}
        actor = owner if action in PEMDA_ACTIONS else coordinator
        audit.record(
            f"request.{action.value}", req, actor=actor, at=at, before={"state": before}, after=after
        )
    return True


def _book(req: ConsultationRequest, coordinator: User, at: datetime) -> None:
    """The narasumber covering the request's topics (first by id) and its room, booked."""
    profiles = db.session.scalars(select(NarasumberProfile).order_by(NarasumberProfile.id)).all()
    chosen: dict[int, list[str]] = {}
    for topic in req.topics:
        person = next((p for p in profiles if topic in p.topics), None)
        if person is not None:
            chosen.setdefault(person.id, []).append(topic.code)
    for person_id, codes in chosen.items():
        req.assignments.append(
            NarasumberAssignment(
                narasumber_id=person_id,
                start=req.scheduled_start,
                end=req.scheduled_end,
                active=True,
                status=AssignmentStatus.ACCEPTED,
                topic_codes=codes,
                assigned_at=at,
                assigned_by_id=coordinator.id,
                responded_at=at,
            )
        )
    if req.room_id is not None:
        req.room_bookings.append(
            RoomBooking(
                room_id=req.room_id,
                start=req.scheduled_start,
                end=req.scheduled_end,
                active=True,
                created_at=at,
            )
        )


def _release(req: ConsultationRequest) -> None:
    for row in [*req.assignments, *req.room_bookings]:
        row.active = False
        if isinstance(row, NarasumberAssignment):
            row.status = AssignmentStatus.RELEASED
