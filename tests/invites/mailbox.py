"""What the real SMTP server (tests/outbox/conftest.py `smtp`) received, read as a person's
mailbox: each email with its calendar attachments, every attachment checked by two parsers
(tests/invites/helpers.py `checked`: CRLF lines of at most 75 octets, icalendar and vobject)."""

from dataclasses import dataclass


@dataclass
class Mail:
    subject: str
    text: str
    recipients: list[str]
    # (MIME method parameter, raw bytes, calendar parsed by vobject) of each text/calendar part.
    invites: list[tuple]
    filenames: list[str]


def mailbox(server, address: str) -> list[Mail]:
    from tests.invites.helpers import checked

    found = []
    for message in server.messages:
        recipients = [a.strip().lower() for a in message["To"].split(",")]
        if address.lower() not in recipients:
            continue
        invites, filenames, text = [], [], ""
        for part in message.walk():
            if part.get_content_type() == "text/calendar":
                raw = part.get_payload(decode=True)
                invites.append((part.get_param("method"), raw, checked(raw)))
                filenames.append(part.get_filename())
            elif part.get_content_type() == "text/plain" and not part.get_filename():
                text = part.get_content()
        # A long Subject is folded; unfolded, it keeps the leading blank of its continuation.
        found.append(Mail(str(message["Subject"]).strip(), text, recipients, invites, filenames))
    return found


def the_invite(mail: Mail):
    """The one calendar of `mail` (vobject), after checking its MIME method equals its METHOD."""
    [(param, _raw, cal)] = mail.invites
    assert param == cal.method.value
    return cal
