"""A letter must be a real, passive PDF: an HTML page with "%PDF-" in it, a PDF with JavaScript,
a launch action or an embedded file, an encrypted PDF, a header with nothing behind it and a
PDF without pages are refused with a message saying which; nothing of them is stored."""

import hashlib

import pytest
from sqlalchemy import func, select

from app.core import pdfs
from app.extensions import db
from app.requests.models import ConsultationRequest, RequestLetter
from tests import files
from tests.requests.helpers import ftf_data, text_of

CATALOG = b"<< /Type /Catalog /Pages 2 0 R >>"
PAGES = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
PAGE_WITH_LINK = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Annots [4 0 R] >>"
HTML_WITH_HEADER = b"<!doctype html><html><body><p>%PDF-1.4</p><script>fetch('/akun')</script></body></html>"


def escaped_javascript_link() -> bytes:
    """A link whose action is JavaScript with its names spelt in #xx escapes (/Java#53cript
    is /JavaScript, /J#53 is /JS), on a page rather than in the catalog's OpenAction."""
    link = (
        b"<< /Type /Annot /Subtype /Link /Rect [0 0 99 99] /A << /S /Java#53cript /J#53 (app.alert(1)) >> >>"
    )
    return files.raw_pdf(CATALOG, PAGES, PAGE_WITH_LINK, link)


def web_link() -> bytes:
    """A link to the Pemda's website, as letterheads have: allowed."""
    link = (
        b"<< /Type /Annot /Subtype /Link /Rect [0 0 99 99] /A << /S /URI /URI (https://brebeskab.go.id) >> >>"
    )
    return files.raw_pdf(CATALOG, PAGES, PAGE_WITH_LINK, link)


REFUSED = {
    "html with a pdf header inside": (HTML_WITH_HEADER, "Berkas surat harus berupa PDF."),
    "header and nothing readable": (
        b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
        "Berkas ini bukan PDF yang sah",
    ),
    "no pages": (
        files.raw_pdf(CATALOG, b"<< /Type /Pages /Kids [] /Count 0 >>"),
        "Berkas PDF ini tidak memiliki halaman.",
    ),
    "encrypted": (files.encrypted_pdf(), "Berkas PDF ini terkunci kata sandi atau dienkripsi"),
    "javascript on open": (files.pdf_with_javascript(), "Berkas PDF ini memuat JavaScript"),
    "javascript in a link, names escaped": (escaped_javascript_link(), "Berkas PDF ini memuat JavaScript"),
    "launch action": (files.pdf_with_launch(), "memuat perintah untuk menjalankan program lain"),
    "embedded file": (files.pdf_with_attachment(), "memuat berkas lain di dalamnya (lampiran tersemat)"),
}


def stored_letters(app) -> list[bytes]:
    return files.stored("letter")


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize("content, message", list(REFUSED.values()), ids=list(REFUSED))
def test_a_letter_that_is_no_passive_pdf_is_refused(app, client, auth, pemda, topics, content, message):
    auth.login(pemda)
    before = stored_letters(app)
    response = client.post("/permohonan/baru", data=ftf_data(topics, upload=(content, "surat.pdf")))
    assert response.status_code == 200
    assert message in text_of(response)
    assert count(ConsultationRequest) == 0 and count(RequestLetter) == 0
    assert stored_letters(app) == before


@pytest.mark.parametrize("content", [files.PDF, web_link(), files.pdf(pages=3, note="surat")])
def test_a_real_pdf_is_accepted_and_stored_as_sent(app, client, auth, pemda, topics, content):
    auth.login(pemda)
    response = client.post("/permohonan/baru", data=ftf_data(topics, upload=(content, "surat.pdf")))
    assert response.status_code == 302
    letter = db.session.scalars(select(RequestLetter)).one()
    assert letter.sha256 == hashlib.sha256(content).hexdigest()
    assert letter.file.content == content
    assert stored_letters(app) == [content]


def test_every_refusal_has_its_own_reason():
    problems = [pdfs.problem_of(content) for content, _message in REFUSED.values()]
    assert problems == [
        pdfs.Problem.NOT_A_PDF,
        pdfs.Problem.NOT_A_PDF,
        pdfs.Problem.NO_PAGES,
        pdfs.Problem.ENCRYPTED,
        pdfs.Problem.JAVASCRIPT,
        pdfs.Problem.JAVASCRIPT,
        pdfs.Problem.LAUNCH,
        pdfs.Problem.EMBEDDED_FILE,
    ]
    assert pdfs.problem_of(files.PDF) is None


def test_only_white_space_may_stand_before_the_header():
    assert pdfs.has_header(b"\xef\xbb\xbf\r\n" + files.PDF)
    assert not pdfs.has_header(b"<html>" + files.PDF)
    assert not pdfs.has_header(b" " * 1024 + files.PDF)  # past the first 1024 bytes
