"""Self-registration of Pemda operators at /daftar."""

import pytest
from sqlalchemy import func, select

from app.auth.models import Role, UnitType, User
from app.core.audit import AuditLog
from app.extensions import db
from app.regions.models import Region
from tests import factories
from tests.auth.conftest import link_in, registration


def _users() -> list[User]:
    return db.session.scalars(select(User)).all()


def test_page_lists_every_region_grouped_by_province(client):
    html = client.get("/daftar").get_data(as_text=True)
    total = db.session.scalar(select(func.count()).select_from(Region))
    assert total == 552
    assert html.count('<optgroup label="') == 38
    assert html.count("<option value=") == 552 + 1  # and the "choose" placeholder
    assert '<optgroup label="Jawa Tengah">' in html
    assert ">Kab. Brebes</option>" in html
    assert ">Prov. Jawa Tengah</option>" in html


def test_valid_registration_creates_unverified_inactive_pemda_and_sends_link(client, outbox):
    data = registration(email="  Siti.Rahmawati@BrebesKab.go.id ", unit_type="dprd")
    response = client.post("/daftar", data=data)
    assert response.status_code == 302
    assert response.headers["Location"] == "/daftar/terkirim"

    (user,) = _users()
    assert user.email == "siti.rahmawati@brebeskab.go.id"
    assert user.role == Role.PEMDA
    assert user.unit_type == UnitType.DPRD
    assert user.region.display_name == "Kab. Brebes"
    assert user.phone == "081234567890"
    assert user.email_verified_at is None and user.activated_at is None
    assert not user.is_active
    assert user.password_hash != data["password"]
    entry = db.session.scalars(select(AuditLog).where(AuditLog.action == "auth.register")).one()
    assert entry.object_id == str(user.id) and "password" not in str(entry.after)

    (message,) = outbox
    assert message.recipients == ["siti.rahmawati@brebeskab.go.id"]
    assert message.subject == "Verifikasi email akun Konsultasi DJPK"
    assert link_in(message, "/verifikasi-email/")
    assert "Kab. Brebes (DPRD)" in message.body

    page = client.get("/daftar/terkirim").get_data(as_text=True)
    assert "Periksa email Anda" in page
    assert "mengaktifkan akun" in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": ""}, "Isi nama lengkap Anda."),
        ({"name": "x" * 121}, "Nama maksimal 120 karakter."),
        ({"email": ""}, "Isi alamat email."),
        ({"email": "siti-at-brebeskab.go.id"}, "Alamat email tidak valid."),
        ({"email": "a" * 250 + "@x.id"}, "Alamat email terlalu panjang."),
        ({"phone": ""}, "Isi nomor telepon."),
        ({"phone": "12ab34"}, "Nomor telepon tidak valid. Contoh: 081234567890."),
        ({"region_id": ""}, "Pilih daerah Anda."),
        ({"region_id": "999999"}, "Pilih daerah Anda dari daftar."),
        ({"unit_type": ""}, "Pilih unit Anda: Pemda atau DPRD."),
        ({"unit_type": "dinas"}, "Pilih unit Anda: Pemda atau DPRD."),
        ({"password": "", "confirm": ""}, "Isi kata sandi."),
        ({"password": "pendek", "confirm": "pendek"}, "Kata sandi minimal 8 karakter."),
        ({"password": "k" * 129, "confirm": "k" * 129}, "Kata sandi maksimal 128 karakter."),
        (
            {"password": "password123", "confirm": "password123"},
            "Kata sandi ini terlalu umum dan mudah ditebak. Pilih kata sandi lain.",
        ),
        (
            {"password": "siti.rahmawati", "confirm": "siti.rahmawati"},
            "Kata sandi tidak boleh sama dengan email atau nama Anda.",
        ),
        (
            {"password": "Siti Rahmawati", "confirm": "Siti Rahmawati"},
            "Kata sandi tidak boleh sama dengan email atau nama Anda.",
        ),
        ({"confirm": "kebun teh di lereng sumbing"}, "Kedua kata sandi tidak sama."),
    ],
)
def test_invalid_field_is_refused_with_message_beside_it(client, outbox, changes, message):
    response = client.post("/daftar", data=registration(**changes))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert message in html
    assert "invalid-feedback" in html
    assert _users() == []
    assert outbox == []


def test_form_keeps_what_was_typed(client):
    region_id = registration()["region_id"]
    html = client.post("/daftar", data=registration(phone="x")).get_data(as_text=True)
    assert 'value="Siti Rahmawati"' in html
    assert f'<option value="{region_id}" selected>' in html


def test_duplicate_email_answers_like_a_new_one_and_warns_the_owner(client, outbox):
    owner = factories.pemda_user(email="siti.rahmawati@brebeskab.go.id", name="Siti Asli")
    db.session.commit()
    response = client.post("/daftar", data=registration(email="SITI.Rahmawati@brebeskab.go.id"))
    assert response.status_code == 302
    assert response.headers["Location"] == "/daftar/terkirim"
    assert [u.id for u in _users()] == [owner.id]
    assert db.session.scalars(select(AuditLog).where(AuditLog.action == "auth.register")).all() == []
    (message,) = outbox
    assert message.recipients == [owner.email]
    assert "sudah memiliki akun" in message.body
    assert link_in(message, "/lupa-kata-sandi")


def test_logged_in_user_is_sent_home(client, auth):
    user = factories.user(Role.RECEPTIONIST)
    db.session.commit()
    auth.login(user)
    response = client.get("/daftar")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_registrations_for_one_address_are_rate_limited(client, outbox):
    for i in range(5):
        response = client.post(
            "/daftar", data=registration(), environ_overrides={"REMOTE_ADDR": f"10.1.0.{i}"}
        )
        assert response.status_code == 302
    response = client.post("/daftar", data=registration(), environ_overrides={"REMOTE_ADDR": "10.1.1.1"})
    assert response.status_code == 429
    assert "tunggu beberapa menit" in response.get_data(as_text=True)
    assert len(outbox) == 5  # one verification link, then four notes to the owner


def test_refused_forms_do_not_count_towards_the_limit(client):
    for _ in range(6):
        assert client.post("/daftar", data=registration(phone="x")).status_code == 200
    assert client.post("/daftar", data=registration()).status_code == 302


def test_one_office_network_can_register_many_operators(client, outbox):
    for i in range(8):
        data = registration(email=f"operator{i}@brebeskab.go.id", name=f"Operator Nomor {i}")
        assert client.post("/daftar", data=data).status_code == 302
    assert len(_users()) == 8
