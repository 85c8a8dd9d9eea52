"""The one way to send email: send_email().

Templates come in pairs, `templates/email/<name>.txt` and `.html`; the first line of the
.txt is `Subject: ...`. In development (MAIL_TO_LOG) messages are written to the log so the
app runs without an SMTP server. Nothing else calls Flask-Mail directly, so that the outbox
of the invites issue can be put behind this function.

Email after commit (after Indico's notifications): services queue_email() into the database
session; whoever commits calls send_queued() once the commit has succeeded, or drop_queued()
when the transaction is rolled back, so that no mail goes out about a change that was not saved.
"""

import logging

from flask import current_app, render_template
from flask_mail import Message

from app.extensions import db, mail

log = logging.getLogger("konsultasi.mail")
_OUTBOX = "mail_outbox"


def render_email(name: str, **context) -> tuple[str, str, str]:
    """(subject, text, html) of the email template pair `name`."""
    text = render_template(f"email/{name}.txt", **context)
    first, _, body = text.partition("\n")
    if not first.startswith("Subject:"):
        raise ValueError(f"email/{name}.txt must start with a 'Subject:' line")
    html = render_template(f"email/{name}.html", **context)
    return first[len("Subject:") :].strip(), body.lstrip("\n"), html


def send_email(to: str | list[str], name: str, **context) -> Message:
    recipients = [to] if isinstance(to, str) else list(to)
    subject, text, html = render_email(name, **context)
    message = Message(subject=subject, recipients=recipients, body=text, html=html)
    if current_app.config.get("MAIL_TO_LOG"):
        log.info("email to %s: %s\n%s", ", ".join(recipients), subject, text)
        return message
    mail.send(message)
    return message


def queue_email(to: str | list[str], name: str, **context) -> None:
    """Send `name` to `to` once the current transaction has been committed."""
    db.session.info.setdefault(_OUTBOX, []).append((to, name, context))


def send_queued() -> None:
    """After a successful commit: send what was queued. A relay failure is logged, not raised
    (the change is saved; failing the request would hide that)."""
    for to, name, context in db.session.info.pop(_OUTBOX, []):
        try:
            send_email(to, name, **context)
        except Exception:
            log.exception("could not send %s to %s", name, to)


def drop_queued() -> None:
    """The transaction was rolled back (or never committed): forget the queued mail."""
    db.session.info.pop(_OUTBOX, None)
