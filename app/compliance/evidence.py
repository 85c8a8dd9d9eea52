"""Evidence files of breaches (a photo or a scan), stored as request letters are
(app.requests.letters): outside static/, under generated names, checked before writing.

The type is judged by content, never by name: a PDF starts with "%PDF-" and must pass
app.core.pdfs (parses, has a page, not encrypted, no JavaScript, launch action or embedded
file), a JPEG starts with FF D8 FF, a PNG with its 8-byte signature (Pillow is not a
dependency; images are stored and served as downloads with nosniff, never shown inline). Size is limited by
MAX_EVIDENCE_BYTES (default MAX_LETTER_BYTES). A file is stored in the database
(app.core.files) in the same transaction as its breach; the user's file name is kept (made
safe) only to be shown. The shared checks live in app.core.uploads.
"""

from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from werkzeug.utils import secure_filename

from app.core import files, pdfs
from app.core.uploads import megabytes, read_within, sniff

# content type -> extension
TYPES = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


class EvidenceRejected(ValueError):
    """The upload is not acceptable; the message says why, in the user's language."""


@dataclass(frozen=True)
class CheckedEvidence:
    content: bytes
    content_type: str
    display_name: str


def limit() -> int:
    return current_app.config.get("MAX_EVIDENCE_BYTES") or current_app.config["MAX_LETTER_BYTES"]


def given(upload) -> bool:
    return bool(upload and getattr(upload, "filename", ""))


def check(upload) -> CheckedEvidence:
    """Read and check an uploaded evidence file (a werkzeug FileStorage); raise EvidenceRejected."""
    content = read_within(upload, limit(), _too_big)
    if not content:
        raise EvidenceRejected(_("Berkas bukti kosong."))
    content_type = sniff(content)
    if content_type is None:
        raise EvidenceRejected(_("Berkas bukti harus berupa PDF, JPEG, atau PNG."))
    problem = pdfs.problem_of(content) if content_type == "application/pdf" else None
    if problem is not None:
        raise EvidenceRejected(pdfs.message(problem))
    return CheckedEvidence(content, content_type, display_name(upload.filename, content_type))


def _too_big(size: int, most: int) -> EvidenceRejected:
    return EvidenceRejected(
        _(
            "Berkas bukti terlalu besar (%(size)s MB). Ukuran maksimum %(limit)s MB.",
            size=megabytes(size),
            limit=megabytes(most),
        )
    )


def display_name(filename: str | None, content_type: str) -> str:
    ext = TYPES[content_type]
    name = secure_filename(filename or "")[:200] or f"bukti.{ext}"
    if not name.lower().endswith(f".{ext}") and not (ext == "jpg" and name.lower().endswith(".jpeg")):
        name += f".{ext}"
    return name


def store(checked: CheckedEvidence, by_id: int | None = None) -> files.StoredFile:
    """The checked file as a new stored file, committed with the caller's change."""
    return files.new(checked.content, files.FileKind.EVIDENCE, checked.content_type, by_id)
