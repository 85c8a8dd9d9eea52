"""A coordinator in Debian's chromium (phone-sized; every page checked by the outside
validators) imports last year's spreadsheet: the upload without a file is refused, the
preview stops on a name that cannot be resolved with confidence ("Bandung": the city or the
regency?), the coordinator picks the city (the row leaves the list of names to decide) and
imports. The monthly report, chosen with its month form, shows the imported sessions with
DJPK's sentence, offers its CSV and XLSX and its print page, and says so when a month does not
exist; the satisfaction overview opens on last month and has its own month form."""

from datetime import datetime
from pathlib import Path

import pytest
import time_machine
from openpyxl import load_workbook
from sqlalchemy import func, select

from app.auth.models import Role
from app.core.clock import WIB
from app.extensions import db
from app.history.models import HistorySession, RegionAlias
from tests import factories
from tests.e2e.helpers import error_focused, login, shot, submit
from tests.history.conftest import topics, write_csv  # noqa: F401 (fixture)

pytestmark = pytest.mark.e2e

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=WIB)
ROWS = [
    ("Video Conference", "Kab. Brebes", "3-Apr-23", "DAU"),
    ("VC", "Bandung", "05/04/2023", "DBH dan DAU"),
    ("Tatap Muka", "Kab. Brebes (DPRD)", "4 April 2023", "DAU"),
    ("Tatap Muka", "Kota Balikpapan", "2023-04-11", "PDRD"),
]


def test_coordinator_imports_history_and_reads_the_report(app, live_server, browser_page, topics, tmp_path):  # noqa: F811
    with time_machine.travel(NOW, tick=True):
        coordinator = factories.user(Role.COORDINATOR, name="Sri Koordinator")
        db.session.commit()
        sheet = write_csv(tmp_path / "rekap-april-2023.csv", ROWS)
        page = browser_page
        login(page, live_server, coordinator.email)

        page.goto(f"{live_server}/koordinator/impor")
        submit(page, "main form button[type=submit]", url=r"/koordinator/impor$")  # no file chosen
        assert error_focused(page)
        assert "Pilih berkas CSV atau XLSX." in page.inner_text("#ringkasan-kesalahan")
        page.set_input_files("input[type=file]", str(sheet))
        submit(page, "main form button[type=submit]", url=r"/koordinator/impor/[0-9a-f]{64}$")
        names = page.inner_text("#names")
        assert "Bandung" in names
        assert page.locator("button[value=import]").is_disabled()  # nothing is imported with a doubt
        choice = page.get_by_label("Keputusan untuk Bandung")
        options = choice.locator("option").all_inner_texts()
        assert any("Kota Bandung" in o for o in options) and any("Kab. Bandung" in o for o in options)
        shot(page, "import-preview-ambiguous")

        # A region code that does not exist is refused; then the city is picked instead.
        page.get_by_label("Kode daerah untuk Bandung").fill("99.99")
        submit(page, "button[value=preview]")
        assert error_focused(page)
        assert "Kode daerah tidak dikenal: 99.99." in page.inner_text("#ringkasan-kesalahan")
        assert "Bandung" in page.inner_text("#names")
        page.get_by_label("Kode daerah untuk Bandung").fill("")
        page.get_by_label("Keputusan untuk Bandung").select_option(
            label=next(o for o in options if "Kota Bandung" in o)
        )
        submit(page, "button[value=preview]")
        # The name is decided: it leaves the list of names to decide, the import is offered.
        assert page.locator("#names").count() == 0
        assert "Bandung" in page.inner_text("#decided-names")
        assert page.locator("button[value=import]").is_enabled()
        assert page.locator("#to-add tbody tr").count() == 4
        shot(page, "import-preview-decided")
        submit(page, "button[value=import]", url=r"/koordinator/impor$")
        assert "Impor selesai: 4 sesi ditambahkan" in page.inner_text("main")
        assert db.session.scalar(select(func.count()).select_from(HistorySession)) == 4
        alias = db.session.scalars(select(RegionAlias)).one()  # kept for the next import
        assert alias.as_written == "Bandung" and alias.region.display_name == "Kota Bandung"

        # The report opens on last month; its month form goes to April 2023.
        page.goto(f"{live_server}/koordinator/laporan")
        assert "November 2026" in page.inner_text("main h1")
        page.fill("#bulan", "2023-04")
        submit(page, "main form[method=get] button[type=submit]", url=r"bulan=2023-04")
        text = page.inner_text("main")
        assert (
            "Selama bulan April 2023 telah dilaksanakan Video Conference sebanyak 2 kali dengan topik terbanyak DAU"
            in text
        )
        assert "Kab. Brebes (DPRD)" in text and "Kota Bandung" in text
        for mode in ("vc", "ftf"):  # both session tables name the column as DJPK does
            assert "Pengguna Layanan" in page.inner_text(f"[data-test=table-{mode}] thead")
        shot(page, "monthly-report-april-2023")

        with page.expect_download() as download:
            page.click("text=Unduh CSV")
        assert download.value.suggested_filename.endswith(".csv")
        assert "Kota Bandung" in Path(download.value.path()).read_text(encoding="utf-8-sig")
        with page.expect_download() as download:
            page.click("text=Unduh XLSX")
        assert download.value.suggested_filename.endswith(".xlsx")
        saved = tmp_path / download.value.suggested_filename
        download.value.save_as(saved)
        book = load_workbook(saved, read_only=True)
        cells = [str(c) for row in book.active.iter_rows(values_only=True) for c in row if c is not None]
        book.close()
        assert "Kota Bandung" in cells

        with page.expect_navigation():
            page.click("text=Versi cetak")
        assert page.url.endswith("/koordinator/laporan/2023-04/cetak")
        assert "Laporan Layanan Konsultasi DJPK" in page.inner_text("main")
        assert "Kota Bandung" in page.inner_text("main")
        shot(page, "monthly-report-print")

        # A month that does not exist is said so, and last month is shown.
        page.goto(f"{live_server}/koordinator/laporan?bulan=2023-13")
        message = page.inner_text("[data-test=month-error]")
        assert (
            "Bulan tidak valid; gunakan format TTTT-BB" in message
            and "Ditampilkan: November 2026." in message
        )

        # Satisfaction opens on last month, as the report does, and has its month form.
        page.goto(f"{live_server}/koordinator/kepuasan")
        assert "November 2026" in page.inner_text("main h1")
        page.fill("#bulan", "2026-10")
        submit(page, "main form[method=get] button[type=submit]", url=r"bulan=2026-10")
        assert "Oktober 2026" in page.inner_text("main h1")
        shot(page, "satisfaction-overview")
