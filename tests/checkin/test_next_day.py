"""Once today expects nobody more (service hours over, a day off, or every visit of the day
has arrived or ended), the desk also lists the next working day's visits to a coordinator. The
front desk (receptionist) sees its own day only (app.core.access): never that list."""

from datetime import timedelta

from app.extensions import db
from tests.checkin import helpers

NEXT = "Kunjungan hari kerja berikutnya"


def test_while_a_visit_is_awaited_only_today_is_listed(client, auth, coordinator, pemda):
    helpers.session(pemda)  # today 09:00-10:00, it is 09:10: still awaited
    helpers.session(pemda, start=helpers.START + timedelta(days=1))
    db.session.commit()
    auth.login(coordinator)
    assert NEXT not in client.get("/resepsionis/").get_data(as_text=True)


def test_with_nothing_more_today_the_next_working_day_is_listed(client, auth, coordinator, pemda):
    tomorrow = helpers.session(pemda, start=helpers.START + timedelta(days=1, hours=1))
    db.session.commit()
    auth.login(coordinator)
    page = client.get("/resepsionis/").get_data(as_text=True)
    assert NEXT in page and "Rabu, 9 Desember 2026" in page
    assert page.index(NEXT) < page.index(f'href="/resepsionis/kunjungan/{tomorrow.id}"')
    # Opening it before its day says so (check-in opens on the day).
    visit = client.get(f"/resepsionis/kunjungan/{tomorrow.id}").get_data(as_text=True)
    assert "tidak dijadwalkan hari ini" in visit


def test_after_service_hours_the_next_working_day_is_listed(client, auth, coordinator, pemda, frozen):
    helpers.session(pemda, start=helpers.START + timedelta(hours=6))  # 15:00, not arrived
    friday = helpers.START + timedelta(days=3)  # Friday 11 December
    later = helpers.session(pemda, start=friday)
    db.session.commit()
    frozen.move_to(helpers.START.replace(hour=16, minute=5))
    auth.login(coordinator)
    page = client.get("/resepsionis/").get_data(as_text=True)
    assert NEXT in page and "Rabu, 9 Desember 2026" in page
    assert f"/resepsionis/kunjungan/{later.id}" not in page  # Friday is not the next working day
    assert "Belum ada kunjungan tatap muka yang dijadwalkan." in page


def test_the_front_desk_never_gets_the_next_working_day(client, auth, receptionist, pemda, frozen):
    tomorrow = helpers.session(pemda, start=helpers.START + timedelta(days=1, hours=1))
    db.session.commit()
    frozen.move_to(helpers.START.replace(hour=16, minute=5))
    auth.login(receptionist)
    page = client.get("/resepsionis/").get_data(as_text=True)
    assert NEXT not in page and f"/resepsionis/kunjungan/{tomorrow.id}" not in page
    assert client.get(f"/resepsionis/kunjungan/{tomorrow.id}").status_code == 404


def test_a_search_shows_today_only(client, auth, coordinator, pemda):
    helpers.session(pemda, start=helpers.START + timedelta(days=1))
    db.session.commit()
    auth.login(coordinator)
    assert NEXT not in client.get("/resepsionis/", query_string={"q": "Brebes"}).get_data(as_text=True)
