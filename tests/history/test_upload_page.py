"""The coordinator's import page: upload, preview with decisions, import; and who may use it."""

import io
import re

import pytest
from sqlalchemy import func, select

from app.auth.models import Role
from app.core.files import StoredFile
from app.extensions import db
from app.history import uploads
from app.history.models import HistorySession, ImportBatch, RegionAlias
from tests import factories
from tests.history.conftest import write_csv, write_xlsx

ROWS = [
    ("Video Conference", "Kab. Brebes (DPRD)", "3-Apr-23", "DBH dan DAU"),
    ("Tatap Muka", "Kab. Bandungg", "4 April 2023", "DAU"),
    ("VC", "Pemkab Antah Berantah", "2023-04-05", "IF"),
]


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def coordinator(auth, topics):
    user = factories.user(Role.COORDINATOR)
    db.session.commit()
    auth.login(user)
    return user


def upload(client, path, name=None):
    with open(path, "rb") as fh:
        data = {"file": (io.BytesIO(fh.read()), name or path.name)}
    return client.post("/koordinator/impor", data=data, content_type="multipart/form-data")


def test_preview_choose_then_import(client, coordinator, tmp_path):
    response = upload(client, write_xlsx(tmp_path / "riwayat.xlsx", ROWS))
    assert response.status_code == 302
    preview_url = response.headers["Location"]
    assert re.search(r"/koordinator/impor/[0-9a-f]{64}$", preview_url)

    page = client.get(preview_url).get_data(as_text=True)
    assert "Kab. Brebes (DPRD)" in page and "Kab. Bandung (32.04)" in page
    assert "Masalah: 2" in page and 'name="pilihan-1"' in page
    assert 'value="import" class="btn btn-primary btn-touch" disabled' in page

    # Importing with the names undecided is refused; nothing is written.
    digest = re.search(r'name="previewed" value="([0-9a-f]+)"', page)[1]
    page = client.post(preview_url, data={"step": "import", "previewed": digest}).get_data(as_text=True)
    assert "Belum dapat diimpor" in page and count(HistorySession) == 0

    choices = {"pilihan-0": "32.04", "pilihan-1": "keep", "step": "preview"}
    page = client.post(preview_url, data=choices).get_data(as_text=True)
    assert "Masalah: 0" in page and "sesuai tulisan" in page
    assert count(HistorySession) == 0 and count(RegionAlias) == 0  # a preview changes nothing
    digest = re.search(r'name="previewed" value="([0-9a-f]+)"', page)[1]

    # Choices changed after the preview: shown again, not imported.
    changed = {**choices, "pilihan-1": "", "step": "import", "previewed": digest}
    page = client.post(preview_url, data=changed).get_data(as_text=True)
    assert "Pilihan berubah" in page and count(HistorySession) == 0

    response = client.post(preview_url, data={**choices, "step": "import", "previewed": digest})
    assert response.status_code == 302 and response.headers["Location"].endswith("/koordinator/impor")
    sessions = db.session.scalars(select(HistorySession).order_by(HistorySession.row_number)).all()
    assert [s.service_user for s in sessions] == [
        "Kab. Brebes (DPRD)",
        "Kab. Bandung",
        "Pemkab Antah Berantah",
    ]
    batch = db.session.scalars(select(ImportBatch)).one()
    assert batch.imported_by_id == coordinator.id and batch.filename == "riwayat.xlsx"
    alias = db.session.scalars(select(RegionAlias)).one()
    assert alias.as_written == "Kab. Bandungg" and alias.created_by_id == coordinator.id
    assert "Impor selesai: 3 sesi ditambahkan" in client.get("/koordinator/impor").get_data(as_text=True)
    assert client.get(preview_url).status_code == 404  # the kept file is gone

    # The same file again: the alias is known, everything is already there.
    response = upload(client, write_xlsx(tmp_path / "lagi.xlsx", ROWS[:2]))
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Sudah ada: 2" in page and "Masalah: 0" in page


