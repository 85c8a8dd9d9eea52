"""An outbox email's attachment as an administrator downloads it.

The stored filename and content type come from whatever queued the email; neither is trusted
as a path or as something for the browser to render: the name is cut to a plain file name,
the type must look like a MIME type, and the file is always a download.
"""

import base64
import binascii
import mimetypes
import re
import unicodedata
from dataclasses import dataclass

from flask import abort

from app.outbox.models import OutboxMessage

# type/subtype, then optional parameters ("text/calendar; method=REQUEST").
_MIME = re.compile(
    r"^[a-z0-9][a-z0-9!#$&^_.+-]*/[a-z0-9][a-z0-9!#$&^_.+-]*(\s*;\s*[a-z0-9_.-]+=[^;\s\"]+)*$", re.I
)
_NOT_IN_NAMES = re.compile(r'[\\/:*?"<>|]+')
MAX_NAME = 150


@dataclass(frozen=True)
class Download:
    filename: str
    content_type: str
    data: bytes


def content_type(stored: str | None) -> str:
    value = (stored or "").strip()
    return value if _MIME.match(value) else "application/octet-stream"


def filename(stored: str | None, content_type_: str, position: int) -> str:
    """A plain file name: no folders, no control characters, no leading dots; else lampiran-N.ext."""
    name = unicodedata.normalize("NFC", str(stored or ""))
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = _NOT_IN_NAMES.sub("_", name).strip().lstrip(".").strip()
    if len(name) > MAX_NAME:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: MAX_NAME - len(ext) - 1] + dot + ext) if dot and len(ext) <= 10 else name[:MAX_NAME]
    if not name:
        ext = mimetypes.guess_extension(content_type_.split(";")[0].strip()) or ".bin"
        name = f"lampiran-{position}{ext}"
    return name


def download(message: OutboxMessage, index: int) -> Download:
    """Attachment number `index` (from 0) of `message`; 404 when there is none."""
    items = message.attachments or []
    if not 0 <= index < len(items) or not isinstance(items[index], dict):
        abort(404)
    item = items[index]
    try:
        data = base64.b64decode(item.get("content") or "", validate=True)
    except (binascii.Error, ValueError):
        abort(404)
    kind = content_type(item.get("content_type"))
    return Download(filename(item.get("filename"), kind, index + 1), kind, data)
