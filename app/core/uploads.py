"""What the upload modules share: reading an upload within a size limit, recognising a file's
type by its content (never by its name), and folders of stored files.

Users' files live under UPLOAD_DIR/<folder>, never under static/, and only names of the
folder's own pattern are opened. A TransactionFiles folder stores files under random names
while a database transaction runs and removes them again when it does not commit. Used by
app.requests.letters (letters/), app.compliance.evidence (evidence/) and app.history.uploads
(imports/).
"""

import os
import re
import uuid
from collections.abc import Callable

from babel.numbers import format_decimal
from flask import current_app
from flask_babel import get_locale

from app.core import pdfs
from app.extensions import db

JPEG_MAGIC = b"\xff\xd8\xff"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def megabytes(size: int) -> str:
    """`size` bytes as megabytes with at most one decimal, in the user's locale."""
    return format_decimal(round(size / (1024 * 1024), 1), format="#,##0.#", locale=str(get_locale() or "id"))


def size_of(stream) -> int | None:
    """The size of a seekable stream without reading it, or None when it cannot tell."""
    try:
        position = stream.tell()
        stream.seek(0, os.SEEK_END)
        size = stream.tell()
        stream.seek(position)
        return size
    except (AttributeError, OSError, ValueError):
        return None


def read_within(upload, limit: int, too_big: Callable[[int, int], Exception]) -> bytes:
    """The content of an uploaded FileStorage of at most `limit` bytes.

    Past the limit it raises too_big(size, limit); a stream that tells its size is refused
    before it is read.
    """
    stream = upload.stream
    size = size_of(stream)
    if size is not None and size > limit:
        raise too_big(size, limit)
    stream.seek(0)
    content = stream.read(limit + 1)
    if len(content) > limit:
        raise too_big(size or len(content), limit)
    return content


def is_pdf(content: bytes) -> bool:
    """Whether `content` starts as a PDF; app.core.pdfs.problem_of() then looks inside."""
    return pdfs.has_header(content)


def sniff(content: bytes) -> str | None:
    """The content type of `content` when it is a JPEG, a PNG or a PDF; None otherwise."""
    if content.startswith(JPEG_MAGIC):
        return "image/jpeg"
    if content.startswith(PNG_MAGIC):
        return "image/png"
    if is_pdf(content):
        return "application/pdf"
    return None


class Folder:
    """UPLOAD_DIR/<name>: a folder of stored files whose names match `pattern`."""

    def __init__(self, name: str, pattern: str | re.Pattern, what: str):
        self.name = name
        self._pattern = re.compile(pattern)
        self._what = what

    def folder(self) -> str:
        return os.path.join(current_app.config["UPLOAD_DIR"], self.name)

    def path_of(self, stored_name: str) -> str:
        """The file of a stored name; any other name (a path, a user's name) is refused."""
        if not self._pattern.match(stored_name or ""):
            raise ValueError(f"not a {self._what}: {stored_name!r}")
        return os.path.join(self.folder(), stored_name)


class TransactionFiles(Folder):
    """A folder of files written under random names (<uuid4 hex>.<extension>) in a transaction.

    The names written are remembered in the session: finish() commits and removes them again
    if the commit fails; discard_unfinished() removes any that were never committed. A file
    given to remove_after_commit() goes only once the commit succeeds.
    """

    def __init__(self, name: str, extensions: tuple[str, ...], what: str):
        super().__init__(name, rf"^[0-9a-f]{{32}}\.({'|'.join(extensions)})$", what)
        self._written = f"{name}_written"
        self._obsolete = f"{name}_obsolete"

    def write(self, content: bytes, extension: str) -> str:
        """Write `content` under a new name (removed again unless committed); returns the name."""
        os.makedirs(self.folder(), exist_ok=True)
        stored_name = f"{uuid.uuid4().hex}.{extension}"
        path = self.path_of(stored_name)
        db.session.info.setdefault(self._written, []).append(stored_name)
        with open(path, "xb") as fh:  # "x": never overwrite an existing file
            fh.write(content)
        return stored_name

    def remove_after_commit(self, stored_name: str) -> None:
        db.session.info.setdefault(self._obsolete, []).append(stored_name)

    def finish(self) -> None:
        """Commit the session; the files written in it are removed if the commit fails."""
        try:
            db.session.commit()
        except Exception:
            db.session.rollback()
            self.discard_unfinished()
            raise
        db.session.info.pop(self._written, None)
        self._remove(db.session.info.pop(self._obsolete, []))

    def discard_unfinished(self) -> None:
        """Remove the files written by a transaction that was never committed."""
        self._remove(db.session.info.pop(self._written, []))
        db.session.info.pop(self._obsolete, None)

    def _remove(self, names: list[str]) -> None:
        for name in names:
            try:
                os.remove(self.path_of(name))
            except (FileNotFoundError, ValueError):
                pass