def test_typed_region_code(client, coordinator, tmp_path):
    response = upload(client, write_csv(tmp_path / "r.csv", ROWS[2:]))
    url = response.headers["Location"]
    page = client.post(url, data={"kode-0": "33.29", "step": "preview"}).get_data(as_text=True)
    assert "Masalah: 0" in page and "Kab. Brebes" in page
    page = client.post(url, data={"kode-0": "99.99", "step": "preview"}).get_data(as_text=True)
    assert "Kode daerah tidak dikenal: 99.99." in page


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("riwayat.pdf", b"%PDF-1.4", "Hanya berkas CSV atau XLSX"),
        ("riwayat.xlsx", b"Jenis;Pengguna Layanan;Tanggal;Topik\n", "tidak sesuai dengan jenisnya"),
        ("riwayat.csv", b"PK\x03\x04rubbish", "tidak sesuai dengan jenisnya"),
        ("riwayat.csv", b"Jenis;Daerah;Tanggal\nVC;Kab. Brebes;3/4/2023\n", "kolom Topik tidak ada"),
        ("riwayat.csv", b"", "Berkas kosong."),
    ],
)
def test_bad_uploads_are_refused(client, coordinator, name, content, message):
    response = client.post(
        "/koordinator/impor", data={"file": (io.BytesIO(content), name)}, content_type="multipart/form-data"
    )
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)


def test_too_large_upload_is_refused(client, coordinator, monkeypatch):
    monkeypatch.setattr(uploads, "MAX_IMPORT_BYTES", 100)
    content = b"Jenis;Pengguna Layanan;Tanggal;Topik\n" + b"VC;Kab. Brebes;3/4/2023;DAU\n" * 10
    data = {"file": (io.BytesIO(content), "besar.csv")}
    response = client.post("/koordinator/impor", data=data, content_type="multipart/form-data")
    assert "Berkas terlalu besar" in response.get_data(as_text=True)


def test_a_file_is_never_taken_from_another_session_or_altered(app, client, coordinator, tmp_path):
    url = upload(client, write_csv(tmp_path / "r.csv", ROWS[:1])).headers["Location"]
    sha256 = url.rsplit("/", 1)[1]
    other = app.test_client()
    other_user = factories.user(Role.COORDINATOR)
    db.session.commit()
    answer = other.post("/masuk", data={"email": other_user.email, "password": factories.PASSWORD})
    factories.pass_code_step(other, answer, other_user.email)  # staff give their second factor
    assert other.get(url).status_code == 404
    stored = db.session.scalars(select(StoredFile).where(StoredFile.sha256 == sha256)).one()
    stored.content += b"VC;Kab. Brebes;9/4/2023;DAU\n"  # altered where it is kept
    db.session.commit()
    assert client.get(url).status_code == 404
    assert client.get("/koordinator/impor/not-a-hash").status_code == 404


@pytest.mark.parametrize("role", [Role.RECEPTIONIST, Role.NARASUMBER])
def test_other_staff_are_refused(client, auth, role):
    user = factories.user(role)
    db.session.commit()
    auth.login(user)
    assert client.get("/koordinator/impor").status_code == 403
    assert client.get("/koordinator/impor/" + "0" * 64).status_code == 403


def test_pemda_is_refused_and_anonymous_sent_to_login(client, auth):
    assert client.get("/koordinator/impor").status_code == 302
    user = factories.pemda_user()
    db.session.commit()
    auth.login(user)
    assert client.get("/koordinator/impor").status_code == 403
    page = client.get("/").get_data(as_text=True)
    assert "Impor riwayat" not in page


def test_admin_sees_the_nav_link(client, auth):
    user = factories.user(Role.ADMIN)
    db.session.commit()
    auth.login(user)
    assert "Impor riwayat" in client.get("/koordinator/impor").get_data(as_text=True)
