"""What the upload modules share: reading an upload within a size limit and recognising a
file's type by its content (never by its name). Used by app.requests.letters,
app.compliance.evidence and app.history.uploads; what they accept is kept in the database
(app.core.files).
"""

import os
from collections.abc import Callable

from babel.numbers import format_decimal
from flask_babel import get_locale

from app.core import pdfs

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
