"""Users' files (request letters, breach evidence, history files between preview and import),
kept in the database so that every web server sees them and a database backup holds them.

A file is a StoredFile row written in the same transaction as the row that refers to it: a
request that fails leaves no file behind, and a replaced file is deleted with the change that
replaces it (the referring relationships cascade "delete-orphan"). The content column is
deferred: listing letters or breaches never loads a byte of it. download() streams the content
back in slices of CHUNK bytes, each read with its own statement, so a download holds at most
one slice in memory and no file is read from disk.
"""

import hashlib
import logging
from datetime import datetime

from flask import current_app, stream_with_context
from sqlalchemy import ForeignKey, Integer, LargeBinary, String, func, select
from sqlalchemy.orm import Mapped, mapped_column

from app.core.clock import now_utc
from app.core.types import UTCDateTime
from app.extensions import db

CHUNK = 256 * 1024
log = logging.getLogger(__name__)


class FileKind:
    LETTER = "letter"
    EVIDENCE = "evidence"
    IMPORT = "import"


class StoredFile(db.Model):
    __tablename__ = "stored_files"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    __table_args__ = (
        # History files are found by kind, owner and hash; old ones are swept by kind and age.
        db.Index("ix_stored_files_kind_sha256", "kind", "sha256"),
        db.Index("ix_stored_files_kind_created", "kind", "created_at"),
    )


def new(content: bytes, kind: str, content_type: str, by_id: int | None = None) -> StoredFile:
    """A StoredFile of `content`, added to the session (committed with the caller's change)."""
    row = StoredFile(
        kind=kind,
        content_type=content_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
        created_at=now_utc(),
        created_by_id=by_id,
    )
    db.session.add(row)
    return row


def slice_of(file_id: int, start: int, length: int) -> bytes:
    """`length` bytes of a file's content from `start` (0-based), read by the database."""
    piece = db.session.execute(
        select(func.substr(StoredFile.content, start + 1, length, type_=LargeBinary)).where(
            StoredFile.id == file_id
        )
    ).scalar_one()
    return bytes(piece or b"")


def download(file: StoredFile, *, download_name: str, mimetype: str | None = None):
    """A response that streams `file` as an attachment named `download_name`, never cached."""
    file_id, size, expected = file.id, file.size, file.sha256

    def chunks():
        digest = hashlib.sha256()
        for start in range(0, size, CHUNK):
            piece = slice_of(file_id, start, CHUNK)
            digest.update(piece)
            yield piece
        if digest.hexdigest() != expected:  # too late to refuse; said loudly for the operator
            log.error("stored file %s does not match its SHA-256", file_id)

    response = current_app.response_class(
        stream_with_context(chunks()), mimetype=mimetype or file.content_type, direct_passthrough=True
    )
    response.content_length = size
    response.headers.set("Content-Disposition", "attachment", filename=download_name)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response
