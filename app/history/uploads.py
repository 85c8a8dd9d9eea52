"""Uploaded history files, kept in the database (app.core.files) between the preview and
the import, so that the preview may be answered by another web server than the upload.

A file is checked by content (reader.read() must make rows of it; an ".xlsx" must be an XLSX,
a ".csv" text), no larger than MAX_IMPORT_BYTES, then kept under its sha256 for the user who
sent it. The page carries only the sha256; the file is taken from the database, its hash
checked again, and only if this browser session uploaded it (the session remembers the name it
was sent under). Files older than KEEP_FOR are removed at the next upload and after an import.
"""

import hashlib
import os
import re
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app, session
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import delete, select

from app.core import files
from app.core.clock import now_utc
from app.core.files import FileKind, StoredFile
from app.core.uploads import megabytes, read_within
from app.extensions import db
from app.history import messages, reader

MAX_IMPORT_BYTES = 5 * 1024 * 1024
EXTENSIONS = (".csv", ".xlsx")
KEEP_FOR = timedelta(hours=24)
_SESSION_KEY = "history_uploads"
_KEEP_IN_SESSION = 5
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class UploadRejected(ValueError):
    """The file cannot be imported; the message says why, in the user's language."""


@dataclass(frozen=True)
class StoredImport:
    sha256: str
    filename: str
    content: bytes


def check(upload) -> tuple[bytes, str]:
    """(content, safe file name) of an uploaded FileStorage, or UploadRejected."""
    filename = os.path.basename((getattr(upload, "filename", "") or "").replace("\\", "/")).strip()
    if not filename:
        raise UploadRejected(_("Pilih berkas CSV atau XLSX."))
    extension = os.path.splitext(filename)[1].lower()
    if extension not in EXTENSIONS:
        raise UploadRejected(_("Hanya berkas CSV atau XLSX yang dapat diimpor."))
    content = read_within(upload, MAX_IMPORT_BYTES, _too_big)
    if reader.is_xlsx(content) != (extension == ".xlsx"):
        raise UploadRejected(_("Isi berkas tidak sesuai dengan jenisnya (CSV atau XLSX)."))
    try:
        rows_of(content)
    except reader.ReadError as error:
        raise UploadRejected(messages.file_problem(error)) from None
    return content, filename[:255]


def rows_of(content: bytes) -> list[reader.SheetRow]:
    """reader.read() within this app's row limit (HISTORY_IMPORT_MAX_ROWS)."""
    return reader.read(content, current_app.config["HISTORY_IMPORT_MAX_ROWS"])


def _too_big(size: int, limit: int) -> UploadRejected:
    return UploadRejected(
        _(
            "Berkas terlalu besar (%(size)s MB). Ukuran maksimum %(limit)s MB; simpan hanya lembar "
            "riwayat, atau bagi menjadi beberapa berkas.",
            size=megabytes(size),
            limit=megabytes(limit),
        )
    )


def store(content: bytes, filename: str) -> str:
    """Keep `content` for this user and browser session (committed here); returns its sha256."""
    _sweep()
    sha256 = hashlib.sha256(content).hexdigest()
    if _find(sha256) is None:
        files.new(content, FileKind.IMPORT, "application/octet-stream", current_user.id)
    db.session.commit()
    mine = dict(session.get(_SESSION_KEY) or {})
    mine.pop(sha256, None)
    mine[sha256] = filename
    session[_SESSION_KEY] = dict(list(mine.items())[-_KEEP_IN_SESSION:])
    return sha256


def load(sha256: str) -> StoredImport | None:
    """The file this session uploaded under `sha256`, or None (unknown, gone, or altered)."""
    filename = (session.get(_SESSION_KEY) or {}).get(sha256)
    if filename is None or not _SHA256.match(sha256):
        return None
    stored = _find(sha256)
    if stored is None or hashlib.sha256(stored.content).hexdigest() != sha256:
        return None
    return StoredImport(sha256, filename, stored.content)


def discard(sha256: str) -> None:
    """Forget an imported file (committed here)."""
    mine = dict(session.get(_SESSION_KEY) or {})
    if mine.pop(sha256, None) is not None:
        session[_SESSION_KEY] = mine
    db.session.execute(delete(StoredFile).where(*_mine(sha256)))
    _sweep()
    db.session.commit()


def _mine(sha256: str) -> tuple:
    return (
        StoredFile.kind == FileKind.IMPORT,
        StoredFile.sha256 == sha256,
        StoredFile.created_by_id == current_user.id,
    )


def _find(sha256: str) -> StoredFile | None:
    fresh = StoredFile.created_at >= now_utc() - KEEP_FOR
    return db.session.scalars(select(StoredFile).where(*_mine(sha256), fresh).limit(1)).first()


def _sweep() -> None:
    cutoff = now_utc() - KEEP_FOR
    db.session.execute(
        delete(StoredFile).where(StoredFile.kind == FileKind.IMPORT, StoredFile.created_at < cutoff)
    )
