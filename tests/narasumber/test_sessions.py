"""The narasumber's own pages: who may open them, and that each sees only their own sessions."""

import pytest

from app.auth.models import Role
from app.extensions import db
from tests import factories
from tests.requests.helpers import login_as, text_of

PAGES = [
    ("get", "/narasumber/"),
    ("get", "/narasumber/{own}"),
    ("post", "/narasumber/{own}/terima"),
    ("post", "/narasumber/{own}/tolak"),
]


def _url(template: str, world) -> str:
    return template.format(own=world["ani_upcoming"].id)


@pytest.mark.parametrize(("method", "url"), PAGES)
def test_anonymous_is_sent_to_login(client, world, method, url):
    response = getattr(client, method)(_url(url, world))
    assert response.status_code == 302
    assert "/masuk" in response.headers["Location"]


@pytest.mark.parametrize("role", [Role.PEMDA, Role.RECEPTIONIST, Role.COORDINATOR, Role.ADMIN])
@pytest.mark.parametrize(("method", "url"), PAGES)
def test_other_roles_are_refused(client, world, role, method, url):
    user = factories.pemda_user() if role == Role.PEMDA else factories.user(role)
    db.session.commit()
    login_as(client, user)
    assert getattr(client, method)(_url(url, world), data={"reason": "Sedang dinas luar"}).status_code == 403


def test_narasumber_lands_on_their_sessions(client, world):
    login_as(client, world["ani"].user)
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/narasumber/")
    page = text_of(client.get("/narasumber/"))
    assert 'href="/narasumber/"' in page  # the nav link "Sesi Saya"


def test_sessions_list_upcoming_and_past_of_their_own_only(client, world):
    login_as(client, world["ani"].user)
    page = text_of(client.get("/narasumber/"))
    upcoming, past = page.split("Sesi yang lalu")
    assert "Kota Balikpapan" in upcoming
    assert "Kamis, 3 Desember 2026 10.00–11.00 WIB" in upcoming
    assert "Waktu Pemda: 11.00–12.00 WITA" in upcoming  # the zone named once
    assert "Menunggu jawaban" in upcoming
    assert "Tautan rapat" in upcoming
    assert "Kab. Brebes" in past and "Diterima" in past
    assert f'/narasumber/{world["ani_upcoming"].id}"' in page
    # Budi's face-to-face session (DBH sawit, Ruang Rapat Dahlia) is not Ani's.
    assert f'/narasumber/{world["budi_ftf"].id}"' not in page
    assert "Ruang Rapat Dahlia" not in page
    assert "1 penugasan menunggu jawaban Anda." in page
    # Each card names its session's topics, in the catalogue's order.
    assert "· DAU, DBH" in " ".join(upcoming.split()) and "· DAU" in past


def test_ftf_session_shows_room(client, world):
    login_as(client, world["budi"].user)
    page = text_of(client.get("/narasumber/"))
    assert "Ruang Rapat Dahlia, lantai 9" in page


def test_detail_shows_agenda_delegation_topics_letter_and_colleagues(client, world):
    login_as(client, world["budi"].user)
    req = world["ftf_req"]
    page = text_of(client.get(f"/narasumber/{world['budi_ftf'].id}"))
    assert "DBH sawit" in page
    assert "Tamu 1</span> · Kepala Bidang" in page
    assert "DBH (Dana Bagi Hasil)" in page
    assert f'href="/permohonan/{req.id}/surat"' in page
    assert "Terima penugasan" in page and "Tolak penugasan" in page
    # The letter link works for a narasumber (staff may see requests).
    with client.get(f"/permohonan/{req.id}/surat") as download:
        assert download.status_code == 200
        assert download.data.startswith(b"%PDF")


def test_detail_names_the_other_narasumber_of_the_session(client, world):
    login_as(client, world["ani"].user)
    page = text_of(client.get(f"/narasumber/{world['ani_upcoming'].id}"))
    assert "Narasumber lain" in page and "Budi Narasumber" in page
    assert "Topik yang Anda tangani" in page


def test_past_assignment_cannot_be_answered_from_the_page(client, world):
    login_as(client, world["ani"].user)
    page = text_of(client.get(f"/narasumber/{world['ani_past'].id}"))
    assert "Terima penugasan" not in page and "Tolak penugasan" not in page


@pytest.mark.parametrize("suffix", ["", "/terima", "/tolak"])
def test_another_narasumbers_assignment_is_not_found(client, world, suffix):
    login_as(client, world["ani"].user)
    url = f"/narasumber/{world['budi_ftf'].id}{suffix}"
    if suffix:
        response = client.post(url, data={"reason": "Sedang dinas luar kota"})
    else:
        response = client.get(url)
    assert response.status_code == 404
    db.session.refresh(world["budi_ftf"])
    assert world["budi_ftf"].status == "assigned"


def test_unknown_assignment_is_not_found(client, world):
    login_as(client, world["ani"].user)
    assert client.get("/narasumber/999999").status_code == 404


def test_narasumber_without_profile_gets_not_found(client, world):
    user = factories.user(Role.NARASUMBER)
    db.session.commit()
    login_as(client, user)
    assert client.get("/narasumber/").status_code == 404


def test_past_sessions_come_a_page_at_a_time_newest_first(client, world):
    from datetime import timedelta

    from app.narasumber.services import PAST_PER_PAGE
    from tests.narasumber import factories as people
    from tests.narasumber.conftest import PAST

    for n in range(1, PAST_PER_PAGE + 3):  # the fixture's past session and 22 older ones
        req = people.session(world["brebes"], PAST - timedelta(days=n), agenda=f"Sesi lama {n}")
        people.assignment(req, world["ani"])
    db.session.commit()
    login_as(client, world["ani"].user)
    first = text_of(client.get("/narasumber/"))
    past = first.split("Sesi yang lalu")[1]
    assert past.count("Lihat rincian") == PAST_PER_PAGE and "Lebih lama" in past and "Lebih baru" not in past
    second = text_of(client.get("/narasumber/?lama=2"))
    older = second.split("Sesi yang lalu")[1]
    assert older.count("Lihat rincian") == 3 and "Lebih baru" in older and "Lebih lama" not in older
    assert "Sesi mendatang" in second  # upcoming sessions stay on every page
    beyond = text_of(client.get("/narasumber/?lama=9999"))
    assert "Tidak ada sesi yang lebih lama." in beyond
    assert client.get("/narasumber/?lama=x").status_code == 200
