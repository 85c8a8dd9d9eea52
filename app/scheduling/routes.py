"""The coordinator's pages: the queue, a request's review page (with its decision panel and
the suggested slots) and the calendar. The decision routes are in decision_routes.py; they
show the review page again through render_detail() when a form is refused.
"""

from datetime import date, time
from functools import lru_cache

from babel.dates import format_time
from flask import abort, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup, escape
from sqlalchemy import select
from sqlalchemy.orm import contains_eager, joinedload
from wtforms import SelectChoice

from app.catalog.models import NarasumberProfile, Room, Topic
from app.core.access import coordinator_required
from app.core.clock import WIB, now_utc
from app.core.mail import drop_queued
from app.domain.policy import Mode
from app.domain.slots import RoomInfo
from app.domain.states import ACTIVE_SESSION_STATES, Action, RequestState, allowed
from app.extensions import db
from app.narasumber.labels import template_helpers as people_labels
from app.requests.labels import STATE_LABELS, state_label, template_helpers
from app.requests.models import ConsultationRequest, request_topics
from app.scheduling import bp, declines, review, suggestions
from app.scheduling import calendar as calendar_view
from app.scheduling import queue as worklist
from app.scheduling.forms import (
    CalendarFilterForm,
    CancelForm,
    ConvertForm,
    QueueFilterForm,
    ReasonForm,
    RequestChangesForm,
    RescheduleForm,
    ScheduleForm,
    checkbox_rows,
)
from app.scheduling.models import AssignmentStatus, NarasumberAssignment


@bp.context_processor
def _helpers():
    return {
        **template_helpers(),
        **people_labels(),
        "reason_text": suggestions.reason_text,
        "checkbox_rows": checkbox_rows,
    }


@bp.app_template_filter("wib_day")
def _wib_day(value) -> str:
    return value.astimezone(WIB).date().isoformat()


@bp.app_template_filter("wib_clock")
def _wib_clock(value) -> str:
    """For form values: "09:00" in WIB."""
    return value.astimezone(WIB).strftime("%H:%M")


@bp.app_template_filter("wib_hm")
def _wib_hm(value) -> str:
    """For reading: the WIB clock time as the locale writes it ("09.00" in Indonesian)."""
    local = value.astimezone(WIB)
    return _clock_text(local.hour, local.minute, str(get_locale() or "id"))


@lru_cache(maxsize=2048)
def _clock_text(hour: int, minute: int, locale: str) -> str:
    # Babel's formatting is slow, and the calendar shows a few clock times hundreds of times.
    return format_time(time(hour, minute), "short", locale=locale)


@bp.teardown_request
def _forget_unsent(_exc):
    # Mail queued by a request that did not commit is never sent.
    drop_queued()


# Queue -------------------------------------------------------------------------------------


@bp.route("/")
@coordinator_required
def queue():
    topics = worklist.topic_choices()
    form = QueueFilterForm(request.args)
    form.set_choices(STATE_LABELS, topics)
    form.validate()

    def ok(field):
        return field.data if not field.errors else None

    now = now_utc()
    waiting = declines.open_declines(now)
    filters = worklist.QueueFilters(
        state=ok(form.state) or "",
        mode=ok(form.mode) or "",
        topic_id=int(form.topic.data) if ok(form.topic) else None,
        region=(ok(form.region) or "").strip(),
        zone=ok(form.zone) or "",
        date_field=ok(form.date_field) or "submitted",
        date_from=ok(form.date_from),
        date_to=ok(form.date_to),
        declined_ids=frozenset(waiting),
    )
    counts = worklist.state_counts(filters)
    declined_count = worklist.declined_count(filters)
    total = worklist.matching_total(filters, counts, declined_count)
    pagination = worklist.queue_page(filters, request.args.get("page", 1, type=int), total)
    return render_template(
        "scheduling/queue.html",
        form=form,
        pagination=pagination,
        details=worklist.row_details(pagination.items),
        counts=counts,
        # The default view holds the open requests and the sessions waiting for a replacement.
        open_count=counts[RequestState.SUBMITTED] + counts[RequestState.CHANGES_REQUESTED] + declined_count,
        declined_count=declined_count,
        declined=waiting,
        total_count=sum(counts.values()),
        age=_ages(now),
        detail_link=_detail_link(),
    )


