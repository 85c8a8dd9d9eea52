"""The report pages: coordinators and admins only; the recipients page: admins only."""

import pytest

from app.auth.models import Role
from app.extensions import db
from app.reports.models import ReportRecipient
from tests import factories
from tests.reports.conftest import NOW

PAGES = (
    "/koordinator/laporan?bulan=2023-04",
    "/koordinator/laporan/2023-04.csv",
    "/koordinator/laporan/2023-04.xlsx",
    "/koordinator/laporan/2023-04/cetak",
)


def test_report_page_shows_the_month(app, april, client, auth, coordinator):
    auth.login(coordinator)
    page = client.get(PAGES[0]).get_data(as_text=True)
    assert "Selama bulan April 2023 telah dilaksanakan Video Conference sebanyak 5 kali" in page
    assert "Kab. Brebes (DPRD)" in page
    assert "<svg" in page and "Mar 23" in page
    assert 'data-test="count-vc">5<' in page
    assert "/koordinator/laporan/2023-04.xlsx" in page


def test_default_month_is_last_month(app, april, client, auth, coordinator):
    auth.login(coordinator)
    page = client.get("/koordinator/laporan").get_data(as_text=True)
    assert 'value="2023-04"' in page


def test_exports_and_print(app, april, client, auth, coordinator):
    auth.login(coordinator)
    csv = client.get(PAGES[1])
    assert csv.status_code == 200
    assert csv.headers["Content-Type"].startswith("text/csv")
    assert 'filename="laporan-konsultasi-2023-04.csv"' in csv.headers["Content-Disposition"]
    xlsx = client.get(PAGES[2])
    assert xlsx.data[:2] == b"PK"
    page = client.get(PAGES[3]).get_data(as_text=True)
    assert "Laporan Layanan Konsultasi DJPK" in page
    # The print rules are in a stylesheet: the Content-Security-Policy allows no inline style.
    assert 'href="/static/css/report.' in page  # report.<hash>.css
    with client.get("/static/css/report.css") as css:
        assert "@media print" in css.get_data(as_text=True)


@pytest.mark.parametrize("role", [Role.PEMDA, Role.NARASUMBER, Role.RECEPTIONIST])
def test_others_are_refused(app, frozen, client, auth, role):
    user = factories.pemda_user() if role == Role.PEMDA else factories.user(role)
    db.session.commit()
    auth.login(user)
    for url in PAGES:
        assert client.get(url).status_code == 403, url
    assert client.get("/admin/laporan/penerima").status_code == 403


def test_anonymous_goes_to_login(app, client):
    response = client.get(PAGES[0])
    assert response.status_code == 302
    assert "/masuk" in response.headers["Location"]


def test_admin_sees_the_report_and_the_nav_links(app, client, auth, admin):
    auth.login(admin)
    page = client.get("/koordinator/laporan?bulan=2023-04").get_data(as_text=True)
    assert 'href="/koordinator/laporan"' in page
    assert 'href="/admin/laporan/penerima"' in page


def test_coordinator_cannot_manage_recipients(app, client, auth, coordinator):
    row = ReportRecipient(email="kepala@kemenkeu.go.id", active=True, created_at=NOW)
    db.session.add(row)
    db.session.commit()
    auth.login(coordinator)
    assert client.get("/admin/laporan/penerima").status_code == 403
    assert client.post("/admin/laporan/penerima", data={"email": "x@kemenkeu.go.id"}).status_code == 403
    assert client.post(f"/admin/laporan/penerima/{row.id}/status", data={"active": "0"}).status_code == 403
    db.session.expire_all()
    assert db.session.get(ReportRecipient, row.id).active is True


def test_admin_adds_and_deactivates_recipients(app, client, auth, admin):
    auth.login(admin)
    client.get("/admin/laporan/penerima")
    response = client.post(
        "/admin/laporan/penerima", data={"email": "kepala@kemenkeu.go.id", "name": "Kepala Subdit"}
    )
    assert response.status_code == 302
    row = db.session.scalars(db.select(ReportRecipient)).one()
    assert (row.email, row.name, row.active) == ("kepala@kemenkeu.go.id", "Kepala Subdit", True)
    client.post("/admin/laporan/penerima", data={"email": "KEPALA@kemenkeu.go.id"})
    assert db.session.scalars(db.select(ReportRecipient)).all() == [row]
    client.post(f"/admin/laporan/penerima/{row.id}/status", data={"active": "0"})
    db.session.refresh(row)
    assert row.active is False
    page = client.get("/admin/laporan/penerima").get_data(as_text=True)
    assert "kepala@kemenkeu.go.id" in page and "Nonaktif" in page
    client.post("/admin/laporan/penerima", data={"email": "kepala@kemenkeu.go.id"})
    db.session.refresh(row)
    assert row.active is True
    bad = client.post("/admin/laporan/penerima", data={"email": "bukan-email"})
    assert bad.status_code == 200 and "Alamat email tidak valid." in bad.get_data(as_text=True)
    assert client.post(f"/admin/laporan/penerima/{row.id}/status", data={"active": "x"}).status_code == 400
    assert client.post("/admin/laporan/penerima/999/status", data={"active": "0"}).status_code == 404


@pytest.mark.parametrize("url", [PAGES[0], PAGES[3]])
def test_both_session_tables_call_the_column_pengguna_layanan(app, april, client, auth, coordinator, url):
    auth.login(coordinator)
    page = client.get(url).get_data(as_text=True)
    for mode in ("vc", "ftf"):
        table = page[page.index(f'data-test="table-{mode}"') :]
        head = table[: table.index("</thead>")]
        assert "<th>Pengguna Layanan</th>" in head and "Daerah" not in head
