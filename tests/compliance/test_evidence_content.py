"""Breach evidence that claims to be a PDF is checked as letters are (app.core.pdfs): a PDF with
JavaScript, an encrypted one or an HTML page with "%PDF-" inside is refused with its reason
and nothing is stored; a real PDF, a JPEG and a PNG are kept."""

import pytest

from tests import factories, files
from tests.compliance.helpers import JPEG, PNG, all_breaches, text_of, upload

URL = "/koordinator/pelanggaran/catat"


def _form(pemda, content: bytes, name: str) -> dict:
    return {
        "type_code": "other",
        "region_id": str(pemda.region_id),
        "unit_type": "pemda",
        "session": "",
        "note": "Delegasi membawa spanduk promosi ke ruang tunggu.",
        "evidence_file": upload(content, name),
    }


def _stored() -> list[bytes]:
    return files.stored("evidence")


@pytest.fixture
def logged_in(client, auth, coordinator):
    factories.pass_code_step(client, auth.login(coordinator), coordinator.email)


@pytest.mark.parametrize(
    "content, message",
    [
        (files.pdf_with_javascript(), "Berkas PDF ini memuat JavaScript"),
        (files.encrypted_pdf(), "Berkas PDF ini terkunci kata sandi"),
        (files.pdf_with_attachment(), "lampiran tersemat"),
        (b"<html><body>%PDF-1.7</body></html>", "Berkas bukti harus berupa PDF, JPEG, atau PNG."),
        (b"%PDF-1.7\n%%EOF\n", "Berkas ini bukan PDF yang sah"),
    ],
)
def test_evidence_that_is_no_passive_pdf_is_refused(client, logged_in, pemda, content, message):
    before = _stored()
    response = client.post(URL, data=_form(pemda, content, "bukti.pdf"), content_type="multipart/form-data")
    assert response.status_code == 200
    assert message in text_of(response)
    assert all_breaches() == [] and _stored() == before


@pytest.mark.parametrize(
    "content, kind", [(files.PDF, "application/pdf"), (JPEG, "image/jpeg"), (PNG, "image/png")]
)
def test_real_evidence_is_kept(client, logged_in, pemda, content, kind):
    response = client.post(URL, data=_form(pemda, content, "bukti"), content_type="multipart/form-data")
    assert response.status_code == 302
    (b,) = all_breaches()
    assert b.evidence_content_type == kind
    assert b.evidence_file.content == content and _stored() == [content]
