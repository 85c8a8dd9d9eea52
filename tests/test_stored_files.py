"""Files kept in the database (app.core.files): streamed back in slices, byte for byte."""

import hashlib

from sqlalchemy import inspect

from app.core import files
from app.domain.policy import Mode
from app.extensions import db
from tests import factories
from tests.files import pdf


def _big_pdf() -> bytes:
    """A valid PDF of a bit more than four slices (a scanned letter of ~1 MB)."""
    content = pdf(pages=2, note="pindaian")
    return content + b"%" + bytes(range(256)) * ((4 * files.CHUNK) // 256) + b"\n"


def test_a_letter_of_several_slices_downloads_byte_for_byte(client, auth):
    pemda = factories.pemda_user()
    req = factories.consultation(pemda, mode=Mode.FTF, with_letter=False)
    factories.letter(req, pemda, content=_big_pdf())
    db.session.commit()
    content = req.letter.file.content
    assert len(content) > 4 * files.CHUNK
    auth.login(pemda)
    with client.get(f"/permohonan/{req.id}/surat") as response:
        assert response.status_code == 200
        assert response.is_streamed
        assert response.headers["Content-Length"] == str(len(content))
        assert response.headers["Cache-Control"] == "private, no-store"
        assert response.get_data() == content


def test_slices_are_read_by_the_database(app):
    pemda = factories.pemda_user()
    content = bytes(range(256)) * 10
    stored = files.new(content, files.FileKind.EVIDENCE, "image/png", pemda.id)
    db.session.commit()
    assert stored.sha256 == hashlib.sha256(content).hexdigest() and stored.size == 2560
    assert files.slice_of(stored.id, 0, 3) == b"\x00\x01\x02"
    assert files.slice_of(stored.id, 255, 3) == b"\xff\x00\x01"
    assert files.slice_of(stored.id, 2558, 100) == b"\xfe\xff"


def test_listing_letters_never_loads_their_content(app):
    pemda = factories.pemda_user()
    req = factories.consultation(pemda, mode=Mode.FTF)
    db.session.commit()
    db.session.expire_all()
    letter_file = db.session.get(type(req), req.id).letter.file
    assert "content" in inspect(letter_file).unloaded  # deferred: read only when asked for