def _detail_link() -> str:
    """The review page's URL without its id, to which a list appends each id: url_for() costs
    some 10 µs, and the queue and the calendar link hundreds of requests."""
    return url_for("scheduling.detail", request_id=0).removesuffix("0")


def _ages(now):
    """age_text() for the queue's rows, written once per WIB day of submission (a page of 50
    holds a few days, and each text is a translation)."""
    by_day: dict = {}

    def age(req) -> str:
        day = req.submitted_at.astimezone(WIB).date()
        if day not in by_day:
            by_day[day] = worklist.age_text(req.submitted_at, now)
        return by_day[day]

    return age


# A request ---------------------------------------------------------------------------------


def get_request(request_id: int) -> ConsultationRequest:
    req = db.session.get(ConsultationRequest, request_id)
    if req is None:
        abort(404)
    return req


def review_request(request_id: int) -> ConsultationRequest:
    """The request with what its review page reads of it, loaded up front in one statement:
    its Pemda, policy version, letter, room, and its topics, windows, delegation and narasumber
    (a few rows each: their product stays small) rather than one lazy load at a time. The
    topics are joined by hand: joinedload() nests the join through request_topics in
    parentheses, which SQLite runs by reading the whole of request_topics."""
    R, A = ConsultationRequest, NarasumberAssignment
    req = (
        db.session.scalars(
            select(R)
            .outerjoin(request_topics, request_topics.c.request_id == R.id)
            .outerjoin(Topic, Topic.id == request_topics.c.topic_id)
            .where(R.id == request_id)
            .order_by(Topic.sort_order)  # the relationship's order
            .options(
                joinedload(R.region),
                joinedload(R.policy_version),
                joinedload(R.letter),
                joinedload(R.room),
                contains_eager(R.topics),
                joinedload(R.windows),
                joinedload(R.delegation),
                joinedload(R.assignments).joinedload(A.narasumber).joinedload(NarasumberProfile.user),
            )
        )
        .unique()
        .one_or_none()
    )
    if req is None:
        abort(404)
    return req


@bp.route("/permohonan/<int:request_id>")
@coordinator_required
def detail(request_id: int):
    # ?slot=N ("Sesuaikan"): the manual form opens, prefilled from suggestion N.
    return render_detail(review_request(request_id), open_panel="approve" if "slot" in request.args else None)


def render_detail(req: ConsultationRequest, *, open_panel: str | None = None, **forms):
    now = now_utc()
    can = {
        "approve": allowed(req.state, Action.APPROVE),
        "reject": allowed(req.state, Action.REJECT),
        "request_changes": allowed(req.state, Action.REQUEST_CHANGES),
        "convert": req.mode == Mode.FTF and allowed(req.state, Action.CONVERT_TO_VC),
        "reschedule": allowed(req.state, Action.RESCHEDULE),
        "cancel": allowed(req.state, Action.CANCEL),
    }
    # The narasumber and rooms are read once for the suggestions and the forms; each form is
    # made only when the page shows it (its decision is allowed in the request's state).
    active_rooms = active_room_list() if can["approve"] or can["reschedule"] else []
    rooms = room_choices(active_rooms)
    slots, schedule_form, reschedule_form = [], None, None
    if can["approve"]:
        team = suggestions.load_team()
        found_rooms = [RoomInfo(r.id, r.name, r.capacity) for r in active_rooms]
        slots = suggestions.suggest_slots(req, now=now, limit=10, team=team, rooms=found_rooms)
        schedule_form = forms.get("schedule_form") or ScheduleForm(
            formdata=None, data=_slot_data(slots, request.args.get("slot", 0, type=int))
        )
        prepare_schedule_form(schedule_form, req, rooms, team)
    if can["reschedule"]:
        reschedule_form = forms.get("reschedule_form") or RescheduleForm(
            formdata=None, data=_current_data(req)
        )
        reschedule_form.room_id.choices = rooms

    def form(name: str, shown: bool, make):
        return (forms.get(name) or make(formdata=None)) if shown else None

    entries, actors = review.history_with_actors(req)
    return render_template(
        "scheduling/detail.html",
        req=req,
        zone=req.region.timezone,
        age=worklist.age_text(req.submitted_at, now),
        checks=review.policy_checks(req, now),
        duplicates=review.same_letter_number(req),
        earlier=review.pemda_history(req),
        unreplaced=unreplaced_declines(req, now),
        history=entries,
        actors=actors,
        can=can,
        replacements=replacement_options(req, now),
        slots=slots,
        open_panel=open_panel,
        schedule_form=schedule_form,
        reschedule_form=reschedule_form,
        reject_form=form("reject_form", can["reject"], ReasonForm),
        changes_form=form("changes_form", can["request_changes"], RequestChangesForm),
        convert_form=form("convert_form", can["convert"], ConvertForm),
        cancel_form=form("cancel_form", can["cancel"], CancelForm),
        # A refused replacement (team_routes.replace): shown again under its narasumber.
        replace_form=forms.get("replace_form"),
    )


