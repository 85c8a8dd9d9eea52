"""Storage of request letters (PDF uploads), outside static/ and under generated names.

An upload is checked before anything is written: it must be a PDF by content, never judged
by its name (it starts with the header "%PDF-", parses, has a page, is not encrypted and holds
no JavaScript, launch action or embedded file: app.core.pdfs), and no larger than
MAX_LETTER_BYTES. It is stored in the database (app.core.files) in the same transaction as its
RequestLetter row; the user's file name is kept (made safe) only to be shown and offered on
download. The shared checks live in app.core.uploads.
"""

from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from werkzeug.utils import secure_filename

from app.core import files, pdfs
from app.core.uploads import is_pdf, megabytes, read_within


class LetterRejected(ValueError):
    """The upload is not acceptable; the message says why, in the user's language."""


@dataclass(frozen=True)
class CheckedUpload:
    content: bytes
    display_name: str


def check_upload(upload) -> CheckedUpload:
    """Read and check an uploaded letter (a werkzeug FileStorage); raise LetterRejected."""
    content = read_within(upload, current_app.config["MAX_LETTER_BYTES"], _too_big)
    if not content:
        raise LetterRejected(_("Berkas surat kosong. Unggah berkas PDF surat permohonan."))
    if not is_pdf(content):
        raise LetterRejected(
            _(
                "Berkas surat harus berupa PDF. Berkas yang diunggah bukan PDF; simpan atau pindai "
                "surat sebagai PDF lalu unggah kembali."
            )
        )
    problem = pdfs.problem_of(content)
    if problem is not None:
        raise LetterRejected(pdfs.message(problem))
    return CheckedUpload(content=content, display_name=display_name(upload.filename))


def _too_big(size: int, limit: int) -> LetterRejected:
    return LetterRejected(
        _(
            "Berkas surat terlalu besar (%(size)s MB). Ukuran maksimum %(limit)s MB; perkecil berkas PDF "
            "lalu unggah kembali.",
            size=megabytes(size),
            limit=megabytes(limit),
        )
    )


def display_name(filename: str | None) -> str:
    name = secure_filename(filename or "")[:200]
    if not name:
        return "surat.pdf"
    if not name.lower().endswith(".pdf"):
        name += ".pdf"
    return name


def store(checked: CheckedUpload, by_id: int) -> files.StoredFile:
    """The checked letter as a new stored file, committed with the caller's change."""
    return files.new(checked.content, files.FileKind.LETTER, "application/pdf", by_id)
