"""Admin pages for rooms: list, create, edit (unique name, capacity >= 1), deactivate.

The permissions of every room route are in tests/admin/test_people.py.
"""

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.auth.models import Role
from app.catalog.models import Room
from app.core.audit import AuditLog
from app.domain.policy import Mode
from app.extensions import db
from app.scheduling.models import RoomBooking
from tests import factories
from tests.narasumber import factories as people
from tests.requests.helpers import NOW, login_as, text_of


def _as(client, role: Role):
    user = factories.user(role)
    db.session.commit()
    login_as(client, user)
    return user


def _audit(action: str) -> list[AuditLog]:
    return list(db.session.scalars(select(AuditLog).where(AuditLog.action == action)))


@pytest.fixture
def setup(app, frozen):
    room = factories.room("Ruang Melati", capacity=6)
    db.session.commit()
    return {"room": room}


def test_rooms_list_shows_capacity(client, setup):
    _as(client, Role.ADMIN)
    page = text_of(client.get("/admin/ruang"))
    assert "Ruang Melati" in page and "6 orang" in page
    assert "jumlah delegasi ditambah narasumber" in page


def test_create_room(client, setup):
    _as(client, Role.ADMIN)
    response = client.post(
        "/admin/ruang/baru", data={"name": " Ruang  Anggrek ", "floor": "9", "capacity": "12", "active": "y"}
    )
    assert response.status_code == 302
    room = db.session.scalars(select(Room).where(Room.name == "Ruang Anggrek")).one()
    assert (room.floor, room.capacity, room.active) == ("9", 12, True)
    assert len(_audit("room.create")) == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"name": "ruang melati", "floor": "9", "capacity": "4"},
            "Nama “ruang melati” sudah dipakai ruang lain.",
        ),
        ({"name": "Ruang Baru", "floor": "9", "capacity": "0"}, "Isi bilangan bulat dari 1 sampai 500."),
        ({"name": "Ruang Baru", "floor": "9", "capacity": "enam"}, "Isi dengan bilangan bulat."),
        ({"name": "", "floor": "9", "capacity": "4"}, "Wajib diisi."),
        ({"name": "Ruang Baru", "floor": "", "capacity": "4"}, "Wajib diisi."),
    ],
)
def test_room_validation(client, setup, data, message):
    _as(client, Role.ADMIN)
    response = client.post("/admin/ruang/baru", data=data)
    assert response.status_code == 200 and message in text_of(response)
    assert db.session.scalars(select(Room)).all() == [setup["room"]]


def test_edit_room_and_duplicate_name(client, setup):
    other = factories.room("Ruang Kenanga", capacity=4)
    db.session.commit()
    _as(client, Role.ADMIN)
    room = setup["room"]
    response = client.post(
        f"/admin/ruang/{room.id}",
        data={"name": "Ruang Kenanga", "floor": "9", "capacity": "6", "active": "y"},
    )
    assert "Nama “Ruang Kenanga” sudah dipakai ruang lain." in text_of(response)
    response = client.post(
        f"/admin/ruang/{room.id}",
        data={"name": "Ruang Melati", "floor": "10", "capacity": "8", "active": "y"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    room = db.session.get(Room, room.id)
    assert (room.floor, room.capacity) == ("10", 8)
    (entry,) = _audit("room.update")
    assert entry.before["capacity"] == 6 and entry.after["capacity"] == 8
    assert db.session.get(Room, other.id).name == "Ruang Kenanga"


def test_deactivate_and_reactivate_room(client, setup):
    _as(client, Role.ADMIN)
    room = setup["room"]
    req = people.session(factories.pemda_user(), NOW + timedelta(days=7), mode=Mode.FTF, room=room)
    db.session.add(
        RoomBooking(
            request_id=req.id,
            room_id=room.id,
            start=req.scheduled_start,
            end=req.scheduled_end,
            created_at=NOW,
        )
    )
    db.session.commit()
    response = client.post(f"/admin/ruang/{room.id}/status", data={"active": "0"}, follow_redirects=True)
    page = text_of(response)
    assert "Ruang Melati dinonaktifkan" in page and "masih dipesan untuk 1 sesi mendatang" in page
    assert "Ruang Ruang" not in page
    db.session.expire_all()
    assert db.session.get(Room, room.id).active is False
    client.post(f"/admin/ruang/{room.id}/status", data={"active": "1"})
    db.session.expire_all()
    assert db.session.get(Room, room.id).active is True
    assert [e.action for e in db.session.scalars(select(AuditLog).where(AuditLog.object_type == "Room"))] == [
        "room.deactivate",
        "room.activate",
    ]
    assert client.post(f"/admin/ruang/{room.id}/status", data={"active": "x"}).status_code == 400


def test_room_fits_delegation_plus_narasumber(app, setup):
    from app.narasumber.resources import room_fits

    room = setup["room"]  # capacity 6
    assert room_fits(room, guests=5, narasumber=1)
    assert not room_fits(room, guests=5, narasumber=2)
    room.active = False
    assert not room_fits(room, guests=1, narasumber=1)


def test_a_room_named_ruang_is_not_called_ruang_ruang(client, setup):
    _as(client, Role.ADMIN)
    response = client.post(
        "/admin/ruang/baru",
        data={"name": "Ruang Konsultasi 3", "floor": "9", "capacity": "8", "active": "y"},
        follow_redirects=True,
    )
    page = text_of(response)
    assert "Ruang Konsultasi 3 ditambahkan." in page and "Ruang Ruang" not in page
    room = db.session.scalars(select(Room).where(Room.name == "Ruang Konsultasi 3")).one()
    page = text_of(client.get(f"/admin/ruang/{room.id}"))
    assert "Ubah Ruang Konsultasi 3" in page and "Ruang Ruang" not in page and "ruang Ruang" not in page
    page = text_of(client.post(f"/admin/ruang/{room.id}/status", data={"active": "0"}, follow_redirects=True))
    assert "Ruang Konsultasi 3 dinonaktifkan" in page and "Ruang Ruang" not in page


def test_a_room_named_otherwise_is_still_called_a_room(client, setup):
    _as(client, Role.ADMIN)
    response = client.post(
        "/admin/ruang/baru",
        data={"name": "Aula Utama", "floor": "1", "capacity": "40", "active": "y"},
        follow_redirects=True,
    )
    assert "Ruang Aula Utama ditambahkan." in text_of(response)
