"""Storage of request letters (PDF uploads), outside static/ and under generated names.

An upload is checked before anything is written: it must be a PDF by content, never judged
by its name (it starts with the header "%PDF-", parses, has a page, is not encrypted and holds
no JavaScript, launch action or embedded file: app.core.pdfs), and no larger than
MAX_LETTER_BYTES. It is stored as UPLOAD_DIR/letters/<uuid4>.pdf;
the user's file name is kept (made safe) only to be shown and offered on download.

Files written during a database transaction are remembered in the session: finish() commits
and removes them again if the commit fails; discard_unfinished() (called at the end of every
request of the blueprint) removes any that were never committed. A replaced letter's old file
is removed only after the commit succeeds. The shared part lives in app.core.uploads.
"""

import hashlib
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from werkzeug.utils import secure_filename

from app.core import pdfs
from app.core.uploads import TransactionFiles, is_pdf, megabytes, read_within

FILES = TransactionFiles("letters", ("pdf",), "stored letter name")
folder = FILES.folder
path_of = FILES.path_of  # only generated names are accepted
remove_after_commit = FILES.remove_after_commit  # a replaced letter's file, once committed
finish = FILES.finish
discard_unfinished = FILES.discard_unfinished


class LetterRejected(ValueError):
    """The upload is not acceptable; the message says why, in the user's language."""


@dataclass(frozen=True)
class CheckedUpload:
    content: bytes
    display_name: str


@dataclass(frozen=True)
class StoredFile:
    stored_name: str
    size: int
    sha256: str


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


def store(checked: CheckedUpload) -> StoredFile:
    """Write a checked upload under a new generated name; it is removed again unless committed."""
    return StoredFile(
        stored_name=FILES.write(checked.content, "pdf"),
        size=len(checked.content),
        sha256=hashlib.sha256(checked.content).hexdigest(),
    )
