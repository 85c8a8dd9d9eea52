"""A request made through the API goes through the web form's own rules: the multipart fields
are the form's fields (app.requests.forms.RequestForm), validated by that form and submitted by
the same service (app.requests.services.submit_request), so a program gets the policy checks
and the Indonesian messages a Pemda operator gets on the page.

Topics are named by their code ("DAU"), not by the form's internal ids; the OpenAPI schema of
the body is written here from the form's field names (tests/api check it against the form).
"""

from flask import request
from sqlalchemy import select
from werkzeug.datastructures import CombinedMultiDict, MultiDict

from app.api import form_bridge
from app.catalog.models import Topic
from app.extensions import db
from app.requests.forms import WINDOW_ROWS, RequestForm

PERSON_FIELDS = ("name", "title", "email", "phone", "is_regional_head")


def form_from_call(topics: list[Topic]) -> RequestForm:
    """The RequestForm of this call's multipart body, with topic codes read as the form's ids."""
    by_code = {t.code.upper(): str(t.id) for t in topics}
    fields = MultiDict(request.form)
    codes = fields.poplist("topics")
    for code in codes:
        fields.add("topics", by_code.get(code.strip().upper(), "0"))  # 0: "not available"
    form = RequestForm(formdata=CombinedMultiDict([fields, request.files]), meta={"csrf": False})
    return form


def errors_of(form: RequestForm) -> dict[str, list[str]]:
    """Every message of the form by the name of the multipart field it belongs to
    ("windows-0-day", "delegation-2-email"); policy messages about a window or the whole
    delegation under "windows-0" and "delegation"."""
    out = form_bridge.errors_of(form)
    for key, messages in form.policy_errors.items():
        out.setdefault(key, []).extend(str(m) for m in messages)
    return out


def active_topics() -> list[Topic]:
    return list(db.session.scalars(select(Topic).where(Topic.active.is_(True)).order_by(Topic.sort_order)))


def _text(description: str, max_length: int | None = None, **extra) -> dict:
    schema = {"type": "string", "description": description, **extra}
    if max_length:
        schema["maxLength"] = max_length
    return schema


def body_schema() -> dict:
    """The multipart body of POST /api/v1/requests, as an OpenAPI 3.1 schema."""
    properties = {
        "mode": {
            "type": "string",
            "enum": ["vc", "ftf"],
            "description": "vc: video conference; ftf: face to face at DJPK.",
        },
        "topics": {
            "type": "array",
            "items": {"type": "string", "maxLength": 32},
            "description": 'Topic codes, e.g. "DAU".',
        },
        "agenda": _text("What the Pemda wants to ask (20 to 4,000 characters).", 4000),
        "contact_name": _text("The contact person.", 120),
        "contact_email": _text("The contact's email.", 254, format="email"),
        "contact_phone": _text("The contact's phone or WhatsApp number.", 32),
        "letter_number": _text("The request letter's number (face to face).", 120),
        "letter_date": _text("The letter's date, YYYY-MM-DD.", format="date"),
        "letter_signatory": _text("Who signed the letter.", 160),
        "letter_addressee": _text("To whom the letter is addressed.", 200),
        "letter_file": {
            "type": "string",
            "contentMediaType": "application/pdf",
            "description": "The letter, a PDF of at most 5 MB.",
        },
    }
    for i in range(WINDOW_ROWS):
        properties[f"windows-{i}-day"] = _text(
            f"Preferred window {i + 1}: the day, YYYY-MM-DD.", format="date"
        )
        properties[f"windows-{i}-start"] = _text(
            f"Preferred window {i + 1}: from, HH:MM in the Pemda's time zone."
        )
        properties[f"windows-{i}-end"] = _text(f"Preferred window {i + 1}: until, HH:MM.")
    return {
        "type": "object",
        "required": [
            "mode",
            "topics",
            "agenda",
            "contact_name",
            "contact_email",
            "contact_phone",
            "windows-0-day",
            "windows-0-start",
            "windows-0-end",
        ],
        "properties": properties,
        "patternProperties": {
            r"^delegation-[0-9]{1,2}-(name|title|email|phone)$": {"type": "string", "maxLength": 254},
            r"^delegation-[0-9]{1,2}-is_regional_head$": {"type": "string", "enum": ["y", "true", "on"]},
        },
        "description": (
            "The fields of the web form. Delegation members are rows delegation-<n>-name, -title, "
            "-email, -phone and -is_regional_head, numbered from 0."
        ),
    }
