"""The region list: 38 provinces and 514 regencies/cities, each with its zone and display name."""

from collections import Counter

import pytest
from sqlalchemy import select

from app.extensions import db
from app.regions.models import Region, RegionKind
from app.regions.services import DATA_DIR, load_regions, read_region_rows

ZONES = {"Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"}


def regions() -> list[Region]:
    return list(db.session.scalars(select(Region)))


def by_code(code: str) -> Region:
    return db.session.scalars(select(Region).where(Region.code == code)).one()


def test_counts(app):
    kinds = Counter(r.kind for r in regions())
    assert kinds[RegionKind.PROVINCE] == 38
    assert kinds[RegionKind.REGENCY] + kinds[RegionKind.CITY] == 514
    assert kinds[RegionKind.CITY] == 98


def test_codes_are_unique_and_children_belong_to_their_province(app):
    rows = regions()
    assert len({r.code for r in rows}) == len(rows) == 552
    for region in rows:
        if region.kind == RegionKind.PROVINCE:
            assert region.province_id is None and "." not in region.code
        else:
            assert region.province.code == region.code.split(".")[0]
            assert region.timezone == region.province.timezone


def test_every_region_has_one_of_the_three_zones(app):
    assert {r.timezone for r in regions()} == ZONES


@pytest.mark.parametrize(
    "code, display, zone",
    [
        ("51", "Prov. Bali", "Asia/Makassar"),
        ("51.03", "Kab. Badung", "Asia/Makassar"),
        ("73", "Prov. Sulawesi Selatan", "Asia/Makassar"),
        ("73.71", "Kota Makassar", "Asia/Makassar"),
        ("64.71", "Kota Balikpapan", "Asia/Makassar"),
        ("81", "Prov. Maluku", "Asia/Jayapura"),
        ("81.71", "Kota Ambon", "Asia/Jayapura"),
        ("91", "Prov. Papua", "Asia/Jayapura"),
        ("91.03", "Kab. Jayapura", "Asia/Jayapura"),
        ("96", "Prov. Papua Barat Daya", "Asia/Jayapura"),
        ("61", "Prov. Kalimantan Barat", "Asia/Jakarta"),
        ("61.71", "Kota Pontianak", "Asia/Jakarta"),
        ("33.29", "Kab. Brebes", "Asia/Jakarta"),
    ],
)
def test_zones_by_province(app, code, display, zone):
    region = by_code(code)
    assert (region.display_name, region.timezone) == (display, zone)


@pytest.mark.parametrize(
    "code, display, name, kind",
    [
        ("32", "Prov. Jawa Barat", "Jawa Barat", RegionKind.PROVINCE),
        ("31", "Prov. DKI Jakarta", "DKI Jakarta", RegionKind.PROVINCE),
        ("33.29", "Kab. Brebes", "Brebes", RegionKind.REGENCY),
        ("12.72", "Kota Pematangsiantar", "Pematangsiantar", RegionKind.CITY),
        ("73.10", "Kab. Pangkajene dan Kepulauan", "Pangkajene dan Kepulauan", RegionKind.REGENCY),
        ("31.01", "Kab. Adm. Kepulauan Seribu", "Kepulauan Seribu", RegionKind.REGENCY),
        ("31.71", "Kota Adm. Jakarta Pusat", "Jakarta Pusat", RegionKind.CITY),
    ],
)
def test_display_names(app, code, display, name, kind):
    region = by_code(code)
    assert (region.display_name, region.name, region.kind) == (display, name, kind)


def test_official_names_are_kept(app):
    assert by_code("33.29").official_name == "KABUPATEN BREBES"


def test_loading_again_changes_nothing(app):
    assert load_regions() == (0, 0)
    assert len(regions()) == 552


def test_loading_again_repairs_a_changed_row(app):
    by_code("33.29").display_name = "Brebes (diubah)"
    db.session.flush()
    assert load_regions() == (0, 1)
    assert by_code("33.29").display_name == "Kab. Brebes"


def test_the_data_keeps_its_odbl_notice():
    notice = (DATA_DIR / "NOTICE.md").read_text(encoding="utf-8")
    assert "idn-area-data" in notice and "Open Database License" in notice
    assert "Open Database License" in (DATA_DIR / "LICENSE.md").read_text(encoding="utf-8")
    assert len(read_region_rows()) == 552
