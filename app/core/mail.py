"""The one way to send email: send_email().

Templates come in pairs, `templates/email/<name>.txt` and `.html`; the first line of the
.txt is `Subject: ...`. In development (MAIL_TO_LOG) messages are written to the log so the
app runs without an SMTP server. Nothing else calls Flask-Mail directly, so that the outbox
of the invites issue can be put behind this function.
"""

import logging

from flask import current_app, render_template
from flask_mail import Message

from app.extensions import mail

log = logging.getLogger("konsultasi.mail")


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
