"""The one way to send email: queue_email() into the outbox.

Templates come in pairs, `templates/email/<name>.txt` and `.html`; the first line of the
.txt is `Subject: ...`. queue_email() renders the pair at once (inside the request, so that
url_for works and the text shows the change as it is being made) and adds an OutboxMessage
row to the caller's database session: the email commits or rolls back with the change it is
about (Indico's "email after commit", made durable). app.outbox.sender delivers the rows.

Callers keep the earlier protocol: commit, then send_queued(); after a rollback,
drop_queued(). With OUTBOX_DELIVER_AFTER_COMMIT (development, tests) send_queued() delivers
this request's rows at once through the same function as the sender job; in production the
scheduler's sender job delivers them, so an SMTP failure never fails the user's action.
Nothing else in app/ calls Flask-Mail.
"""

import base64
import logging
import uuid
from collections.abc import Iterable
from typing import Any

from flask import current_app, has_request_context, render_template

from app.extensions import db

log = logging.getLogger("konsultasi.mail")
# Dedupe keys of the rows queued in the current session, for send_queued().
_QUEUED = "outbox_queued_keys"


def render_email(name: str, **context) -> tuple[str, str, str]:
    """(subject, text, html) of the email template pair `name`.

    Outside a request (a scheduler job) the templates are rendered in a request context for
    PUBLIC_URL; their links come from public_url_for() (app.core.urls) either way.
    """
    if not has_request_context():
        base_url = current_app.config.get("PUBLIC_URL") or "http://localhost"
        with current_app.test_request_context("/", base_url=base_url):
            return _render(name, context)
    return _render(name, context)


def _render(name: str, context: dict) -> tuple[str, str, str]:
    text = render_template(f"email/{name}.txt", **context)
    first, _, body = text.partition("\n")
    if not first.startswith("Subject:"):
        raise ValueError(f"email/{name}.txt must start with a 'Subject:' line")
    html = render_template(f"email/{name}.html", **context)
    return first[len("Subject:") :].strip(), body.lstrip("\n"), html


def queue_email(
    to: str | Iterable[str],
    name: str,
    *,
    dedupe_key: str | None = None,
    request_id: int | None = None,
    attachments: Iterable[Any] | None = None,
    **context,
):
    """Render `name` for `to` and add it to the outbox in the current transaction.

    `dedupe_key` makes the email idempotent ("reminder:<request id>:<date>"): when a row
    with the key exists already (or is queued in this transaction), nothing is added and the
    existing row is returned. `request_id` links the row to its session; by default the
    `req` of the template context. `attachments`: dicts {"filename", "content_type", "data"}
    (bytes or str) or {"filename", "content_type", "content"} (base64; a string that is not
    base64 is taken as text), or (filename,
    content_type, data) tuples; "text/calendar; method=REQUEST" keeps its parameter.
    Returns the OutboxMessage.
    """
    from app.outbox.services import add_message

    recipients = [to] if isinstance(to, str) else list(to)
    if not recipients:
        raise ValueError("an email needs at least one recipient")
    subject, text, html = render_email(name, **context)
    message = add_message(
        recipients=recipients,
        subject=subject,
        text_body=text,
        html_body=html,
        kind=name,
        dedupe_key=dedupe_key or f"{name}:{uuid.uuid4().hex}",
        request_id=request_id,
        request=context.get("req") if request_id is None else None,
        attachments=[_attachment(a) for a in attachments or ()],
    )
    keys = db.session.info.setdefault(_QUEUED, [])
    if message.dedupe_key not in keys:
        keys.append(message.dedupe_key)
    return message


def send_email(to: str | Iterable[str], name: str, **context):
    """A single email outside the usual services; it still goes through the outbox, so the
    caller commits (and then calls send_queued()) as for any other change."""
    return queue_email(to, name, **context)


def send_queued() -> int:
    """After a successful commit: deliver this request's rows now when the configuration says
    so (OUTBOX_DELIVER_AFTER_COMMIT); otherwise the sender job does. A relay failure is kept
    on the row (it is retried), never raised: the change is saved. Returns how many were sent."""
    from app.outbox.models import OutboxMessage

    if any(isinstance(obj, OutboxMessage) for obj in db.session.new):
        # A programming error, loud on purpose: without the commit the email would be lost.
        raise RuntimeError("send_queued() called before the commit of the queued email")
    keys = db.session.info.pop(_QUEUED, [])
    if not keys or not current_app.config.get("OUTBOX_DELIVER_AFTER_COMMIT"):
        return 0
    from app.outbox.sender import deliver_pending

    try:
        return deliver_pending(keys=keys)
    except Exception:
        # Even a database problem here must not turn a saved change into an error page:
        # the rows are committed and the sender job picks them up.
        log.exception("could not deliver %d queued email(s) after the commit", len(keys))
        db.session.rollback()
        return 0


def drop_queued() -> None:
    """The transaction was rolled back (or never committed): its outbox rows are gone with it;
    forget their keys too."""
    db.session.info.pop(_QUEUED, None)


def _attachment(item: Any) -> dict:
    """The stored form of an attachment: {"filename", "content_type", "content" (base64)}."""
    if isinstance(item, tuple | list):
        filename, content_type, data = item
        item = {"filename": filename, "content_type": content_type, "data": data}
    elif not isinstance(item, dict):  # a flask_mail.Attachment or alike
        item = {"filename": item.filename, "content_type": item.content_type, "data": item.data}
    if "data" in item:
        data = item["data"]
        raw = data.encode("utf-8") if isinstance(data, str) else bytes(data)
        content = base64.b64encode(raw).decode("ascii")
    else:
        content = item["content"]
        if isinstance(content, bytes):
            content = base64.b64encode(content).decode("ascii")
        else:
            try:
                base64.b64decode(content, validate=True)
            except ValueError:  # plain text (an iCalendar body has ':' and line breaks)
                content = base64.b64encode(content.encode("utf-8")).decode("ascii")
    return {
        "filename": item.get("filename"),
        "content_type": item.get("content_type") or "application/octet-stream",
        "content": content,
    }


def deliver_after_commit(message) -> None:
    """Have send_queued() deliver an existing row too (an administrator's resend)."""
    keys = db.session.info.setdefault(_QUEUED, [])
    if message.dedupe_key not in keys:
        keys.append(message.dedupe_key)
