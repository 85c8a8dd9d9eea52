"""Admin pages for narasumber profiles, their leave and blocked periods, and rooms."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from app.auth.models import Role
from app.catalog.models import NarasumberProfile
from app.core.audit import AuditLog
from app.extensions import db
from app.scheduling.models import Unavailability
from tests import factories
from tests.narasumber import factories as people
from tests.requests.helpers import NOW, WIB, login_as, text_of


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def setup(app, frozen):
    dau = factories.topic("DAU", "Dana Alokasi Umum")
    dbh = factories.topic("DBH", "Dana Bagi Hasil")
    profile = people.narasumber("Citra Narasumber", topics=[dau])
    room = factories.room("Ruang Melati", capacity=6)
    period = Unavailability(
        narasumber_id=profile.id,
        start=datetime(2026, 12, 10, 1, 0, tzinfo=UTC),
        end=datetime(2026, 12, 11, 9, 0, tzinfo=UTC),
        kind="leave",
        reason="Cuti tahunan",
    )
    db.session.add(period)
    db.session.commit()
    return {"dau": dau, "dbh": dbh, "profile": profile, "room": room, "period": period}


def _as(client, role: Role):
    user = factories.pemda_user() if role == Role.PEMDA else factories.user(role)
    db.session.commit()
    login_as(client, user)
    return user


def _audit(action: str) -> list[AuditLog]:
    return list(db.session.scalars(select(AuditLog).where(AuditLog.action == action)))


ROUTES = [
    ("get", "/admin/narasumber"),
    ("get", "/admin/narasumber/{profile}"),
    ("post", "/admin/narasumber/{profile}"),
    ("post", "/admin/narasumber/{profile}/ketidaktersediaan"),
    ("post", "/admin/narasumber/{profile}/ketidaktersediaan/{period}/hapus"),
    ("get", "/admin/ruang"),
    ("get", "/admin/ruang/baru"),
    ("post", "/admin/ruang/baru"),
    ("get", "/admin/ruang/{room}"),
    ("post", "/admin/ruang/{room}"),
    ("post", "/admin/ruang/{room}/status"),
]
COORDINATOR_MAY_VIEW = {"/admin/narasumber", "/admin/narasumber/{profile}"}


def _call(client, method, url, setup):
    url = url.format(profile=setup["profile"].id, period=setup["period"].id, room=setup["room"].id)
    return getattr(client, method)(url, data={})


@pytest.mark.parametrize(("method", "url"), ROUTES)
def test_anonymous_is_sent_to_login(client, setup, method, url):
    response = _call(client, method, url, setup)
    assert response.status_code == 302 and "/masuk" in response.headers["Location"]


@pytest.mark.parametrize("role", [Role.PEMDA, Role.RECEPTIONIST, Role.NARASUMBER])
@pytest.mark.parametrize(("method", "url"), ROUTES)
def test_non_staff_and_other_staff_are_refused(client, setup, role, method, url):
    _as(client, role)
    assert _call(client, method, url, setup).status_code == 403


@pytest.mark.parametrize(("method", "url"), ROUTES)
def test_coordinator_may_only_view_narasumber(client, setup, method, url):
    _as(client, Role.COORDINATOR)
    expected = 200 if method == "get" and url in COORDINATOR_MAY_VIEW else 403
    assert _call(client, method, url, setup).status_code == expected


@pytest.mark.parametrize(("method", "url"), [r for r in ROUTES if r[0] == "get"])
def test_admin_opens_every_page(client, setup, method, url):
    _as(client, Role.ADMIN)
    assert _call(client, method, url, setup).status_code == 200


def test_coordinator_sees_profile_read_only(client, setup):
    _as(client, Role.COORDINATOR)
    page = text_of(client.get(f"/admin/narasumber/{setup['profile'].id}"))
    assert "<fieldset disabled>" in page and "Simpan profil" not in page and "Tambah periode" not in page
    assert "Cuti tahunan" in page


# Narasumber list and profile -----------------------------------------------------------


def test_list_shows_unit_topics_caps_and_upcoming_sessions(client, setup):
    req = people.session(factories.pemda_user(), NOW + timedelta(days=2))
    people.assignment(req, setup["profile"])
    past = people.session(factories.pemda_user(), NOW - timedelta(days=2))
    people.assignment(past, setup["profile"])
    admin = _as(client, Role.ADMIN)
    page = text_of(client.get("/admin/narasumber"))
    assert admin.name not in page.split("<tbody>")[1]  # only narasumber are listed
    row = page.split("Citra Narasumber", 1)[1].split("</tr>")[0]
    assert "Direktorat Dana Transfer Umum" in row and "DAU" in row and "DBH" not in row
    assert "3 / 10" in row and "<td>1</td>" in row
    assert f'href="/admin/pengguna/{setup["profile"].user_id}"' in row
    assert 'href="/admin/pengguna/baru"' in page


def test_admin_creates_narasumber_account_and_profile_appears(client, setup):
    _as(client, Role.ADMIN)
    client.post(
        "/admin/pengguna/baru",
        data={
            "name": "Dedi Baru",
            "email": "dedi@kemenkeu.go.id",
            "role": "narasumber",
            "unit": "Direktorat Dana Transfer Khusus",
            "generate_password": "y",
        },
    )
    page = text_of(client.get("/admin/narasumber"))
    assert "Dedi Baru" in page and "Direktorat Dana Transfer Khusus" in page


def _profile_post(setup, **overrides):
    data = {
        "unit": "Direktorat Pembiayaan dan Transfer Non Dana Perimbangan",
        "topics": [str(setup["dau"].id), str(setup["dbh"].id)],
        "max_per_day": "2",
        "max_per_week": "6",
    }
    for day in range(5):
        data[f"days-{day}-available"] = "y"
        data[f"days-{day}-start"] = "08:00"
        data[f"days-{day}-end"] = "16:00"
    data["days-4-end"] = "11:30"  # Friday mornings only
    del data["days-2-available"]  # not on Wednesdays
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_admin_edits_profile(client, setup):
    _as(client, Role.ADMIN)
    profile = setup["profile"]
    response = client.post(f"/admin/narasumber/{profile.id}", data=_profile_post(setup))
    assert response.status_code == 302
    db.session.expire_all()
    profile = db.session.get(NarasumberProfile, profile.id)
    assert profile.unit == "Direktorat Pembiayaan dan Transfer Non Dana Perimbangan"
    assert sorted(t.code for t in profile.topics) == ["DAU", "DBH"]
    assert profile.working_hours == {
        "0": [["08:00", "16:00"]],
        "1": [["08:00", "16:00"]],
        "2": [],
        "3": [["08:00", "16:00"]],
        "4": [["08:00", "11:30"]],
    }
    assert (profile.max_per_day, profile.max_per_week) == (2, 6)
    (entry,) = _audit("narasumber.update")
    assert entry.before["topics"] == ["DAU"] and entry.after["topics"] == ["DAU", "DBH"]
    page = text_of(client.get(f"/admin/narasumber/{profile.id}"))
    assert 'value="11:30"' in page
    assert f'value="{setup["dbh"].id}" id="topic-{setup["dbh"].id}" checked' in page


def test_saving_unchanged_profile_writes_no_audit(client, setup):
    _as(client, Role.ADMIN)
    data = _profile_post(setup, unit="Direktorat Dana Transfer Umum", topics=[str(setup["dau"].id)])
    data.update({"max_per_day": "3", "max_per_week": "10", "days-2-available": "y", "days-4-end": "16:00"})
    response = client.post(f"/admin/narasumber/{setup['profile'].id}", data=data, follow_redirects=True)
    assert "Tidak ada perubahan." in text_of(response)
    assert _audit("narasumber.update") == []


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"days-1-end": "07:00"}, "Jam selesai harus sesudah jam mulai."),
        ({"days-1-start": ""}, "Isi jam mulai."),
        ({"days-1-end": "25:99"}, "Isi jam dengan format JJ:MM"),
        ({"max_per_day": "0"}, "Isi bilangan bulat dari 1 sampai 99."),
        ({"max_per_week": "-3"}, "Isi bilangan bulat dari 1 sampai 99."),
        ({"max_per_day": "dua"}, "Isi dengan bilangan bulat."),
        ({"max_per_day": "7", "max_per_week": "5"}, "Batas per hari tidak boleh melebihi batas per minggu."),
        ({"topics": ["999999"]}, "Pilih topik dari daftar yang tersedia."),
        ({"topics": ["DAU"]}, "Pilih topik dari daftar yang tersedia."),
        ({"unit": ""}, "Wajib diisi."),
    ],
)
def test_profile_validation(client, setup, overrides, message):
    _as(client, Role.ADMIN)
    profile = setup["profile"]
    response = client.post(f"/admin/narasumber/{profile.id}", data=_profile_post(setup, **overrides))
    assert response.status_code == 200
    assert message in text_of(response)
    db.session.expire_all()
    assert db.session.get(NarasumberProfile, profile.id).unit == "Direktorat Dana Transfer Umum"
    assert _audit("narasumber.update") == []


def test_inactive_topic_is_not_offered_unless_already_chosen(client, setup):
    old = factories.topic("SHSR", "Standar Harga Satuan Regional")
    old.active = False
    db.session.commit()
    _as(client, Role.ADMIN)
    page = text_of(client.get(f"/admin/narasumber/{setup['profile'].id}"))
    assert "SHSR" not in page
    response = client.post(
        f"/admin/narasumber/{setup['profile'].id}", data=_profile_post(setup, topics=[str(old.id)])
    )
    assert "Pilih topik dari daftar yang tersedia." in text_of(response)


# Leave and blocked periods -------------------------------------------------------------


def test_add_unavailability_stores_utc(client, setup):
    _as(client, Role.ADMIN)
    profile = setup["profile"]
    response = client.post(
        f"/admin/narasumber/{profile.id}/ketidaktersediaan",
        data={
            "start": "2026-12-14T08:00",
            "end": "2026-12-18T16:00",
            "kind": "blocked",
            "reason": "Rapat kerja nasional",
        },
    )
    assert response.status_code == 302
    row = db.session.scalars(select(Unavailability).where(Unavailability.kind == "blocked")).one()
    assert row.start == datetime(2026, 12, 14, 8, 0, tzinfo=WIB)
    assert row.start.utcoffset() == timedelta(0) and row.start.hour == 1
    assert row.end == datetime(2026, 12, 18, 16, 0, tzinfo=WIB)
    assert row.reason == "Rapat kerja nasional" and row.narasumber_id == profile.id
    assert len(_audit("narasumber.unavailability_add")) == 1
    page = text_of(client.get(f"/admin/narasumber/{profile.id}"))
    # The period names its zone once, both days written (app.core.templating.fmt_range).
    assert "Senin, 14 Desember 2026 08.00 – Jumat, 18 Desember 2026 16.00 WIB" in page
    assert "Rapat kerja nasional" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"start": "2026-12-14T10:00", "end": "2026-12-14T09:00", "kind": "leave"},
            "Waktu selesai harus sesudah waktu mulai.",
        ),
        ({"start": "", "end": "2026-12-14T09:00", "kind": "leave"}, "Wajib diisi."),
        ({"start": "kemarin", "end": "2026-12-14T09:00", "kind": "leave"}, "Isi tanggal dan jam yang valid."),
        ({"start": "2026-12-14T08:00", "end": "2026-12-14T09:00", "kind": "holiday"}, "Pilihan tidak valid."),
    ],
)
def test_unavailability_validation(client, setup, data, message):
    _as(client, Role.ADMIN)
    response = client.post(f"/admin/narasumber/{setup['profile'].id}/ketidaktersediaan", data=data)
    assert response.status_code == 422
    assert message in text_of(response)
    assert db.session.scalars(select(Unavailability)).all() == [setup["period"]]


def test_unavailability_over_a_session_warns(client, setup):
    req = people.session(factories.pemda_user(), datetime(2026, 12, 15, 10, 0, tzinfo=WIB))
    people.assignment(req, setup["profile"])
    db.session.commit()
    _as(client, Role.ADMIN)
    response = client.post(
        f"/admin/narasumber/{setup['profile'].id}/ketidaktersediaan",
        data={"start": "2026-12-15T00:00", "end": "2026-12-16T00:00", "kind": "leave"},
        follow_redirects=True,
    )
    assert "masih ditugaskan pada 1 sesi" in text_of(response)


def test_remove_unavailability(client, setup):
    _as(client, Role.ADMIN)
    profile, period = setup["profile"], setup["period"]
    response = client.post(f"/admin/narasumber/{profile.id}/ketidaktersediaan/{period.id}/hapus")
    assert response.status_code == 302
    assert db.session.scalars(select(Unavailability)).all() == []
    (entry,) = _audit("narasumber.unavailability_remove")
    assert entry.before["reason"] == "Cuti tahunan"


def test_remove_another_narasumbers_period_is_not_found(client, setup):
    other = people.narasumber("Eko Narasumber")
    db.session.commit()
    _as(client, Role.ADMIN)
    url = f"/admin/narasumber/{other.id}/ketidaktersediaan/{setup['period'].id}/hapus"
    assert client.post(url).status_code == 404
    assert client.post(f"/admin/narasumber/{other.id}/ketidaktersediaan/999999/hapus").status_code == 404
    assert len(db.session.scalars(select(Unavailability)).all()) == 1


def test_nav_links(client, setup):
    _as(client, Role.ADMIN)
    page = text_of(client.get("/admin/ruang"))
    assert 'href="/admin/narasumber"' in page and 'href="/admin/ruang"' in page
