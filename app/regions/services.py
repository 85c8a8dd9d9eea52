"""Loading the canonical region list (idn-area-data, ODbL) into the database.

Each region gets the time zone of its province and the display name DJPK writes:
"Prov. Jawa Barat", "Kab. Brebes", "Kota Pematangsiantar".
"""

import csv
from pathlib import Path

from sqlalchemy import select

from app.extensions import db
from app.regions.models import Region, RegionKind

DATA_DIR = Path(__file__).resolve().parents[2] / "data" / "regions"

WITA_PROVINCES = {"51", "52", "53", "63", "64", "65", "71", "72", "73", "74", "75", "76"}
WIT_PROVINCES = {"81", "82", "91", "92", "93", "94", "95", "96"}
_UPPER_WORDS = {"DKI"}
_LOWER_WORDS = {"DAN"}


def province_timezone(province_code: str) -> str:
    if province_code in WITA_PROVINCES:
        return "Asia/Makassar"
    if province_code in WIT_PROVINCES:
        return "Asia/Jayapura"
    return "Asia/Jakarta"


def title_case(official: str) -> str:
    words = []
    for i, word in enumerate(official.split()):
        if word in _UPPER_WORDS:
            words.append(word)
        elif word in _LOWER_WORDS and i:
            words.append(word.lower())
        else:
            words.append(word.title())
    return " ".join(words)


def split_official_name(official: str) -> tuple[RegionKind, str, str]:
    """(kind, plain name, display name) of a regency or city's official name."""
    for prefix, kind, short in (
        ("KABUPATEN ADMINISTRASI ", RegionKind.REGENCY, "Kab. Adm."),
        ("KOTA ADMINISTRASI ", RegionKind.CITY, "Kota Adm."),
        ("KABUPATEN ", RegionKind.REGENCY, "Kab."),
        ("KOTA ", RegionKind.CITY, "Kota"),
    ):
        if official.startswith(prefix):
            name = title_case(official[len(prefix) :])
            return kind, name, f"{short} {name}"
    raise ValueError(f"unknown region name form: {official!r}")


def read_region_rows(data_dir: Path = DATA_DIR) -> list[dict]:
    rows: list[dict] = []
    with open(data_dir / "provinces.csv", newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            name = title_case(row["name"])
            rows.append(
                dict(
                    code=row["code"],
                    kind=RegionKind.PROVINCE,
                    official_name=row["name"],
                    name=name,
                    display_name=f"Prov. {name}",
                    province_code=None,
                    timezone=province_timezone(row["code"]),
                )
            )
    with open(data_dir / "regencies.csv", newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            kind, name, display = split_official_name(row["name"])
            rows.append(
                dict(
                    code=row["code"],
                    kind=kind,
                    official_name=row["name"],
                    name=name,
                    display_name=display,
                    province_code=row["province_code"],
                    timezone=province_timezone(row["province_code"]),
                )
            )
    return rows


def load_regions() -> tuple[int, int]:
    """Insert or update every region. Returns (added, updated); safe to run again."""
    existing = {r.code: r for r in db.session.scalars(select(Region))}
    added = updated = 0
    rows = read_region_rows()
    for row in rows:  # provinces come first, so parents exist before children
        province_code = row.pop("province_code")
        if province_code:
            row["province_id"] = existing[province_code].id
        region = existing.get(row["code"])
        if region is None:
            region = Region(**row)
            db.session.add(region)
            added += 1
        elif any(getattr(region, k) != v for k, v in row.items()):
            for key, value in row.items():
                setattr(region, key, value)
            updated += 1
        if region.kind == RegionKind.PROVINCE:
            db.session.flush()
        existing[row["code"]] = region
    db.session.flush()
    return added, updated
