"""Upload attacks and failures: only real PDFs up to 5 MB are kept, in the database, and no
file is written to disk."""

import os

import pytest
from sqlalchemy import select

from app.extensions import db
from app.requests.models import ConsultationRequest, RequestLetter
from tests.files import stored
from tests.requests.helpers import PDF, ftf_data, login_as, post_in_memory, text_of


def files_under(folder: str) -> set[str]:
    found = set()
    for root, _dirs, names in os.walk(folder):
        found.update(os.path.relpath(os.path.join(root, n), folder) for n in names)
    return found


@pytest.fixture
def upload_tree(app):
    """Snapshot of everything around the (former) upload directory, to see what a request wrote."""
    around = os.path.dirname(os.path.abspath(app.config["UPLOAD_DIR"]))
    before = files_under(around)
    return lambda: files_under(around) - before


def nothing_stored(new_files) -> None:
    assert new_files() == set()
    db.session.expire_all()
    assert stored() == []
    assert db.session.scalars(select(ConsultationRequest)).first() is None
    assert db.session.scalars(select(RequestLetter)).first() is None


def test_renamed_executable_is_refused(client, pemda, topics, upload_tree):
    login_as(client, pemda)
    executable = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 2048
    page = text_of(client.post("/permohonan/baru", data=ftf_data(topics, upload=(executable, "surat.pdf"))))
    assert "Berkas surat harus berupa PDF." in page
    nothing_stored(upload_tree)


def test_pdf_header_after_the_first_kilobyte_is_refused(client, pemda, topics, upload_tree):
    login_as(client, pemda)
    content = b"\x00" * 1024 + PDF
    page = text_of(client.post("/permohonan/baru", data=ftf_data(topics, upload=(content, "surat.pdf"))))
    assert "Berkas surat harus berupa PDF." in page
    nothing_stored(upload_tree)


def test_pdf_header_after_some_junk_is_accepted(client, pemda, topics):
    # The PDF specification lets readers find the header within the first 1024 bytes.
    login_as(client, pemda)
    content = b"\xef\xbb\xbf\r\n" + PDF
    assert (
        client.post("/permohonan/baru", data=ftf_data(topics, upload=(content, "s.pdf"))).status_code == 302
    )


def test_empty_file_is_refused(client, pemda, topics, upload_tree):
    login_as(client, pemda)
    page = text_of(client.post("/permohonan/baru", data=ftf_data(topics, upload=(b"", "surat.pdf"))))
    assert "Berkas surat kosong." in page
    nothing_stored(upload_tree)


def test_six_megabyte_pdf_is_refused_with_the_limit(client, pemda, topics, upload_tree):
    login_as(client, pemda)
    big = PDF + b"0" * (6 * 1024 * 1024 - len(PDF))
    response = post_in_memory(client, "/permohonan/baru", ftf_data(topics, upload=(big, "surat.pdf")))
    assert response.status_code == 200
    page = text_of(response)
    assert "Berkas surat terlalu besar (6 MB). Ukuran maksimum 5 MB" in page
    nothing_stored(upload_tree)


def test_exactly_five_megabytes_is_accepted(client, app, pemda, topics):
    login_as(client, pemda)
    content = PDF + b"0" * (app.config["MAX_LETTER_BYTES"] - len(PDF))
    response = post_in_memory(client, "/permohonan/baru", ftf_data(topics, upload=(content, "s.pdf")))
    assert response.status_code == 302
    assert db.session.scalars(select(RequestLetter)).one().size == app.config["MAX_LETTER_BYTES"]


def test_path_traversal_name_is_kept_only_as_a_safe_display_name(client, app, pemda, topics, upload_tree):
    login_as(client, pemda)
    data = ftf_data(topics, upload=(PDF, "../../etc/passwd.pdf"))
    assert client.post("/permohonan/baru", data=data).status_code == 302
    letter = db.session.scalars(select(RequestLetter)).one()
    assert letter.original_filename == "etc_passwd.pdf"
    assert upload_tree() == set()  # nothing on disk
    assert stored("letter") == [PDF]
    with client.get(f"/permohonan/{letter.request_id}/surat") as response:
        assert response.headers["Content-Disposition"] == "attachment; filename=etc_passwd.pdf"
        assert response.get_data() == PDF


def test_nothing_is_stored_when_the_policy_refuses(client, pemda, topics, upload_tree):
    login_as(client, pemda)
    data = ftf_data(topics, windows=[("2026-12-07", "09:00", "10:00")])  # too late for FTF
    page = text_of(client.post("/permohonan/baru", data=data))
    assert "batas pengajuan" in page
    assert "Berkas perlu dipilih lagi" in page
    nothing_stored(upload_tree)


def test_file_is_removed_when_the_transaction_fails(client, pemda, topics, upload_tree, monkeypatch):
    login_as(client, pemda)

    def broken_commit():
        raise RuntimeError("database unavailable")

    monkeypatch.setattr(db.session, "commit", broken_commit)
    with pytest.raises(RuntimeError, match="database unavailable"):
        client.post("/permohonan/baru", data=ftf_data(topics))
    monkeypatch.undo()
    nothing_stored(upload_tree)


def test_file_is_removed_when_the_request_fails_before_commit(
    client, pemda, topics, upload_tree, monkeypatch
):
    from app.requests import services

    login_as(client, pemda)

    def broken_record(*args, **kwargs):
        raise RuntimeError("audit failed")

    monkeypatch.setattr(services.audit, "record", broken_record)
    with pytest.raises(RuntimeError, match="audit failed"):
        client.post("/permohonan/baru", data=ftf_data(topics))
    monkeypatch.undo()
    db.session.rollback()
    nothing_stored(upload_tree)
