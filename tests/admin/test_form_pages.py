"""The administrator's forms as a browser gets them (found by the browser journeys and the
outside validators, issue 11): every form that can fail lists its errors in the summary that
takes the focus, a required select starts with an empty option, the initial password is
never generated unasked, a failed leave period keeps the profile beside it as stored, and
buttons repeated on every row say which row they act on."""

import re
from datetime import UTC, datetime

import pytest
import time_machine
from sqlalchemy import select

from app.auth.models import Role, User
from app.extensions import db
from app.outbox.models import OutboxMessage
from tests import factories
from tests.html_forms import forms_of
from tests.narasumber import factories as people
from tests.requests.helpers import login_as, text_of

NOW = datetime(2026, 6, 1, 3, 0, tzinfo=UTC)  # Monday 1 June 2026, 10:00 WIB
SUMMARY = 'id="ringkasan-kesalahan"'


@pytest.fixture
def admin(app):
    with time_machine.travel(NOW, tick=False):
        user = factories.user(Role.ADMIN, name="Admin DJPK")
        db.session.commit()
    return user


@pytest.fixture
def world(app, admin):
    with time_machine.travel(NOW, tick=False):
        staff = factories.user(Role.COORDINATOR, name="Sri Wahyuni")
        topic = factories.topic("DAU", "Dana Alokasi Umum")
        room = factories.room("Ruang Konsultasi 3")
        profile = people.narasumber("Ani Rahmawati", topics=[topic])
        db.session.commit()
    return {"staff": staff, "topic": topic, "room": room, "profile": profile}


def _summary(page: str) -> str:
    assert SUMMARY in page, "no error summary on the page"
    return page.split(SUMMARY)[1].split("</div>")[0]


@pytest.mark.parametrize(
    ("url", "data", "listed"),
    [
        ("/admin/pengguna/baru", {"name": "", "email": "x@djpk.go.id", "role": "admin"}, "Nama lengkap"),
        ("/admin/pengguna/{staff}", {"name": "", "role": "coordinator"}, "Nama lengkap"),
        ("/admin/topik/baru", {"code": "", "name": "Dana Bagi Hasil", "sort_order": "1"}, "Kode"),
        ("/admin/topik/{topic}", {"code": "DAU", "name": "", "sort_order": "1"}, "Nama"),
        ("/admin/ruang/baru", {"name": "Ruang 9", "floor": "9", "capacity": "0"}, "Kapasitas (orang)"),
        ("/admin/ruang/{room}", {"name": "", "floor": "9", "capacity": "8"}, "Nama ruang"),
        ("/admin/narasumber/{profile}", {"unit": "", "max_per_day": "1", "max_per_week": "2"}, "Unit kerja"),
        ("/admin/laporan/penerima", {"email": "bukan-email"}, "Email"),
    ],
)
def test_every_failed_form_shows_the_error_summary(client, admin, world, url, data, listed):
    login_as(client, admin)
    ids = {"staff": world["staff"].id, "topic": world["topic"].id, "room": world["room"].id}
    ids["profile"] = world["profile"].id
    response = client.post(url.format(**ids), data=data)
    assert response.status_code in (200, 422)
    assert listed in _summary(text_of(response))


def test_a_failed_day_of_the_working_hours_is_listed_with_its_day(client, admin, world):
    login_as(client, admin)
    data = {"unit": "Direktorat Dana Transfer Umum", "max_per_day": "3", "max_per_week": "10"}
    data |= {"days-0-available": "y", "days-0-start": "09:00", "days-0-end": "08:00"}
    page = text_of(client.post(f"/admin/narasumber/{world['profile'].id}", data=data))
    summary = _summary(page)
    assert 'href="#days-0-end"' in summary
    assert "Senin – Selesai</a>: Jam selesai harus sesudah jam mulai." in summary
    # The hidden label of each time names its day as well.
    assert '<label class="visually-hidden" for="days-4-start">Jumat – Mulai</label>' in page


def test_a_failed_leave_period_keeps_the_profile_as_stored(client, admin, world):
    login_as(client, admin)
    response = client.post(
        f"/admin/narasumber/{world['profile'].id}/ketidaktersediaan",
        data={"start": "2026-06-10T00:00", "end": "2026-06-12T00:00", "kind": ""},
    )
    assert response.status_code == 422
    page = text_of(response)
    assert "Jenis</a>: Wajib diisi." in _summary(page)
    profile_form = next(f for f in forms_of(response) if f.named("unit"))
    assert profile_form.named("unit")[0].attrs["value"] == "Direktorat Dana Transfer Umum"
    assert "checked" in profile_form.named("days-0-available")[0].attrs


def _select(page: str, name: str) -> str:
    return re.search(rf'<select[^>]*name="{name}"[^>]*>.*?</select>', page, re.S).group(0)


def test_required_selects_start_empty_and_the_edit_role_is_not_required(client, admin, world):
    login_as(client, admin)
    role = _select(text_of(client.get("/admin/pengguna/baru")), "role")
    assert "required" in role and re.search(
        r'<select[^>]*>\s*<option value="">— pilih peran —</option>', role
    )
    kind = _select(text_of(client.get(f"/admin/narasumber/{world['profile'].id}")), "kind")
    assert "required" in kind and re.search(
        r'<select[^>]*>\s*<option value="">— pilih jenis —</option>', kind
    )
    edit = _select(text_of(client.get(f"/admin/pengguna/{world['staff'].id}")), "role")
    assert "required" not in edit.split(">")[0]
    assert '<option selected value="coordinator">' in edit
    response = client.post(f"/admin/pengguna/{world['staff'].id}", data={"name": "Sri", "role": ""})
    assert "Peran</a>: " in _summary(text_of(response))
    assert db.session.get(User, world["staff"].id).role == Role.COORDINATOR


def test_no_password_and_no_generated_one_is_refused(client, admin):
    login_as(client, admin)
    data = {"name": "Budi Santoso", "email": "budi@djpk.go.id", "role": "receptionist"}
    page = text_of(client.post("/admin/pengguna/baru", data=data))
    assert "Isi kata sandi awal, atau pilih buat kata sandi otomatis." in _summary(page)
    assert db.session.scalars(select(User).where(User.email == "budi@djpk.go.id")).first() is None


def test_row_buttons_name_their_row(client, admin, world):
    login_as(client, admin)
    topics = text_of(client.get("/admin/topik"))
    assert 'Nonaktifkan<span class="visually-hidden"> DAU</span>' in topics
    rooms = text_of(client.get("/admin/ruang"))
    assert 'Ubah<span class="visually-hidden"> Ruang Konsultasi 3</span>' in rooms
    users = text_of(client.get("/admin/pengguna"))
    assert 'Ubah<span class="visually-hidden"> Sri Wahyuni</span>' in users
    feeds = text_of(client.get("/admin/kalender"))
    assert '<span class="visually-hidden"> – Ani Rahmawati</span></button>' in feeds


def test_the_email_text_keeps_its_line_breaks(app, client, admin):
    from tests.outbox.helpers import queue

    with app.test_request_context():
        queue(to="siti@brebeskab.go.id")
        db.session.commit()
    message = db.session.scalars(select(OutboxMessage)).one()
    login_as(client, admin)
    page = text_of(client.get(f"/admin/email/{message.id}"))
    pre = re.search(r'<pre[^>]*id="outbox-text"', page).group(0)
    # .pre-wrap (static/css/app.css): white-space: pre-wrap, without an inline style.
    assert re.search(r'class="[^"]*\bpre-wrap\b', pre) and "text-wrap" not in pre
