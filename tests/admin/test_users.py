"""User administration: list and search, staff creation, edits, deactivation, self-protection."""

from sqlalchemy import select

from app.auth.models import Role, User
from app.auth.passwords import verify_password
from app.catalog.models import NarasumberProfile
from app.core.audit import AuditLog
from app.extensions import db
from tests import factories


def _audit(action):
    return db.session.scalars(select(AuditLog).where(AuditLog.action == action)).all()


def _user(email):
    return db.session.scalars(select(User).where(User.email == email)).one_or_none()


def test_list_filters_by_role_and_search(client, logged_in):
    factories.user("receptionist", name="Dewi Resepsionis")
    factories.user("narasumber", name="Budi Narasumber", email="budi@djpk.go.id")
    factories.pemda_user(name="Rudi Operator")
    logged_in("admin")
    text = client.get("/admin/pengguna?role=narasumber").get_data(as_text=True)
    assert "Budi Narasumber" in text and "Dewi Resepsionis" not in text and "Rudi Operator" not in text
    text = client.get("/admin/pengguna?q=BUDI@djpk").get_data(as_text=True)
    assert "Budi Narasumber" in text and "Dewi Resepsionis" not in text
    text = client.get("/admin/pengguna?role=pemda").get_data(as_text=True)
    assert "Rudi Operator" in text and "Kab. Brebes" in text and "Operator Pemda" in text


def test_admin_creates_an_active_staff_account(app, client, logged_in):
    admin = logged_in("admin")
    form = {
        "name": "Sri Wahyuni",
        "email": "Sri.Wahyuni@Kemenkeu.go.id",
        "phone": "0213500000",
        "role": "coordinator",
        "password": "meja-kayu-hijau-42",
    }
    response = client.post("/admin/pengguna/baru", data=form)
    assert response.status_code == 302
    user = _user("sri.wahyuni@kemenkeu.go.id")
    assert user.role == Role.COORDINATOR and user.is_active and user.activated_by_id == admin.id
    assert verify_password(user.password_hash, "meja-kayu-hijau-42")
    (entry,) = _audit("user.create")
    assert entry.actor_id == admin.id and entry.after["role"] == "coordinator"
    assert "meja-kayu-hijau-42" not in str(entry.after)
    other = app.test_client()
    response = other.post("/masuk", data={"email": user.email, "password": "meja-kayu-hijau-42"})
    # New staff set up their second factor at the first login.
    assert response.status_code == 302 and response.headers["Location"] == "/masuk/daftarkan-kode"


def test_generated_password_is_shown_once_and_works(app, client, logged_in):
    logged_in("admin")
    form = {
        "name": "Budi Santoso",
        "email": "budi@djpk.go.id",
        "role": "narasumber",
        "generate_password": "y",
    }
    form["unit"] = "Direktorat Dana Transfer Umum"
    response = client.post("/admin/pengguna/baru", data=form)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    user = _user("budi@djpk.go.id")
    text = response.get_data(as_text=True)
    password = text.split('user-select-all mb-2">')[1].split("<")[0]
    assert len(password) == 19 and verify_password(user.password_hash, password)
    profile = db.session.scalars(select(NarasumberProfile).where(NarasumberProfile.user_id == user.id)).one()
    assert profile.unit == "Direktorat Dana Transfer Umum" and profile.working_hours["0"] == [
        ["08:00", "16:00"]
    ]
    assert password not in client.get("/admin/pengguna").get_data(as_text=True)


def test_weak_password_is_refused(client, logged_in):
    logged_in("admin")
    for password, message in (("pendek", "terlalu pendek"), ("password123", "terlalu umum")):
        form = {"name": "Staf Baru", "email": "staf@djpk.go.id", "role": "receptionist", "password": password}
        response = client.post("/admin/pengguna/baru", data=form)
        assert response.status_code == 200
        assert message in response.get_data(as_text=True)
    assert _user("staf@djpk.go.id") is None


def test_pemda_role_and_taken_email_are_refused(client, logged_in):
    factories.user("receptionist", email="ada@djpk.go.id")
    logged_in("admin")
    form = {
        "name": "X Y",
        "email": "ADA@djpk.go.id",
        "role": "receptionist",
        "password": "meja-kayu-hijau-42",
    }
    assert "sudah dipakai" in client.post("/admin/pengguna/baru", data=form).get_data(as_text=True)
    form |= {"email": "baru@djpk.go.id", "role": "pemda"}
    client.post("/admin/pengguna/baru", data=form)
    assert _user("baru@djpk.go.id") is None


def test_edit_changes_name_phone_and_role_with_audit(client, logged_in):
    staff = factories.user("receptionist", name="Nama Lama")
    version = staff.session_version
    logged_in("admin")
    form = {"name": "Nama Baru", "phone": "0811111111", "role": "narasumber"}
    assert client.post(f"/admin/pengguna/{staff.id}", data=form).status_code == 302
    db.session.refresh(staff)
    assert (staff.name, staff.phone, staff.role) == ("Nama Baru", "0811111111", Role.NARASUMBER)
    assert staff.session_version == version + 1
    (entry,) = _audit("user.update")
    assert entry.before["name"] == "Nama Lama" and entry.after["role"] == "narasumber"
    assert db.session.scalars(select(NarasumberProfile).where(NarasumberProfile.user_id == staff.id)).one()


def test_pemda_stays_pemda_and_staff_stays_staff(client, logged_in):
    pemda = factories.pemda_user()
    staff = factories.user("receptionist")
    logged_in("admin")
    client.post(f"/admin/pengguna/{pemda.id}", data={"name": "Operator", "role": "coordinator"})
    client.post(f"/admin/pengguna/{staff.id}", data={"name": "Staf", "role": "pemda"})
    db.session.refresh(pemda)
    db.session.refresh(staff)
    assert pemda.role == Role.PEMDA and staff.role == Role.RECEPTIONIST
    assert _audit("user.update") == []


def test_deactivation_ends_sessions_and_reactivation_restores(app, client, logged_in):
    target = factories.user("coordinator")
    db.session.commit()
    victim = app.test_client()
    response = victim.post("/masuk", data={"email": target.email, "password": factories.PASSWORD})
    assert factories.pass_code_step(victim, response, target.email).status_code == 302
    assert victim.get("/admin/pendaftaran").status_code == 200
    logged_in("admin")
    client.post(f"/admin/pengguna/{target.id}", data={"action": "deactivate"})
    db.session.refresh(target)
    assert target.deactivated_at is not None and not target.is_active
    response = victim.get("/admin/pendaftaran")
    assert response.status_code == 302 and "/masuk" in response.headers["Location"]
    client.post(f"/admin/pengguna/{target.id}", data={"action": "reactivate"})
    db.session.refresh(target)
    assert target.is_active
    assert [
        e.action for e in db.session.scalars(select(AuditLog).where(AuditLog.object_id == str(target.id)))
    ][-2:] == ["user.deactivate", "user.reactivate"]


def test_admin_cannot_deactivate_or_demote_themselves(client, logged_in):
    admin = logged_in("admin")
    response = client.post(
        f"/admin/pengguna/{admin.id}", data={"action": "deactivate"}, follow_redirects=True
    )
    assert "tidak dapat menonaktifkan akun Anda sendiri" in response.get_data(as_text=True)
    response = client.post(f"/admin/pengguna/{admin.id}", data={"name": admin.name, "role": "coordinator"})
    assert "tidak dapat mencabut peran administrator" in response.get_data(as_text=True)
    db.session.refresh(admin)
    assert admin.is_active and admin.role == Role.ADMIN
    assert _audit("user.deactivate") == [] and _audit("user.update") == []
