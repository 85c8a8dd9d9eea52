"""Whether an uploaded PDF (a request letter, breach evidence) is a real, passive document.

The header "%PDF-" is not enough: an HTML page with "%PDF-" in it passed as a letter. A PDF
must begin with the header (only a byte-order mark or white space may stand before it, within
the first 1024 bytes as the specification allows), parse with pypdf, have a page, and not be
encrypted (an encrypted file cannot be looked into, and staff could not open it without the
password). Nothing in it may act when it is opened or clicked: JavaScript (a /JS entry, a
/JavaScript action or name tree, an XFA form, whose scripts run in the reader) and /Launch
actions (which start a program) are refused, and so are embedded files (/EmbeddedFiles,
/EF, file attachment annotations): a letter or a photo needs none, and an attachment would
carry any file past the type check.

Every object reachable from the trailer is looked at (not only the catalog's OpenAction and
AA entries), since actions also hide in pages, annotations, form fields and outlines. Stream
data is never decoded here except for the object streams pypdf must read, which pypdf bounds.
"""

import enum
import io
import re

from flask_babel import gettext as _
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

HEADER_WINDOW = 1024
_HEADER = re.compile(rb"(?:\xef\xbb\xbf)?[\t\n\f\r ]*%PDF-")
# Objects looked at, at most: a 5 MB letter has a few thousand; far more is not a letter.
MAX_OBJECTS = 200_000

_SCRIPT_KEYS = {"/JS", "/JavaScript", "/XFA"}
_EMBEDDED_KEYS = {"/EmbeddedFiles", "/EF"}


class Problem(enum.StrEnum):
    NOT_A_PDF = "not_a_pdf"  # no header at the start, or pypdf cannot read it
    NO_PAGES = "no_pages"
    ENCRYPTED = "encrypted"
    JAVASCRIPT = "javascript"
    LAUNCH = "launch"
    EMBEDDED_FILE = "embedded_file"


def has_header(content: bytes) -> bool:
    """Whether `content` starts as a PDF: "%PDF-" after nothing but a BOM or white space."""
    found = _HEADER.match(content[:HEADER_WINDOW])
    return found is not None


def problem_of(content: bytes) -> Problem | None:
    """Why `content` is not an acceptable PDF, or None when it is one."""
    if not has_header(content):
        return Problem.NOT_A_PDF
    # A damaged or forged file fails in many ways inside pypdf (its own errors, but also
    # KeyError, ValueError, RecursionError...): any of them means it is not a readable PDF.
    try:
        reader = PdfReader(io.BytesIO(content), strict=False)
        if reader.is_encrypted:
            return Problem.ENCRYPTED
        if len(reader.pages) < 1:
            return Problem.NO_PAGES
        return _active_content(reader)
    except Exception:
        return Problem.NOT_A_PDF


def _active_content(reader: PdfReader) -> Problem | None:
    seen: set[tuple[int, int]] = set()
    stack: list = [reader.trailer]
    looked_at = 0
    while stack:
        obj = stack.pop()
        if isinstance(obj, IndirectObject):
            key = (obj.idnum, obj.generation)
            if key in seen:
                continue
            seen.add(key)
            obj = obj.get_object()
        looked_at += 1
        if looked_at > MAX_OBJECTS:
            return Problem.NOT_A_PDF
        if isinstance(obj, DictionaryObject):  # streams too: their dictionary
            problem = _problem_in(obj)
            if problem is not None:
                return problem
            # dict.values: the entries as written, references unresolved (cycles are common)
            stack.extend(dict.values(obj))
        elif isinstance(obj, ArrayObject):
            stack.extend(list.__iter__(obj))
    return None


def _name(value) -> str | None:
    if isinstance(value, IndirectObject):
        value = value.get_object()
    return str(value) if value is not None else None


def _problem_in(entries: DictionaryObject) -> Problem | None:
    keys = set(dict.keys(entries))
    action = _name(dict.get(entries, "/S"))
    if keys & _SCRIPT_KEYS or action == "/JavaScript":
        return Problem.JAVASCRIPT
    if action == "/Launch":
        return Problem.LAUNCH
    if (
        keys & _EMBEDDED_KEYS
        or _name(dict.get(entries, "/Type")) == "/EmbeddedFile"
        or _name(dict.get(entries, "/Subtype")) == "/FileAttachment"
    ):
        return Problem.EMBEDDED_FILE
    return None


def message(problem: Problem) -> str:
    """What the uploader is told, in their language."""
    if problem == Problem.ENCRYPTED:
        return _(
            "Berkas PDF ini terkunci kata sandi atau dienkripsi, sehingga tidak dapat diperiksa dan "
            "dibuka petugas. Simpan ulang tanpa kata sandi atau perlindungan, lalu unggah kembali."
        )
    if problem == Problem.JAVASCRIPT:
        return _(
            "Berkas PDF ini memuat JavaScript, yang tidak diterima demi keamanan. Cetak ulang "
            "dokumen ke PDF (misalnya dengan \u201cPrint to PDF\u201d) atau pindai ulang, lalu unggah kembali."
        )
    if problem == Problem.LAUNCH:
        return _(
            "Berkas PDF ini memuat perintah untuk menjalankan program lain, yang tidak diterima demi "
            "keamanan. Cetak ulang dokumen ke PDF atau pindai ulang, lalu unggah kembali."
        )
    if problem == Problem.EMBEDDED_FILE:
        return _(
            "Berkas PDF ini memuat berkas lain di dalamnya (lampiran tersemat), yang tidak diterima "
            "demi keamanan. Simpan ulang dokumen tanpa lampiran, lalu unggah kembali."
        )
    if problem == Problem.NO_PAGES:
        return _("Berkas PDF ini tidak memiliki halaman. Unggah PDF yang memuat isi dokumen.")
    return _(
        "Berkas ini bukan PDF yang sah: isinya tidak dapat dibaca sebagai PDF. Simpan atau pindai "
        "ulang dokumen sebagai PDF, lalu unggah kembali."
    )
