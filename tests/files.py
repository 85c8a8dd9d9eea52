"""Real files for upload tests, made by pypdf: a valid one-page PDF, and PDFs that must be
refused (JavaScript, a launch action, an embedded file, a password)."""

import io

from pypdf import PdfWriter
from pypdf.actions import JavaScript
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from app.seed_files import pdf_of_objects


def pdf(*, pages: int = 1, note: str = "") -> bytes:
    """A valid PDF of blank A4 pages; `note` (in its metadata) makes its bytes differ."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if note:
        writer.add_metadata({"/Subject": note})
    return _written(writer)


def pdf_with_javascript() -> bytes:
    writer = _one_page()
    writer.add_open_action(JavaScript("app.alert('x');"))
    return _written(writer)


def pdf_with_launch() -> bytes:
    writer = _one_page()
    launch = DictionaryObject(
        {
            NameObject("/S"): NameObject("/Launch"),
            NameObject("/F"): TextStringObject("calc.exe"),
        }
    )
    writer.root_object[NameObject("/OpenAction")] = launch
    return _written(writer)


def pdf_with_attachment() -> bytes:
    writer = _one_page()
    writer.add_attachment("tagihan.exe", b"MZ not really a program")
    return _written(writer)


def encrypted_pdf() -> bytes:
    writer = _one_page()
    writer.encrypt("rahasia")
    return _written(writer)


def raw_pdf(*objects: bytes) -> bytes:
    """A PDF written byte by byte (objects 1, 2...; 1 is the catalog), with a correct xref
    table: for what pypdf would not write, such as names spelt with #xx escapes."""
    return pdf_of_objects(list(objects), version="1.7")


def _one_page() -> PdfWriter:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    return writer


def _written(writer: PdfWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


PDF = pdf()  # the letter most tests upload


def stored(kind: str | None = None) -> list[bytes]:
    """The content of the files kept in the database (app.core.files), oldest first."""
    from sqlalchemy import select

    from app.core.files import StoredFile
    from app.extensions import db

    query = select(StoredFile.content).order_by(StoredFile.id)
    if kind is not None:
        query = query.where(StoredFile.kind == kind)
    return [bytes(content) for content in db.session.scalars(query)]
