"""On the import preview, a name leaves the list of unrecognised names once a decision is made
for it: it is listed as decided, with the region chosen (or "as written"), and the import can
go ahead."""

import io
import re

import pytest
from sqlalchemy import func, select

from app.auth.models import Role
from app.extensions import db
from app.history.models import HistorySession
from tests import factories
from tests.history.conftest import write_csv

ROWS = [
    ("Tatap Muka", "Kab. Bandungg", "4 April 2023", "DAU"),
    ("VC", "Pemkab Antah Berantah", "2023-04-05", "DAU"),
]


@pytest.fixture
def coordinator(auth, topics):
    user = factories.user(Role.COORDINATOR)
    db.session.commit()
    auth.login(user)
    return user


def _section(page: str, table_id: str) -> str:
    start = page.find(f'id="{table_id}"')
    return "" if start < 0 else page[start : page.index("</table>", start)]


def test_a_chosen_name_leaves_the_unresolved_list(client, coordinator, tmp_path):
    path = write_csv(tmp_path / "r.csv", ROWS)
    with open(path, "rb") as fh:
        data = {"file": (io.BytesIO(fh.read()), "r.csv")}
    url = client.post("/koordinator/impor", data=data, content_type="multipart/form-data").headers["Location"]

    page = client.get(url).get_data(as_text=True)
    pending = _section(page, "names")
    assert "Kab. Bandungg" in pending and "Pemkab Antah Berantah" in pending
    assert _section(page, "decided-names") == ""

    page = client.post(url, data={"pilihan-0": "32.04", "step": "preview"}).get_data(as_text=True)
    pending, decided = _section(page, "names"), _section(page, "decided-names")
    assert "Kab. Bandungg" not in pending and "Pemkab Antah Berantah" in pending
    assert "Kab. Bandungg" in decided and "Kab. Bandung (32.04)" in decided
    assert 'name="pilihan-0"' in decided  # still sent with the form, and can be changed

    choices = {"pilihan-0": "32.04", "kode-1": "33.29"}
    page = client.post(url, data={**choices, "step": "preview"}).get_data(as_text=True)
    assert _section(page, "names") == "" and "Nama daerah yang belum dikenali" not in page
    decided = _section(page, "decided-names")
    assert "Kab. Bandung (32.04)" in decided and "Kab. Brebes (33.29)" in decided
    assert "Masalah: 0" in page and 'value="import" class="btn btn-primary btn-touch">' in page

    digest = re.search(r'name="previewed" value="([0-9a-f]+)"', page)[1]
    response = client.post(url, data={**choices, "step": "import", "previewed": digest})
    assert response.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(HistorySession)) == 2


def test_keeping_a_name_as_written_shows_it_decided(client, coordinator, tmp_path):
    path = write_csv(tmp_path / "r.csv", ROWS[1:])
    with open(path, "rb") as fh:
        data = {"file": (io.BytesIO(fh.read()), "r.csv")}
    url = client.post("/koordinator/impor", data=data, content_type="multipart/form-data").headers["Location"]
    page = client.post(url, data={"pilihan-0": "keep", "step": "preview"}).get_data(as_text=True)
    decided = _section(page, "decided-names")
    assert "Pemkab Antah Berantah" in decided and "sesuai tulisan" in decided
    assert _section(page, "names") == ""
