"""The invite of a session: who it goes to, what it says, its SEQUENCE.

The booking services (app.scheduling.services) call touch() in the same transaction as
every schedule, reschedule and cancellation, so that SEQUENCE rises with each change and a
CANCEL reaches the people the last REQUEST reached (cancelling releases the narasumber).
A session without a recorded state (made before invites existed, or by hand) may still have
an invite with SEQUENCE 0 in someone's calendar: its first change is announced as SEQUENCE 1,
and a CANCEL after a REQUEST is announced one SEQUENCE higher.

Every absolute link in a calendar file is built from one configured public address
(PUBLIC_URL, through app.core.urls), never from the request's Host: the same file is
downloaded, subscribed to and emailed by the scheduler, and a forged Host must not reach it.

Texts are Indonesian (Flask-Babel msgids): an invite built outside a request (the scheduler,
the export command) is in Indonesian, a download follows the user's language.
"""

import contextlib
from dataclasses import dataclass, replace
from datetime import datetime

from flask import current_app, has_request_context
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from app.core.clock import now_utc
from app.core.urls import public_url
from app.domain.policy import Mode
from app.domain.states import RequestState
from app.extensions import db
from app.invites import ics
from app.invites.models import InviteState
from app.requests.models import ConsultationRequest
from app.scheduling.models import AssignmentStatus, NarasumberAssignment

S = RequestState
# States in which a session has (or had) a time, so an invite.
INVITE_STATES = frozenset({S.SCHEDULED, S.CONFIRMED, S.HELD, S.NO_SHOW, S.CANCELLED})
CURRENT_STATES = frozenset({S.SCHEDULED, S.CONFIRMED})

DEFAULTS = {
    "INVITE_ORGANIZER": "mailto:konsultasi@djpk.kemenkeu.go.id",
    "INVITE_ORGANIZER_NAME": "Konsultasi DJPK",
    "INVITE_UID_DOMAIN": "djpk.kemenkeu.go.id",
    "FRONT_DESK_EMAIL": "resepsionis@djpk.kemenkeu.go.id",
    "FRONT_DESK_NAME": "Resepsionis DJPK",
    "INVITE_ADDRESS": "Gedung Radius Prawiro lantai 9, Jl. Dr. Wahidin Raya No. 1, Jakarta Pusat 10710",
}


def setting(name: str) -> str:
    return current_app.config.get(name) or DEFAULTS[name]


@dataclass(frozen=True)
class Invite:
    method: str  # REQUEST | CANCEL
    content: bytes
    filename: str  # <reference>.ics

    @property
    def content_type(self) -> str:
        # The MIME method parameter equals the METHOD inside (RFC 6047).
        return f"text/calendar; charset=utf-8; method={self.method}"


def available(req: ConsultationRequest) -> bool:
    """True when the session has (or had) a time, so an invite exists."""
    return req.scheduled_start is not None and req.scheduled_end is not None and req.state in INVITE_STATES


def method_of(req: ConsultationRequest) -> str:
    return "CANCEL" if req.state == S.CANCELLED else "REQUEST"


def uid_of(req: ConsultationRequest) -> str:
    return f"konsultasi-{req.id}@{setting('INVITE_UID_DOMAIN')}"


def state_of(req: ConsultationRequest) -> InviteState | None:
    return db.session.get(InviteState, req.id)


def touch(req: ConsultationRequest, method: str, *, first: bool = False) -> InviteState:
    """Record that the session's invite changed (REQUEST) or was withdrawn (CANCEL).

    Called by the booking services before they commit. first: the session is being given
    its first time (scheduling), SEQUENCE 0. Every other call gives one more than the
    recorded SEQUENCE; without a record, 1 (an invite with SEQUENCE 0 may be out there, and a
    client ignores a version that is not higher). Call it while the narasumber are still
    assigned (for a cancellation: before their assignments are released).
    """
    if method not in ics.METHODS:
        raise ValueError(f"unknown iTIP method {method!r}")
    invited = [[p.email, p.name, p.role] for p in _live_attendees(req)]
    state = state_of(req)
    if state is None:
        state = InviteState(request_id=req.id, sequence=0 if first else 1)
    else:
        state.sequence += 1
    state.last_method = method
    state.attendees = invited
    state.updated_at = now_utc()
    db.session.add(state)
    return state


