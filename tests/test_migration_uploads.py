"""Migration 0011 moves the files of UPLOAD_DIR into the database, checked by SHA-256, and
refuses (changing nothing) when a file is missing or differs; downgrading writes them back.

Real rows are made at the head revision, the database is taken down to 0010 (which writes the
files out the way earlier versions kept them), then upgraded again: the round trip an operator
with files on disk makes."""

import hashlib
import os

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text

from app import create_app
from app.compliance.evidence import CheckedEvidence
from app.compliance.evidence import store as store_evidence
from app.compliance.models import Breach
from app.domain.policy import Mode
from app.extensions import db
from app.regions.services import load_regions
from app.requests.models import RequestLetter
from tests import factories
from tests.compliance.helpers import PNG, breach
from tests.files import pdf
from tests.machine import scratch_database

BEFORE = "6e3b8d0a2c10"  # 0010, the files on disk


def _on_disk(upload_dir, folder: str) -> dict[str, bytes]:
    path = os.path.join(upload_dir, folder)
    names = sorted(os.listdir(path)) if os.path.isdir(path) else []
    found = {}
    for name in names:
        with open(os.path.join(path, name), "rb") as fh:
            found[name] = fh.read()
    return found


def _revision() -> str:
    with db.engine.connect() as conn:
        return conn.scalar(text("SELECT version_num FROM alembic_version"))


def _round_trip(url: str, upload_dir: str, capsys) -> None:
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url, UPLOAD_DIR=upload_dir)
    letter_pdf, evidence_png = pdf(note="surat bupati"), PNG + b"\x00" * (372 - len(PNG))
    with app.app_context():
        upgrade()
        load_regions()
        pemda = factories.pemda_user()
        req = factories.consultation(pemda, mode=Mode.FTF)
        req.letter.file.content = letter_pdf  # a letter of its own bytes
        req.letter.size = req.letter.file.size = len(letter_pdf)
        req.letter.sha256 = req.letter.file.sha256 = hashlib.sha256(letter_pdf).hexdigest()
        with_file = breach(pemda)
        with_file.evidence_file = store_evidence(CheckedEvidence(evidence_png, "image/png", "foto.png"))
        with_file.evidence_filename, with_file.evidence_size = "foto.png", len(evidence_png)
        with_file.evidence_content_type = "image/png"
        breach(pemda, "no_show")  # no file
        db.session.commit()
        pemda_id, breach_id = pemda.id, with_file.id
        db.session.remove()

        downgrade(revision=BEFORE)
        assert _revision() == BEFORE
        letters, evidence = _on_disk(upload_dir, "letters"), _on_disk(upload_dir, "evidence")
        assert list(letters.values()) == [letter_pdf] and list(evidence.values()) == [evidence_png]
        with db.engine.connect() as conn:
            assert conn.scalar(text("SELECT stored_name FROM request_letters")) in letters
            assert conn.scalar(text("SELECT count(*) FROM breaches WHERE evidence_stored_name IS NULL")) == 1

        # A file that is missing and one that differs: refused, each named, nothing changed.
        [letter_name], [evidence_name] = letters, evidence
        os.rename(os.path.join(upload_dir, "letters", letter_name), os.path.join(upload_dir, "moved.pdf"))
        with open(os.path.join(upload_dir, "evidence", evidence_name), "ab") as fh:
            fh.write(b"!")
        with pytest.raises(SystemExit):  # Flask-Migrate logs the error and exits 1
            upgrade()
        said = capsys.readouterr().err
        assert "nothing was changed" in said
        assert (
            f"letters/{letter_name}: No such file" in said and f"evidence/{evidence_name}: 373 bytes" in said
        )
        db.session.remove()
        assert _revision() == BEFORE
        with db.engine.connect() as conn:
            assert "stored_files" not in set(db.inspect(conn).get_table_names())

        os.rename(os.path.join(upload_dir, "moved.pdf"), os.path.join(upload_dir, "letters", letter_name))
        with open(os.path.join(upload_dir, "evidence", evidence_name), "wb") as fh:
            fh.write(evidence_png)
        upgrade()
        letter = db.session.scalars(select(RequestLetter)).one()
        assert letter.file.content == letter_pdf and letter.file.sha256 == letter.sha256
        assert letter.file.kind == "letter" and letter.file.created_by_id == pemda_id
        moved = db.session.get(Breach, breach_id)
        assert moved.evidence_file.content == evidence_png
        assert moved.evidence_file.content_type == "image/png"
        with app.test_request_context():
            from app.core import files

            response = files.download(letter.file, download_name="surat.pdf")
            assert b"".join(response.response) == letter_pdf
        db.session.remove()
        db.engine.dispose()


def test_sqlite_uploads_move_into_the_database_and_back(tmp_path, capsys):
    _round_trip(f"sqlite:///{tmp_path / 'uploads.db'}", str(tmp_path / "uploads"), capsys)


@pytest.mark.postgres
def test_postgres_uploads_move_into_the_database_and_back(postgres_url, tmp_path, capsys):
    with scratch_database(postgres_url, "_uploads") as url:
        _round_trip(url, str(tmp_path / "uploads"), capsys)
