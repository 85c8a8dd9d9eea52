"""Evidence files of breaches (a photo or a scan), stored as request letters are
(app.requests.letters): outside static/, under generated names, checked before writing.

The type is judged by content, never by name: a PDF has "%PDF-" within its first 1024
bytes, a JPEG starts with FF D8 FF, a PNG with its 8-byte signature. Size is limited by
MAX_EVIDENCE_BYTES (default MAX_LETTER_BYTES). A file is stored as
UPLOAD_DIR/evidence/<uuid4>.<ext>; the user's file name is kept (made safe) only to be shown.
Files written in a transaction that never commits are removed again (finish/discard).
"""

import os
import re
import uuid
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from werkzeug.utils import secure_filename

from app.extensions import db
from app.requests.letters import HEADER_WINDOW, PDF_MAGIC, _megabytes, _size_of

# content type -> extension
TYPES = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}
_STORED_NAME = re.compile(r"^[0-9a-f]{32}\.(pdf|jpg|png)$")
_WRITTEN = "evidence_written"


class EvidenceRejected(ValueError):
    """The upload is not acceptable; the message says why, in the user's language."""


@dataclass(frozen=True)
class CheckedEvidence:
    content: bytes
    content_type: str
    display_name: str


def sniff(content: bytes) -> str | None:
    """The content type of `content` when it is one we accept."""
    if content.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if PDF_MAGIC in content[:HEADER_WINDOW]:
        return "application/pdf"
    return None


def limit() -> int:
    return current_app.config.get("MAX_EVIDENCE_BYTES") or current_app.config["MAX_LETTER_BYTES"]


def folder() -> str:
    return os.path.join(current_app.config["UPLOAD_DIR"], "evidence")


def path_of(stored_name: str) -> str:
    if not _STORED_NAME.match(stored_name or ""):
        raise ValueError(f"not a stored evidence name: {stored_name!r}")
    return os.path.join(folder(), stored_name)


def given(upload) -> bool:
    return bool(upload and getattr(upload, "filename", ""))


def check(upload) -> CheckedEvidence:
    """Read and check an uploaded evidence file (a werkzeug FileStorage); raise EvidenceRejected."""
    most = limit()
    stream = upload.stream
    size = _size_of(stream)
    if size is not None and size > most:
        raise EvidenceRejected(_too_big(size, most))
    stream.seek(0)
    content = stream.read(most + 1)
    if len(content) > most:
        raise EvidenceRejected(_too_big(size or len(content), most))
    if not content:
        raise EvidenceRejected(_("Berkas bukti kosong."))
    content_type = sniff(content)
    if content_type is None:
        raise EvidenceRejected(_("Berkas bukti harus berupa PDF, JPEG, atau PNG."))
    return CheckedEvidence(content, content_type, display_name(upload.filename, content_type))


def _too_big(size: int, most: int) -> str:
    return _(
        "Berkas bukti terlalu besar (%(size)s MB). Ukuran maksimum %(limit)s MB.",
        size=_megabytes(size),
        limit=_megabytes(most),
    )


def display_name(filename: str | None, content_type: str) -> str:
    ext = TYPES[content_type]
    name = secure_filename(filename or "")[:200] or f"bukti.{ext}"
    if not name.lower().endswith(f".{ext}") and not (ext == "jpg" and name.lower().endswith(".jpeg")):
        name += f".{ext}"
    return name


def store(checked: CheckedEvidence) -> str:
    """Write a checked file under a new generated name (removed again unless committed)."""
    os.makedirs(folder(), exist_ok=True)
    stored_name = f"{uuid.uuid4().hex}.{TYPES[checked.content_type]}"
    db.session.info.setdefault(_WRITTEN, []).append(stored_name)
    with open(path_of(stored_name), "xb") as fh:  # "x": never overwrite
        fh.write(checked.content)
    return stored_name


def finish() -> None:
    """Commit the session; evidence files written in it are removed if the commit fails."""
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        discard_unfinished()
        raise
    db.session.info.pop(_WRITTEN, None)


def discard_unfinished() -> None:
    for name in db.session.info.pop(_WRITTEN, []):
        try:
            os.remove(path_of(name))
        except (FileNotFoundError, ValueError):
            pass