def _slot_data(slots, index: int) -> dict:
    """The manual scheduling form, prefilled from one suggestion (the first by default)."""
    if not slots:
        return {}
    slot = slots[index] if 0 <= index < len(slots) else slots[0]
    ids = [p.person.id for p in slot.people]
    return {
        "day": slot.start.astimezone(WIB).date(),
        "start_time": slot.start.astimezone(WIB).time(),
        "end_time": slot.end.astimezone(WIB).time(),
        "narasumber_ids": ids,
        "suggested_ids": ",".join(str(i) for i in ids),
        "room_id": slot.room.id if slot.room else None,
    }


def _current_data(req: ConsultationRequest) -> dict:
    if req.scheduled_start is None:
        return {}
    start, end = req.scheduled_start.astimezone(WIB), req.scheduled_end.astimezone(WIB)
    return {"day": start.date(), "start_time": start.time(), "end_time": end.time(), "room_id": req.room_id}


def active_room_list() -> list[Room]:
    return list(db.session.scalars(select(Room).where(Room.active.is_(True)).order_by(Room.name)))


def room_choices(rooms: list[Room] | None = None) -> list:
    """The room field's choices: the active rooms (`rooms`, when the caller has them)."""
    if rooms is None:
        rooms = active_room_list()
    return [SelectChoice("", _("— pilih ruang —"))] + [
        SelectChoice(
            r.id,
            _(
                "%(room)s, lantai %(floor)s (kapasitas %(capacity)d)",
                room=r.name,
                floor=r.floor,
                capacity=r.capacity,
            ),
        )
        for r in rooms
    ]


def prepare_schedule_form(
    form: ScheduleForm, req: ConsultationRequest, rooms: list | None = None, team: list | None = None
) -> None:
    """Narasumber choices: those covering a topic of the request first, then the others.
    `rooms`: the room choices, `team`: suggestions.load_team(), when the caller has them."""
    wanted = {t.id for t in req.topics}
    people: dict[int, tuple[str, str, list]] = {}
    # One row per person and topic (in topic order), read as plain rows: a choice needs no more.
    if team is None:
        team = suggestions.load_team()
    for pid, name, unit, _hours, _per_day, _per_week, topic_id, code in team:
        topics = people.setdefault(pid, (name, unit, []))[2]
        if topic_id is not None:
            topics.append((topic_id, code))
    ordered = sorted(
        people.items(), key=lambda item: (not ({t for t, _c in item[1][2]} & wanted), item[1][0].lower())
    )
    form.narasumber_ids.choices = [
        SelectChoice(pid, f"{name} · {unit} · {', '.join(code for _t, code in topics) or '-'}")
        for pid, (name, unit, topics) in ordered
    ]
    form.room_id.choices = rooms if rooms is not None else room_choices()


