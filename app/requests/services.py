"""The Pemda's request journey: submit, edit, withdraw, and what a Pemda may see.

Services check permission, apply the S-38/SE-1 policy (app.domain.policy), change rows, write
the audit log and queue email; the route then calls commit() once, which sends the queued
email only when the transaction has succeeded.
"""

from datetime import datetime

from flask import abort
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.auth.models import Role, User
from app.core import audit, once
from app.core.access import owns
from app.core.clock import now_utc
from app.core.mail import drop_queued, queue_email, send_queued
from app.domain.policy import Mode, PolicyValues, RequestDraft, Violation, Window, check_request
from app.domain.states import Action, IllegalTransition, RequestState, transition
from app.extensions import db
from app.policy.services import policy_in_force, values_of, work_calendar
from app.requests import letters, limits
from app.requests.forms import RequestForm
from app.requests.labels import mode_label, state_label
from app.requests.models import ConsultationRequest, DelegationMember, PreferredWindow, RequestLetter
from app.requests.queries import form_window_utc, topics_for
from app.requests.withdrawal import withdraw_request  # noqa: F401  (its callers import it from here)


class RequestRefused(Exception):
    """The request breaks a form rule or the policy; the errors are on the form's fields."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


class AlreadySubmitted(Exception):
    """The same form (its one-time token) was sent before: this is the request it made."""

    def __init__(self, request_id: int, reference: str):
        super().__init__(reference)
        self.request_id = request_id
        self.reference = reference


# Changes -----------------------------------------------------------------------------------


def submit_request(user: User, form: RequestForm, now: datetime | None = None) -> ConsultationRequest:
    """A new request from `user`'s Pemda, checked against the policy in force now.

    Raises AlreadySubmitted when the form's token made a request before: looked up first,
    under the Pemda's lock (limits.lock_pemda, so a second post waits for the first), and
    refused by the unique column should two posts still race. Raises RequestRefused when the
    Pemda has submitted its REQUESTS_PER_PEMDA_PER_DAY requests today (WIB).
    """
    if user.role != Role.PEMDA:
        abort(403)
    now = now or now_utc()
    token = form.token.data if once.TOKEN.match(form.token.data or "") else None
    limits.lock_pemda(user)
    if token:
        _refuse_resubmission(user, form, token)
    too_many = limits.over_daily_limit(user, now)
    if too_many:
        raise RequestRefused([too_many])
    version, values = policy_in_force(now)
    checked = _check(form, user.timezone, values, now, letter_on_file=None)
    req = ConsultationRequest(
        region_id=user.region_id,
        unit_type=user.unit_type,
        created_by_id=user.id,
        state=RequestState.SUBMITTED,
        policy_version_id=version.id if version else None,
        submitted_at=now,
        updated_at=now,
        submission_token=token,
    )
    _apply(req, form, user.timezone)
    db.session.add(req)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        if token:
            _refuse_resubmission(user, form, token)
        raise
    if checked is not None:
        _attach_letter(req, form, checked, user, now)
    audit.record("request.submit", req, actor=user, after=snapshot(req))
    recipients = sorted({req.contact_email.lower(), user.email.lower()})
    queue_email(recipients, "requests/received", req=req, zone=user.timezone, mode_label=mode_label)
    return req


def edit_request(user: User, req: ConsultationRequest, form: RequestForm, now: datetime | None = None):
    """Change (and so resubmit) the request; the policy is checked again as of now."""
    if not owns(user, req):
        abort(404)
    new_state = transition(req.state, Action.EDIT)
    now = now or now_utc()
    values = values_of(req.policy_version)
    checked = _check(form, req.region.timezone, values, now, letter_on_file=req.letter)
    before = snapshot(req)
    _apply(req, form, req.region.timezone)
    if checked is not None or form.letter_given():
        _attach_letter(req, form, checked, user, now)
    if new_state != req.state:
        req.state_reason = None
    req.state = new_state
    req.updated_at = now
    db.session.flush()
    audit.record("request.edit", req, actor=user, before=before, after=snapshot(req))
    return req


def illegal_message(exc: IllegalTransition) -> str:
    state = state_label(exc.state)
    if exc.action == Action.EDIT:
        return _("Permohonan berstatus \u201c%(state)s\u201d tidak dapat diubah lagi.", state=state)
    if exc.action == Action.WITHDRAW:
        return _("Permohonan berstatus \u201c%(state)s\u201d tidak dapat ditarik.", state=state)
    return _(
        "Tindakan ini tidak dapat dilakukan pada permohonan berstatus \u201c%(state)s\u201d.", state=state
    )


def commit() -> None:
    """Commit once (the letter's file with it); then (and only then) send the queued email."""
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        drop_queued()
        raise
    send_queued()


def discard() -> None:
    """End of a request that did not commit: drop queued email."""
    drop_queued()


# Internals ---------------------------------------------------------------------------------


def _refuse_resubmission(user: User, form: RequestForm, token: str) -> None:
    """Raise AlreadySubmitted when the request of `token` exists (it is `user`'s to see)."""
    done = db.session.scalar(select(ConsultationRequest).where(ConsultationRequest.submission_token == token))
    if done is None:
        return
    request_id, reference, mine = done.id, done.reference, owns(user, done)
    db.session.rollback()  # nothing of this post is kept; the write lock is let go
    if not mine:  # a token that is not this Pemda's: never say whose it is
        form.token.data = once.new_token()
        raise RequestRefused([_("Formulir ini sudah tidak berlaku. Periksa isian lalu kirim kembali.")])
    raise AlreadySubmitted(request_id, reference)


def _check(form: RequestForm, zone: str, values: PolicyValues, now: datetime, *, letter_on_file):
    """Validate the form and the policy; the checked upload (or None) when all is well.

    `letter_on_file` is the letter the request already has (on edit): it counts as given, and
    letter fields left empty keep it.
    """
    ok = form.validate()
    ok = form.check_rows(letter_on_file is not None) and ok
    rows, windows = [], []
    for row, window in form.filled_windows():
        span = form_window_utc(window, zone)
        # A row the form refused (an end before its start) has said all there is to say.
        if span is not None and not window.errors:
            rows.append(row)
            windows.append(Window(*span))
    violations: list[Violation] = []
    if form.mode.data in {m.value for m in Mode}:
        draft = RequestDraft(
            mode=Mode(form.mode.data),
            windows=tuple(windows),
            delegation_size=len(form.filled_members()),
            has_letter=form.letter_given() or form.has_upload() or letter_on_file is not None,
            letter_addressee=form.letter_addressee.data
            if form.letter_given() or letter_on_file is None
            else letter_on_file.addressee,
            letter_date=_new_letter_date(form, letter_on_file),
        )
        violations = check_request(draft, values, work_calendar(), now)
    found = [(v, rows[v.index] if v.index is not None else None) for v in violations]
    form.attach_violations(found, zone)
    checked = None
    if form.has_upload() and not form.letter_file.errors:
        try:
            checked = letters.check_upload(form.letter_file.data)
        except letters.LetterRejected as exc:
            form.letter_file.errors.append(str(exc))
    problems = form.problems()
    if problems or not ok or violations:
        raise RequestRefused(problems)
    return checked


def _new_letter_date(form: RequestForm, letter_on_file):
    """The letter date to judge: one typed now; the date of a letter already on file was
    accepted with it and is not judged again as it ages."""
    typed = form.letter_date.data if not form.letter_date.errors else None
    if letter_on_file is not None and typed == letter_on_file.letter_date:
        return None
    return typed


def _apply(req: ConsultationRequest, form: RequestForm, zone: str) -> None:
    chosen = set(form.topics.data or [])
    req.mode = Mode(form.mode.data)
    req.topics = [t for t in topics_for(req if req.id else None) if t.id in chosen]
    req.agenda = form.agenda.data.strip()
    req.contact_name = form.contact_name.data.strip()
    req.contact_email = form.contact_email.data.strip()
    req.contact_phone = form.contact_phone.data.strip()
    req.windows = [
        PreferredWindow(position=i, start=span[0], end=span[1])
        for i, span in enumerate(form_window_utc(w, zone) for _row, w in form.filled_windows())
    ]
    members = form.filled_members()
    req.delegation = [
        DelegationMember(
            position=i,
            name=m.name.data.strip(),
            title=m.title.data.strip(),
            email=(m.email.data or "").strip() or None,
            phone=(m.phone.data or "").strip() or None,
            is_regional_head=bool(m.is_regional_head.data),
        )
        for i, m in enumerate(members)
    ]
    req.regional_head_attends = any(m.is_regional_head for m in req.delegation)


def _attach_letter(req, form: RequestForm, checked, user: User, now: datetime) -> None:
    letter = req.letter
    if letter is None:
        letter = RequestLetter()
        req.letter = letter  # from the parent's side, so that the session cascade adds it
    if form.letter_given():
        letter.number = form.letter_number.data.strip()
        letter.letter_date = form.letter_date.data
        letter.signatory = form.letter_signatory.data.strip()
        letter.addressee = form.letter_addressee.data.strip()
    if checked is not None:
        stored = letters.store(checked, user.id)  # a replaced file goes with this change
        letter.original_filename = checked.display_name
        letter.file = stored
        letter.size = stored.size
        letter.sha256 = stored.sha256
        letter.uploaded_at = now
        letter.uploaded_by_id = user.id


def snapshot(req: ConsultationRequest) -> dict:
    """The request as the audit log keeps it (before/after an edit)."""
    letter = req.letter
    return {
        "state": req.state,
        "mode": req.mode,
        "topics": [t.code for t in req.topics],
        "agenda": req.agenda,
        "contact": [req.contact_name, req.contact_email, req.contact_phone],
        "windows": [[w.start, w.end] for w in req.windows],
        "delegation": [[m.name, m.title, m.is_regional_head] for m in req.delegation],
        "regional_head_attends": req.regional_head_attends,
        "letter": None
        if letter is None
        else {
            "number": letter.number,
            "date": letter.letter_date,
            "signatory": letter.signatory,
            "addressee": letter.addressee,
            "file": letter.original_filename,
            "sha256": letter.sha256,
        },
    }
