"""The import pages as the outside validators read them: the upload and the preview show the
error summary when they refuse (a missing file, a region code that does not exist, an import
that cannot be done yet); no control of the preview form is named "action" (it would hide the
form's own action from scripts); its scrolling tables can be reached with the keyboard."""

import re

import pytest

from app.auth.models import Role
from app.extensions import db
from tests import factories
from tests.history.conftest import write_csv
from tests.history.test_upload_page import ROWS, upload


@pytest.fixture
def coordinator(auth, topics):
    user = factories.user(Role.COORDINATOR)
    db.session.commit()
    auth.login(user)
    return user


def test_upload_without_a_file_shows_the_error_summary(client, coordinator):
    page = client.post("/koordinator/impor", data={}).get_data(as_text=True)
    assert page.count('id="ringkasan-kesalahan"') == 1 and 'href="#file"' in page


def test_preview_refusals_show_the_error_summary(client, coordinator, tmp_path):
    url = upload(client, write_csv(tmp_path / "r.csv", ROWS)).headers["Location"]
    page = client.get(url).get_data(as_text=True)
    assert 'id="ringkasan-kesalahan"' not in page
    assert not re.search(r'<(?:input|button|select|textarea)[^>]*name="action"', page)
    for region in re.findall(r'<div class="table-responsive"[^>]*>', page):
        assert 'tabindex="0"' in region and 'role="region"' in region and "aria-labelledby=" in region

    page = client.post(url, data={"kode-0": "99.99", "step": "preview"}).get_data(as_text=True)
    summary = re.search(r'<div[^>]*id="ringkasan-kesalahan".*?</div>', page, re.S).group(0)
    assert "Kode daerah tidak dikenal: 99.99." in summary

    digest = re.search(r'name="previewed" value="([0-9a-f]+)"', page)[1]
    page = client.post(url, data={"step": "import", "previewed": digest}).get_data(as_text=True)
    summary = re.search(r'<div[^>]*id="ringkasan-kesalahan".*?</div>', page, re.S).group(0)
    assert "Belum dapat diimpor" in summary
