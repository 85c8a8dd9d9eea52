"""Helpers of the request-journey tests: log in through the session, build form posts."""

import io
from datetime import datetime
from zoneinfo import ZoneInfo

from tests.files import PDF  # noqa: F401  (a valid one-page PDF; re-exported)

WIB = ZoneInfo("Asia/Jakarta")
# A Tuesday. VC (2 working days) may then ask for Thursday 3 December on; FTF (5 working
# days) for Tuesday 8 December on. 24-25 December 2026 are joint leave and Christmas.
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=WIB)


def login_as(client, user) -> None:
    """Log `user` in by writing the Flask-Login session (independent of the login page).

    Session protection is "strong", so the session also carries the identifier derived from
    the client's address and user agent, and the id of a server-side session row.
    """
    from app.auth import sessions
    from app.auth.mfa_flow import FRESH
    from app.core.clock import now_utc
    from app.extensions import db

    with client.application.test_request_context(environ_base=client.environ_base):
        identifier = sessions.session_identifier()
        # The server-side session row a login opens (app/auth/sessions.py).
        token = sessions.open_session(user)
    db.session.commit()
    with client.session_transaction() as s:
        s["_user_id"] = user.get_id()
        s["_fresh"] = True
        s["_id"] = identifier
        s[sessions.SESSION_KEY] = token
        # As after the login form: password and code checked now (app.auth.mfa_flow).
        s[FRESH] = int(now_utc().timestamp())


def form_data(
    topics,
    *,
    mode: str = "vc",
    windows=(("2026-12-03", "09:00", "10:30"),),
    members: int = 3,
    letter: dict | None = None,
    upload: tuple[bytes, str] | None = None,
    **overrides,
) -> dict:
    """A complete request form post; `overrides` replace single fields."""
    data = {
        "mode": mode,
        "topics": [str(t.id) for t in topics],
        "agenda": "Konsultasi mengenai penyaluran DAU dan penggunaannya pada APBD 2027.",
        "contact_name": "Siti Aminah",
        "contact_email": "siti@brebeskab.go.id",
        "contact_phone": "081234567890",
    }
    for i, (day, start, end) in enumerate(windows):
        data[f"windows-{i}-day"] = day
        data[f"windows-{i}-start"] = start
        data[f"windows-{i}-end"] = end
    for i in range(members):
        data[f"delegation-{i}-name"] = f"Peserta {i + 1}"
        data[f"delegation-{i}-title"] = "Kepala Bidang Anggaran"
        data[f"delegation-{i}-email"] = f"peserta{i + 1}@brebeskab.go.id"
    if letter is not None:
        data.update(
            {
                "letter_number": "900/123/BPKAD/2026",
                "letter_date": "2026-11-30",
                "letter_signatory": "Sekretaris Daerah",
                "letter_addressee": "Direktur Jenderal Perimbangan Keuangan",
                **letter,
            }
        )
    if upload is not None:
        content, name = upload
        data["letter_file"] = (io.BytesIO(content), name)
    data.update(overrides)
    return data


def ftf_data(topics, **kwargs) -> dict:
    kwargs.setdefault("windows", (("2026-12-08", "09:00", "11:00"),))
    kwargs.setdefault("letter", {})
    kwargs.setdefault("upload", (PDF, "surat permohonan.pdf"))
    return form_data(topics, mode="ftf", **kwargs)


def text_of(response) -> str:
    """The page as text, with HTML entities of quotes undone for simple assertions."""
    import html

    return html.unescape(response.get_data(as_text=True))


def post_in_memory(client, url: str, data: dict, headers: dict | None = None):
    """POST multipart data encoded in memory.

    The test client spools bodies over 500 KB to a temporary file it never closes (a
    ResourceWarning, so an error here); large uploads go through this instead.
    """
    from werkzeug.datastructures import FileStorage, MultiDict
    from werkzeug.test import encode_multipart

    items = MultiDict()
    for key, value in data.items():
        if isinstance(value, tuple):
            stream, filename = value
            value = FileStorage(stream=stream, filename=filename, content_type="application/pdf")
        for one in value if isinstance(value, list) else [value]:
            items.add(key, one)
    boundary, body = encode_multipart(items)
    return client.post(
        url, data=body, content_type=f"multipart/form-data; boundary={boundary}", headers=headers
    )
