"""Topics: create, edit, unique codes, deactivate instead of delete; every change audited."""

from sqlalchemy import select

from app.catalog.models import Topic
from app.core.audit import AuditLog
from app.extensions import db
from tests import factories


def _audit(action):
    return db.session.scalars(select(AuditLog).where(AuditLog.action == action)).all()


def _form(**changes):
    return {
        "code": "SHSR",
        "name": "Standar Harga Satuan Regional",
        "sort_order": "90",
        "active": "y",
    } | changes


def test_list_shows_topics_in_order(client, logged_in):
    factories.topic("DBH", "Dana Bagi Hasil").sort_order = 20
    factories.topic("DAU", "Dana Alokasi Umum").sort_order = 10
    logged_in("admin")
    text = client.get("/admin/topik").get_data(as_text=True)
    assert text.index("Dana Alokasi Umum") < text.index("Dana Bagi Hasil")


def test_create_topic(client, logged_in):
    admin = logged_in("admin")
    response = client.post("/admin/topik/baru", data=_form(description="Penyusunan SHSR."))
    assert response.status_code == 302
    topic = db.session.scalars(select(Topic).where(Topic.code == "SHSR")).one()
    assert (topic.name, topic.description, topic.active, topic.sort_order) == (
        "Standar Harga Satuan Regional",
        "Penyusunan SHSR.",
        True,
        90,
    )
    (entry,) = _audit("topic.create")
    assert entry.actor_id == admin.id and entry.after["code"] == "SHSR"


def test_duplicate_code_is_refused_on_create_and_edit(client, logged_in):
    factories.topic("DAU", "Dana Alokasi Umum")
    other = factories.topic("DBH", "Dana Bagi Hasil")
    logged_in("admin")
    response = client.post("/admin/topik/baru", data=_form(code="dau"))
    assert response.status_code == 200 and "Kode topik dau sudah dipakai." in response.get_data(as_text=True)
    response = client.post(f"/admin/topik/{other.id}", data=_form(code="DAU", name="Dana Bagi Hasil"))
    assert "sudah dipakai" in response.get_data(as_text=True)
    db.session.refresh(other)
    assert other.code == "DBH"
    assert db.session.query(Topic).count() == 2 and _audit("topic.update") == []


def test_edit_topic_records_before_and_after(client, logged_in):
    topic = factories.topic("Pembiayaan", "Pembiayaan")
    logged_in("admin")
    form = _form(code="Pembiayaan", name="Pembiayaan dan Pinjaman Daerah", sort_order="110")
    assert client.post(f"/admin/topik/{topic.id}", data=form).status_code == 302
    db.session.refresh(topic)
    assert topic.name == "Pembiayaan dan Pinjaman Daerah" and topic.sort_order == 110
    (entry,) = _audit("topic.update")
    assert entry.before["name"] == "Pembiayaan" and entry.after["name"] == "Pembiayaan dan Pinjaman Daerah"


def test_unchecked_active_box_deactivates_on_edit(client, logged_in):
    topic = factories.topic("Hibah", "Hibah")
    logged_in("admin")
    form = _form(code="Hibah", name="Hibah")
    del form["active"]
    client.post(f"/admin/topik/{topic.id}", data=form)
    db.session.refresh(topic)
    assert topic.active is False


def test_deactivate_and_activate_instead_of_delete(client, logged_in):
    topic = factories.topic("IF", "Insentif Fiskal")
    logged_in("admin")
    assert client.post(f"/admin/topik/{topic.id}/status", data={"active": "0"}).status_code == 302
    db.session.refresh(topic)
    assert topic.active is False
    assert "Nonaktif" in client.get("/admin/topik").get_data(as_text=True)
    client.post(f"/admin/topik/{topic.id}/status", data={"active": "1"})
    db.session.refresh(topic)
    assert topic.active is True
    assert [len(_audit("topic.deactivate")), len(_audit("topic.activate"))] == [1, 1]
    assert client.post(f"/admin/topik/{topic.id}/status", data={"active": "x"}).status_code == 400
    assert client.post("/admin/topik/9999/status", data={"active": "0"}).status_code == 404
