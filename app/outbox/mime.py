"""Flask-Mail, as the outbox uses it: messages with exact attachment content types, and an
SMTP connection with a timeout.

Flask-Mail builds an attachment part from "maintype/subtype" only and opens smtplib without
a timeout; an invitation needs "text/calendar; method=REQUEST" as its part's Content-Type,
and a relay that does not answer must not hold a worker for minutes. The connection reads
the MAIL_* settings when it is opened, so that a test can point them at its own server.
"""

import base64
import smtplib
from email import policy
from email.encoders import encode_base64
from email.message import Message as EmailMessage
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart

from flask import current_app
from flask_mail import Attachment, Connection, Message

from app.extensions import mail

MAX_TIMEOUT = 10.0


class OutboxMail(Message):
    """A Flask-Mail message whose attachments keep their full content type (parameters too).

    `attachments` still holds flask_mail.Attachment objects (content_type as stored, data as
    bytes), so that mail.record_messages() shows them as before.
    """

    def __init__(self, *, stored_attachments=(), message_id: str | None = None, **kwargs):
        attachments = [
            Attachment(
                filename=item.get("filename"),
                content_type=item.get("content_type") or "application/octet-stream",
                data=base64.b64decode(item["content"]),
            )
            for item in stored_attachments
        ]
        super().__init__(attachments=attachments, **kwargs)
        if message_id:
            self.msgId = message_id

    def _message(self):
        attachments, self.attachments = self.attachments, []
        try:
            msg = super()._message()
        finally:
            self.attachments = attachments
        if not attachments:
            return msg
        if not msg.is_multipart():  # a text-only message: make room for the parts
            msg = self._multipart_of(msg)
        for attachment in attachments:
            msg.attach(attachment_part(attachment))
        return msg

    def _multipart_of(self, single):
        outer = MIMEMultipart()
        for key, value in single.items():
            if key.lower() not in {"content-type", "mime-version", "content-transfer-encoding"}:
                outer[key] = value
        outer.attach(self._mimetext(self.body))
        outer.policy = policy.SMTP
        return outer


def attachment_part(attachment: Attachment) -> MIMEBase:
    """A base64 MIME part whose Content-Type is the attachment's, parameters and all."""
    parsed = EmailMessage()
    parsed["Content-Type"] = attachment.content_type
    maintype, subtype = parsed.get_content_maintype(), parsed.get_content_subtype()
    part = MIMEBase(maintype, subtype)
    content_type = attachment.content_type.strip()
    if maintype == "text" and parsed.get_param("charset") is None:
        content_type += '; charset="utf-8"'
    part.replace_header("Content-Type", content_type)
    data = attachment.data.encode("utf-8") if isinstance(attachment.data, str) else attachment.data
    part.set_payload(data)
    encode_base64(part)
    if attachment.filename:
        part.add_header("Content-Disposition", attachment.disposition, filename=attachment.filename)
    return part


class TimedConnection(Connection):
    """flask_mail.Connection whose smtplib client has a connect/send timeout."""

    def __init__(self, state, timeout: float):
        super().__init__(state)
        self.timeout = timeout

    def configure_host(self):
        state = self.mail
        factory = smtplib.SMTP_SSL if state.use_ssl else smtplib.SMTP
        host = factory(state.server, state.port, timeout=self.timeout)
        host.set_debuglevel(int(state.debug))
        if state.use_tls:
            host.starttls()
        if state.username and state.password:
            host.login(state.username, state.password)
        return host


def timeout() -> float:
    return min(float(current_app.config.get("MAIL_TIMEOUT", MAX_TIMEOUT)), MAX_TIMEOUT)


def relay_connection() -> TimedConnection:
    """An open connection to the relay of the current settings (none with MAIL_SUPPRESS_SEND:
    Flask-Mail then only records what would have been sent)."""
    state = mail.init_mail(current_app.config, current_app.debug, current_app.testing)
    connection = TimedConnection(state, timeout())
    connection.__enter__()
    return connection