def adopt(req: ConsultationRequest) -> InviteState | None:
    """Record the invite of a session that has a time but no state (the demo seed, an import)
    as announced: SEQUENCE 0, or 1 for a cancelled one (its REQUEST, then its CANCEL), to the
    people the invite reaches now. None when there is no invite or a state exists already."""
    if not available(req) or state_of(req) is not None:
        return None
    method = method_of(req)
    invited = [[p.email, p.name, p.role] for p in attendees_of(req, method)]
    state = InviteState(
        request_id=req.id,
        sequence=sequence_of(req, method),
        last_method=method,
        attendees=invited,
        updated_at=now_utc(),
    )
    db.session.add(state)
    return state


def bump(req: ConsultationRequest) -> InviteState:
    """touch() with the method the session's state calls for."""
    return touch(req, method_of(req))


def sequence_of(req: ConsultationRequest, method: str | None = None) -> int:
    """The SEQUENCE of the invite now (one more than recorded if it was cancelled untouched)."""
    state = state_of(req)
    method = method or method_of(req)
    if state is None:  # never recorded: the first REQUEST, and a CANCEL comes after it
        return 1 if method == "CANCEL" else 0
    return state.sequence + (1 if method == "CANCEL" and state.last_method != "CANCEL" else 0)


def invite(req: ConsultationRequest, now: datetime | None = None) -> Invite:
    """The current invite of the session (REQUEST, or CANCEL once cancelled)."""
    method = method_of(req)
    with locale_context():
        event = session_event(req, method=method, attendees=True)
    content = ics.build_invite(event, method=method, now=now or now_utc())
    return Invite(method=method, content=content, filename=f"{req.reference}.ics")


def personal_cancel(
    req: ConsultationRequest, person: ics.Person, *, converted: bool = False, now: datetime | None = None
) -> Invite:
    """A CANCEL for one attendee the session goes on without: a narasumber dropped by a
    reschedule or replaced, or the front desk of a visit turned into a video conference.

    Same UID, the SEQUENCE of the change that dropped them (touch() raised it), only that
    attendee and no STATUS (RFC 5546 section 3.2.5): their calendar drops the event, nobody
    else's does, and the session is not announced as cancelled.
    """
    with locale_context():
        event = session_event(req, method="REQUEST", attendees=False)
        if converted:
            note = _("Konsultasi ini diubah menjadi video conference: tidak ada kunjungan tatap muka.")
        else:
            note = _("Anda tidak lagi diundang ke sesi ini; sesi tetap berlangsung tanpa Anda.")
        summary = _("DIBATALKAN: %(summary)s", summary=event.summary)
    event = replace(
        event,
        summary=summary,
        description=f"{note}\n\n{event.description}",
        attendees=(person,),
        sequence=sequence_of(req, "REQUEST"),
    )
    content = ics.build_uninvite(event, now=now or now_utc())
    return Invite(method="CANCEL", content=content, filename=f"{req.reference}.ics")


def session_event(req: ConsultationRequest, *, method: str, attendees: bool) -> ics.SessionEvent:
    """The session as plain values for app.invites.ics (call inside a locale)."""
    mode = _("tatap muka") if req.mode == Mode.FTF else _("video conference")
    summary = _("Konsultasi DJPK – %(who)s (%(mode)s)", who=req.service_user_name, mode=mode)
    cancelled = method == "CANCEL"
    return ics.SessionEvent(
        uid=uid_of(req),
        start=req.scheduled_start,
        end=req.scheduled_end,
        summary=_("DIBATALKAN: %(summary)s", summary=summary) if cancelled else summary,
        description=_description(req, cancelled),
        location=location_of(req),
        url=req.meeting_url if req.mode == Mode.VC and req.meeting_url else None,
        organizer=ics.Person(setting("INVITE_ORGANIZER"), setting("INVITE_ORGANIZER_NAME")),
        attendees=tuple(attendees_of(req, method)) if attendees else (),
        sequence=sequence_of(req, method),
        cancelled=cancelled,
        alarm_text=_("Konsultasi DJPK dimulai 30 menit lagi: %(who)s", who=req.service_user_name),
        categories=tuple(t.code for t in req.topics),
    )