def unreplaced_declines(req: ConsultationRequest, now) -> set[int]:
    """Ids of the request's declines still waiting for a replacement (app.scheduling.declines);
    only a session still to come has any, so other requests need no query."""
    if req.state not in ACTIVE_SESSION_STATES or req.scheduled_end is None or req.scheduled_end <= now:
        return set()
    return {a.id for a in declines.open_declines(now, [req.id]).get(req.id, [])}


# Calendar ----------------------------------------------------------------------------------


@bp.route("/kalender")
@coordinator_required
def calendar():
    people, rooms = calendar_view.narasumber_choices(), calendar_view.room_choices()
    form = CalendarFilterForm(request.args)
    form.set_choices(people, rooms)
    form.validate()
    view = "month" if request.args.get("view") == "month" else "week"
    today = now_utc().astimezone(WIB).date()
    try:
        anchor = date.fromisoformat(request.args.get("date", ""))
    except ValueError:
        anchor = today
    narasumber_id = int(form.narasumber.data) if form.narasumber.data and not form.narasumber.errors else None
    room_id = int(form.room.data) if form.room.data and not form.room.errors else None
    cal = calendar_view.build(view, anchor, narasumber_id=narasumber_id, room_id=room_id)
    return render_template(
        "scheduling/calendar.html", cal=cal, form=form, today=today, boxes=_session_boxes(cal)
    )


def _session_boxes(cal: calendar_view.CalendarView) -> dict[int, Markup]:
    """Each session of the calendar as its box (a link to its review page: time, service user,
    topics, room or "VC", and its state unless scheduled), written once and shown in both
    layouts. Written here rather than by a template macro: a month shows about 500 sessions,
    and a Jinja macro call with its filters and url_for() costs some 20 µs each, most of the
    page's time. Every value from the database goes through escape()."""
    locale = str(get_locale() or "id")
    link = _detail_link()
    vc_label, ftf_label = _("VC"), _("Tatap muka")
    states = {state: state_label(state) for state in calendar_view.SHOWN_STATES}

    def clock(value) -> str:
        local = value.astimezone(WIB)
        return _clock_text(local.hour, local.minute, locale)

    boxes = {}
    for day in cal.days:
        for s in day.sessions:
            vc = s.mode == Mode.VC
            place = vc_label if vc else (s.room_name or ftf_label)
            state = f"· {escape(states[s.state])}" if s.state != RequestState.SCHEDULED else ""
            boxes[s.id] = Markup(
                '<a class="d-block text-decoration-none border-start border-3 ps-2 mb-1 small cal-session '
                f'{"border-success" if vc else "border-primary"}"\n'
                f'   href="{link}{s.id}">\n'
                f'  <span class="fw-semibold text-body">{clock(s.scheduled_start)}–{clock(s.scheduled_end)}</span>\n'
                f'  <span class="text-body">{escape(s.service_user_name)}</span>\n'
                f'  <span class="text-muted d-block">{escape(", ".join(s.topic_codes))} ·\n'
                f"    {escape(place)}\n"
                f"    {state}</span>\n"
                "</a>"
            )
    return boxes


def replacement_options(req: ConsultationRequest, now) -> list:
    """For a scheduled session: who could take the place of a narasumber, best first."""
    if req.state not in ACTIVE_SESSION_STATES or req.scheduled_start is None:
        return []
    # Whoever declined this very time is not offered as a replacement (of themselves first).
    declined = {
        a.narasumber_id
        for a in req.assignments
        if a.status == AssignmentStatus.DECLINED
        and a.start < req.scheduled_end
        and a.end > req.scheduled_start
    }
    return suggestions.suggest_people(
        req, req.scheduled_start, req.scheduled_end, now=now, exclude_ids=declined
    )


# Registers the decision routes and the narasumber replacement route on the blueprint.
from app.scheduling import decision_routes, team_routes  # noqa: E402,F401
