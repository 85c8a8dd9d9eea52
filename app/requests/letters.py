"""Storage of request letters (PDF uploads), outside static/ and under generated names.

An upload is checked before anything is written: it must be a PDF by content (the header
"%PDF-" within the first 1024 bytes, as the PDF specification allows), never judged by its
name, and no larger than MAX_LETTER_BYTES. It is stored as UPLOAD_DIR/letters/<uuid4>.pdf;
the user's file name is kept (made safe) only to be shown and offered on download.

Files written during a database transaction are remembered in the session: finish() commits
and removes them again if the commit fails; discard_unfinished() (called at the end of every
request of the blueprint) removes any that were never committed. A replaced letter's old file
is removed only after the commit succeeds.
"""

import hashlib
import os
import re
import uuid
from dataclasses import dataclass

from babel.numbers import format_decimal
from flask import current_app
from flask_babel import get_locale
from flask_babel import gettext as _
from werkzeug.utils import secure_filename

from app.extensions import db

PDF_MAGIC = b"%PDF-"
HEADER_WINDOW = 1024
_STORED_NAME = re.compile(r"^[0-9a-f]{32}\.pdf$")
_WRITTEN = "letters_written"
_OBSOLETE = "letters_obsolete"


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


def folder() -> str:
    return os.path.join(current_app.config["UPLOAD_DIR"], "letters")


def path_of(stored_name: str) -> str:
    """The file of a stored letter; only generated names are accepted."""
    if not _STORED_NAME.match(stored_name or ""):
        raise ValueError(f"not a stored letter name: {stored_name!r}")
    return os.path.join(folder(), stored_name)


def _megabytes(size: int) -> str:
    return format_decimal(round(size / (1024 * 1024), 1), format="#,##0.#", locale=str(get_locale() or "id"))


def _size_of(stream) -> int | None:
    try:
        position = stream.tell()
        stream.seek(0, os.SEEK_END)
        size = stream.tell()
        stream.seek(position)
        return size
    except (AttributeError, OSError, ValueError):
        return None


def check_upload(upload) -> CheckedUpload:
    """Read and check an uploaded letter (a werkzeug FileStorage); raise LetterRejected."""
    limit = current_app.config["MAX_LETTER_BYTES"]
    stream = upload.stream
    size = _size_of(stream)
    if size is not None and size > limit:
        raise LetterRejected(_too_big(size, limit))
    stream.seek(0)
    content = stream.read(limit + 1)
    if len(content) > limit:
        raise LetterRejected(_too_big(size or len(content), limit))
    if not content:
        raise LetterRejected(_("Berkas surat kosong. Unggah berkas PDF surat permohonan."))
    if PDF_MAGIC not in content[:HEADER_WINDOW]:
        raise LetterRejected(
            _(
                "Berkas surat harus berupa PDF. Berkas yang diunggah bukan PDF; simpan atau pindai "
                "surat sebagai PDF lalu unggah kembali."
            )
        )
    return CheckedUpload(content=content, display_name=display_name(upload.filename))


def _too_big(size: int, limit: int) -> str:
    return _(
        "Berkas surat terlalu besar (%(size)s MB). Ukuran maksimum %(limit)s MB; perkecil berkas PDF "
        "lalu unggah kembali.",
        size=_megabytes(size),
        limit=_megabytes(limit),
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
    os.makedirs(folder(), exist_ok=True)
    stored_name = f"{uuid.uuid4().hex}.pdf"
    path = path_of(stored_name)
    db.session.info.setdefault(_WRITTEN, []).append(stored_name)
    with open(path, "xb") as fh:  # "x": never overwrite an existing file
        fh.write(checked.content)
    return StoredFile(
        stored_name=stored_name,
        size=len(checked.content),
        sha256=hashlib.sha256(checked.content).hexdigest(),
    )


def remove_after_commit(stored_name: str) -> None:
    """The file of a replaced letter goes once the replacement is committed."""
    db.session.info.setdefault(_OBSOLETE, []).append(stored_name)


def _remove(names: list[str]) -> None:
    for name in names:
        try:
            os.remove(path_of(name))
        except (FileNotFoundError, ValueError):
            pass


def finish() -> None:
    """Commit the session; letter files written in it are removed if the commit fails."""
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        discard_unfinished()
        raise
    db.session.info.pop(_WRITTEN, None)
    _remove(db.session.info.pop(_OBSOLETE, []))


def discard_unfinished() -> None:
    """Remove files written by a transaction that was never committed."""
    _remove(db.session.info.pop(_WRITTEN, []))
    db.session.info.pop(_OBSOLETE, None)