def location_of(req: ConsultationRequest) -> str:
    address = setting("INVITE_ADDRESS")
    if req.mode == Mode.FTF:
        return room_place(req.room.name, address) if req.room else address
    return req.meeting_url or _("Video conference")


def room_place(room_name: str, address: str) -> str:
    """The room and the address, naming the building once ("Ruang 1, Gedung Radius Prawiro")."""
    head, comma, tail = room_name.rpartition(",")
    if comma and tail.strip() and address.lower().startswith(tail.strip().lower()):
        room_name = head.strip()
    return f"{room_name}, {address}"


def code_of(req: ConsultationRequest) -> str:
    """What people read out and type at /verifikasi: the booking code ("ABCDE-FGHJK"), or the
    reference for a session scheduled before booking codes existed."""
    return req.booking_code_display if req.booking_code else req.reference


def verify_url(req: ConsultationRequest) -> str:
    return public_url("/verifikasi", kode=code_of(req))


def attendees_of(req: ConsultationRequest, method: str) -> list[ics.Person]:
    """Who the invite goes to: a CANCEL to those the last REQUEST reached, else who is now in."""
    state = state_of(req)
    if method == "CANCEL" and state is not None and state.attendees:
        return [ics.Person(email, name, role) for email, name, role in state.attendees]
    return _live_attendees(req, released=method == "CANCEL")


def _live_attendees(req: ConsultationRequest, *, released: bool = False) -> list[ics.Person]:
    """The Pemda contact, each narasumber, and for a face-to-face session the front desk.

    released: a session cancelled without touch(): its narasumber are those whose
    assignment was released at the session's time.
    """
    people = [ics.Person(req.contact_email, req.contact_name)]
    query = select(NarasumberAssignment).where(NarasumberAssignment.request_id == req.id)
    if released:
        query = query.where(
            NarasumberAssignment.status == AssignmentStatus.RELEASED,
            NarasumberAssignment.start == req.scheduled_start,
            NarasumberAssignment.end == req.scheduled_end,
        )
    else:
        query = query.where(NarasumberAssignment.active.is_(True))
    seen = {req.contact_email.lower()}
    for a in db.session.scalars(query.order_by(NarasumberAssignment.id)):
        user = a.narasumber.user
        if user.email.lower() not in seen:
            seen.add(user.email.lower())
            people.append(ics.Person(user.email, user.name))
    if req.mode == Mode.FTF and setting("FRONT_DESK_EMAIL").lower() not in seen:
        people.append(ics.Person(setting("FRONT_DESK_EMAIL"), setting("FRONT_DESK_NAME"), "NON-PARTICIPANT"))
    return people


def _description(req: ConsultationRequest, cancelled: bool) -> str:
    lines = []
    if cancelled:
        lines.append(_("Sesi konsultasi ini DIBATALKAN."))
        if req.state_reason:
            lines.append(_("Alasan: %(reason)s", reason=req.state_reason))
        lines.append("")
    lines.append(_("Pengguna layanan: %(who)s", who=req.service_user_name))
    topics = ", ".join(f"{t.code} ({t.name})" for t in req.topics)
    lines.append(_("Topik: %(topics)s", topics=topics))
    lines.append(_("Agenda: %(agenda)s", agenda=req.agenda.strip()))
    if req.mode == Mode.FTF:
        lines.append(_("Tempat: %(place)s", place=location_of(req)))
    elif req.meeting_url:
        lines.append(_("Tautan rapat: %(url)s", url=req.meeting_url))
    lines.append(_("Kode pemesanan: %(code)s", code=code_of(req)))
    lines.append(_("Periksa keaslian undangan ini: %(url)s", url=verify_url(req)))
    lines.append("")
    lines.append(_("DJPK tidak pernah memungut biaya apa pun untuk layanan konsultasi."))
    return "\n".join(lines)


def locale_context():
    # Outside a request (scheduler, CLI) there is no user: invites are in Indonesian.
    return contextlib.nullcontext() if has_request_context() else force_locale("id")
