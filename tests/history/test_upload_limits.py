"""The import page refuses, with a message the coordinator understands, an XLSX bomb and a file
of more rows than HISTORY_IMPORT_MAX_ROWS; nothing of such a file is kept on the server."""

import io
import time

import pytest

from app.auth.models import Role
from app.extensions import db
from app.history import reader
from tests import factories, files
from tests.history.conftest import write_xlsx
from tests.history.test_xlsx_limits import bomb
from tests.requests.helpers import post_in_memory


@pytest.fixture
def coordinator(client, auth, topics):
    user = factories.user(Role.COORDINATOR)
    db.session.commit()
    factories.pass_code_step(client, auth.login(user), user.email)
    return user


def post(client, content: bytes, name: str):
    return post_in_memory(client, "/koordinator/impor", {"file": (io.BytesIO(content), name)})


def kept(app) -> list[bytes]:
    return files.stored("import")


def test_a_bomb_is_refused_with_a_message_and_never_opened(app, client, coordinator, monkeypatch):
    opened = []
    monkeypatch.setattr(reader, "load_workbook", lambda *a, **k: opened.append(a) or 1 / 0)
    content = bomb(30)
    before = kept(app)
    started = time.perf_counter()
    response = post(client, content, "riwayat.xlsx")
    assert time.perf_counter() - started < 1.0
    page = response.get_data(as_text=True)
    assert response.status_code == 200, response.headers.get("Location")
    assert "Berkas Excel ini terlalu besar setelah dibuka (lebih dari 50 MB" in page
    assert opened == [] and kept(app) == before


def test_too_many_rows_is_refused_with_the_limit(app, client, coordinator, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "HISTORY_IMPORT_MAX_ROWS", 20)
    before = kept(app)
    rows = [("VC", "Kab. Brebes", f"{d}/4/2023", "DAU") for d in range(1, 22)]
    page = post(client, write_xlsx(tmp_path / "r.xlsx", rows).read_bytes(), "r.xlsx").get_data(as_text=True)
    assert "Berkas berisi lebih dari 20 baris; bagi menjadi beberapa berkas." in page
    assert kept(app) == before
    response = post(client, write_xlsx(tmp_path / "r.xlsx", rows[:20]).read_bytes(), "r.xlsx")
    assert response.status_code == 302 and len(kept(app)) == len(before) + 1  # at the limit: accepted


def test_the_default_limit_is_twenty_thousand(app, client, coordinator):
    assert app.config["HISTORY_IMPORT_MAX_ROWS"] == 20_000
    text = "Jenis;Daerah;Tanggal;Topik\n" + "VC;Kab. Brebes;3/4/2023;DAU\n" * 20_001
    page = post(client, text.encode(), "r.csv").get_data(as_text=True)
    assert "Berkas berisi lebih dari 20.000 baris" in page


def test_a_file_over_five_megabytes_is_refused_with_its_size(app, client, coordinator):
    before = kept(app)
    text = "Jenis;Daerah;Tanggal;Topik\n" + "VC;Kab. Brebes;3/4/2023;DAU\n" * (6 * 1024 * 1024 // 28)
    page = post(client, text.encode(), "r.csv").get_data(as_text=True)
    assert "Berkas terlalu besar (6 MB). Ukuran maksimum 5 MB" in page
    assert kept(app) == before
