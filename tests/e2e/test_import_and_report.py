"""A coordinator in Debian's chromium imports last year's spreadsheet: the preview stops on a
name that cannot be resolved with confidence ("Bandung": the city or the regency?), the
coordinator picks the city from the suggestions, imports, and the monthly report shows the
imported sessions with DJPK's sentence and offers its downloads."""

import re

import pytest
from sqlalchemy import func, select

from app.auth.models import Role
from app.extensions import db
from app.history.models import HistorySession, RegionAlias
from tests import factories
from tests.e2e.conftest import ARTIFACTS
from tests.history.conftest import topics, write_csv  # noqa: F401 (fixture)

pytestmark = pytest.mark.e2e

ROWS = [
    ("Video Conference", "Kab. Brebes", "3-Apr-23", "DAU"),
    ("VC", "Bandung", "05/04/2023", "DBH dan DAU"),
    ("Tatap Muka", "Kab. Brebes (DPRD)", "4 April 2023", "DAU"),
    ("Tatap Muka", "Kota Balikpapan", "2023-04-11", "PDRD"),
]


def test_coordinator_imports_history_and_reads_the_report(app, live_server, browser_page, topics, tmp_path):  # noqa: F811
    coordinator = factories.user(Role.COORDINATOR, name="Sri Koordinator")
    db.session.commit()
    sheet = write_csv(tmp_path / "rekap-april-2023.csv", ROWS)
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server}/masuk")
    page.fill("#email", coordinator.email)
    page.fill("#password", factories.PASSWORD)
    page.click("main button[type=submit]")

    page.goto(f"{live_server}/koordinator/impor")
    page.set_input_files("input[type=file]", str(sheet))
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r".*/koordinator/impor/[0-9a-f]{64}$"))
    names = page.inner_text("#names")
    assert "Bandung" in names
    assert page.locator("button[value=import]").is_disabled()  # nothing is imported with a doubt
    options = page.locator("select[name=pilihan-0] option").all_inner_texts()
    assert any("Kota Bandung" in o for o in options) and any("Kab. Bandung" in o for o in options)
    page.screenshot(path=str(ARTIFACTS / "import-preview-ambiguous.png"), full_page=True)

    city = next(o for o in options if "Kota Bandung" in o)
    page.select_option("select[name=pilihan-0]", label=city)
    page.click("button[value=preview]")
    page.wait_for_load_state()
    assert page.locator("button[value=import]").is_enabled()
    assert page.locator("#to-add tbody tr").count() == 4
    page.click("button[value=import]")
    page.wait_for_load_state()
    assert db.session.scalar(select(func.count()).select_from(HistorySession)) == 4
    alias = db.session.scalars(select(RegionAlias)).one()  # kept for the next import
    assert alias.as_written == "Bandung" and alias.region.display_name == "Kota Bandung"

    page.goto(f"{live_server}/koordinator/laporan?bulan=2023-04")
    text = page.inner_text("main")
    assert (
        "Selama bulan April 2023 telah dilaksanakan Video Conference sebanyak 2 kali dengan topik terbanyak DAU"
        in text
    )
    assert "Kab. Brebes (DPRD)" in text and "Kota Bandung" in text
    page.screenshot(path=str(ARTIFACTS / "monthly-report-april-2023.png"), full_page=True)
    with page.expect_download() as download:
        page.click("text=Unduh XLSX")
    assert download.value.suggested_filename.endswith(".xlsx")
