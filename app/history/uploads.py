"""Uploaded history files, kept on the server between the preview and the import.

A file is checked by content (reader.read() must make rows of it; an ".xlsx" must be an XLSX,
a ".csv" text), no larger than MAX_IMPORT_BYTES, then kept as UPLOAD_DIR/imports/<sha256>.
The page carries only the sha256; the file is taken from disk, its hash checked again, and
only if this browser session uploaded it (the signed session remembers the name it was sent
under). Files older than KEEP_FOR are removed at the next upload.
"""

import hashlib
import os
import re
from dataclasses import dataclass

from flask import current_app, session
from flask_babel import gettext as _

from app.core.clock import now_utc
from app.core.uploads import Folder, megabytes, read_within
from app.history import messages, reader

MAX_IMPORT_BYTES = 5 * 1024 * 1024
EXTENSIONS = (".csv", ".xlsx")
KEEP_FOR = 24 * 3600  # seconds
_SESSION_KEY = "history_uploads"
_KEEP_IN_SESSION = 5
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
FILES = Folder("imports", _SHA256, "sha256")
folder = FILES.folder
_path = FILES.path_of


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
    """Keep `content` for this browser session; returns its sha256."""
    os.makedirs(folder(), exist_ok=True)
    _sweep()
    sha256 = hashlib.sha256(content).hexdigest()
    temporary = _path(sha256) + f".{os.getpid()}.part"
    with open(temporary, "wb") as fh:
        fh.write(content)
    os.replace(temporary, _path(sha256))
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
    try:
        with open(_path(sha256), "rb") as fh:
            content = fh.read(MAX_IMPORT_BYTES + 1)
    except OSError:
        return None
    if hashlib.sha256(content).hexdigest() != sha256:
        return None
    return StoredImport(sha256, filename, content)


def discard(sha256: str) -> None:
    mine = dict(session.get(_SESSION_KEY) or {})
    if mine.pop(sha256, None) is not None:
        session[_SESSION_KEY] = mine
    try:
        os.remove(_path(sha256))
    except (OSError, ValueError):
        pass


def _sweep() -> None:
    cutoff = now_utc().timestamp() - KEEP_FOR
    for name in os.listdir(folder()):
        path = os.path.join(folder(), name)
        try:
            if os.path.getmtime(path) < cutoff:
                os.remove(path)
        except OSError:
            pass
