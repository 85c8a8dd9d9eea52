"""Who may open which administration page: coordinator and admin see registrations, only the
admin sees users, topics and policy; anyone else gets 403, and the anonymous the login page."""

import pytest

from app.extensions import db
from tests import factories

REGISTRATION_ROUTES = [
    ("get", "/admin/pendaftaran"),
    ("post", "/admin/pendaftaran/{pending}/aktifkan"),
    ("post", "/admin/pendaftaran/{pending}/tolak"),
]
ADMIN_ROUTES = [
    ("get", "/admin/pengguna"),
    ("get", "/admin/pengguna/baru"),
    ("post", "/admin/pengguna/baru"),
    ("get", "/admin/pengguna/{pending}"),
    ("post", "/admin/pengguna/{pending}"),
    ("get", "/admin/topik"),
    ("get", "/admin/topik/baru"),
    ("post", "/admin/topik/baru"),
    ("get", "/admin/topik/{topic}"),
    ("post", "/admin/topik/{topic}"),
    ("post", "/admin/topik/{topic}/status"),
    ("get", "/admin/kebijakan"),
    ("get", "/admin/kebijakan/baru"),
    ("post", "/admin/kebijakan/baru"),
]
ALL_ROUTES = REGISTRATION_ROUTES + ADMIN_ROUTES


@pytest.fixture
def ids(app):
    pending = factories.pemda_user(active=False)
    topic = factories.topic()
    db.session.commit()
    return {"pending": pending.id, "topic": topic.id}


def _call(client, method, url, ids):
    return getattr(client, method)(url.format(**ids), data={})


@pytest.mark.parametrize(("method", "url"), ALL_ROUTES)
def test_anonymous_is_sent_to_login(client, ids, method, url):
    response = _call(client, method, url, ids)
    assert response.status_code == 302
    assert "/masuk" in response.headers["Location"]


@pytest.mark.parametrize("role", ["pemda", "narasumber", "receptionist"])
@pytest.mark.parametrize(("method", "url"), ALL_ROUTES)
def test_other_roles_are_refused(client, logged_in, ids, role, method, url):
    logged_in(role)
    assert _call(client, method, url, ids).status_code == 403


@pytest.mark.parametrize(("method", "url"), ADMIN_ROUTES)
def test_coordinator_cannot_manage_users_topics_policy(client, logged_in, ids, method, url):
    logged_in("coordinator")
    assert _call(client, method, url, ids).status_code == 403


def test_coordinator_sees_registrations(client, logged_in, ids):
    logged_in("coordinator")
    response = client.get("/admin/pendaftaran")
    assert response.status_code == 200
    assert "Pendaftaran menunggu aktivasi" in response.get_data(as_text=True)


@pytest.mark.parametrize(("method", "url"), [r for r in ALL_ROUTES if r[0] == "get"])
def test_admin_opens_every_page(client, logged_in, ids, method, url):
    logged_in("admin")
    assert _call(client, method, url, ids).status_code == 200


def test_staff_home_names_the_role_in_indonesian(client, logged_in):
    logged_in("receptionist")
    text = client.get("/beranda").get_data(as_text=True)
    assert "Anda masuk sebagai Resepsionis." in text
    assert 'href="/akun"' in text and 'href="/admin/pendaftaran"' not in text


def test_staff_home_links_admin_pages(client, logged_in):
    logged_in("admin")
    text = client.get("/beranda").get_data(as_text=True)
    for path in ("/admin/pendaftaran", "/admin/pengguna", "/admin/topik", "/admin/kebijakan"):
        assert f'href="{path}"' in text
