"""Resolving region names as people write them against the canonical list."""

import csv
import random
import time
from pathlib import Path

import pytest

from app.domain.region_names import (
    CITY,
    DPRD,
    PEMDA,
    PROVINCE,
    REGENCY,
    CanonicalRegion,
    Resolution,
    Resolver,
    Status,
    alias_key,
    read,
)

DATA = Path(__file__).resolve().parents[2] / "data" / "regions"

SMALL = [
    CanonicalRegion("14", "Riau", PROVINCE),
    CanonicalRegion("21", "Kepulauan Riau", PROVINCE),
    CanonicalRegion("31", "DKI Jakarta", PROVINCE),
    CanonicalRegion("32", "Jawa Barat", PROVINCE),
    CanonicalRegion("33", "Jawa Tengah", PROVINCE),
    CanonicalRegion("34", "Daerah Istimewa Yogyakarta", PROVINCE),
    CanonicalRegion("31.71", "KOTA ADMINISTRASI JAKARTA PUSAT", CITY),
    CanonicalRegion("31.01", "Kabupaten Administrasi Kepulauan Seribu", REGENCY),
    CanonicalRegion("32.04", "Bandung", REGENCY),
    CanonicalRegion("32.17", "Bandung Barat", REGENCY),
    CanonicalRegion("32.73", "Bandung", CITY),
    CanonicalRegion("33.29", "KABUPATEN BREBES", REGENCY),
    CanonicalRegion("34.71", "Yogyakarta", CITY),
    CanonicalRegion("63.02", "Kotabaru", REGENCY),
    CanonicalRegion("71.03", "Kepulauan Sangihe", REGENCY),
    CanonicalRegion("73.10", "Pangkajene dan Kepulauan", REGENCY),
    CanonicalRegion("74.72", "Baubau", CITY),
    CanonicalRegion("82.72", "Tidore Kepulauan", CITY),
]


@pytest.fixture(scope="module")
def resolver():
    return Resolver(SMALL)


def real_regions() -> list[CanonicalRegion]:
    with open(DATA / "provinces.csv", newline="", encoding="utf-8") as fh:
        regions = [CanonicalRegion(r["code"], r["name"], PROVINCE) for r in csv.DictReader(fh)]
    with open(DATA / "regencies.csv", newline="", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            kind = CITY if r["name"].startswith("KOTA ") else REGENCY
            regions.append(CanonicalRegion(r["code"], r["name"], kind))
    return regions


@pytest.mark.parametrize(
    ("text", "code", "unit", "status"),
    [
        ("Kab. Brebes", "33.29", PEMDA, Status.EXACT),
        ("Kabupaten Brebes", "33.29", PEMDA, Status.EXACT),
        ("KAB BREBES", "33.29", PEMDA, Status.EXACT),
        ("  kab.brebes ", "33.29", PEMDA, Status.EXACT),
        ("Brebes", "33.29", PEMDA, Status.EXACT),
        ("Pemkab Brebes", "33.29", PEMDA, Status.EXACT),
        ("Pemerintah Daerah Kabupaten Brebes", "33.29", PEMDA, Status.EXACT),
        ("BPKAD Kab. Brebes", "33.29", PEMDA, Status.EXACT),
        ("Kab. Brebes (DPRD)", "33.29", DPRD, Status.EXACT),
        ("DPRD Kab. Brebes", "33.29", DPRD, Status.EXACT),
        ("Sekretariat DPRD Kabupaten Brebes", "33.29", DPRD, Status.EXACT),
        ("Brebes (dprd)", "33.29", DPRD, Status.EXACT),
        ("Kota Bandung", "32.73", PEMDA, Status.EXACT),
        ("Pemkot Bandung", "32.73", PEMDA, Status.EXACT),
        ("Kab. Bandung", "32.04", PEMDA, Status.EXACT),
        ("Kab. Bandung Barat", "32.17", PEMDA, Status.EXACT),
        ("Bandung Barat", "32.17", PEMDA, Status.EXACT),
        ("Prov. Jawa Barat", "32", PEMDA, Status.EXACT),
        ("Provinsi Jawa Barat (DPRD)", "32", DPRD, Status.EXACT),
        ("Pemprov Jabar", "32", PEMDA, Status.NORMALIZED),
        ("Jawa Tengah", "33", PEMDA, Status.EXACT),
        ("Propinsi Jateng", "33", PEMDA, Status.NORMALIZED),
        ("Riau", "14", PEMDA, Status.EXACT),
        ("Prov. Riau", "14", PEMDA, Status.EXACT),
        ("Kepulauan Riau", "21", PEMDA, Status.EXACT),
        ("Prov. Kep. Riau", "21", PEMDA, Status.EXACT),
        ("Kepri", "21", PEMDA, Status.NORMALIZED),
        ("Jakarta", "31", PEMDA, Status.EXACT),
        ("DKI", "31", PEMDA, Status.NORMALIZED),
        ("DIY", "34", PEMDA, Status.NORMALIZED),
        ("Prov. Yogyakarta", "34", PEMDA, Status.EXACT),
        ("Kota Yogyakarta", "34.71", PEMDA, Status.EXACT),
        ("Kota Adm. Jakarta Pusat", "31.71", PEMDA, Status.EXACT),
        ("Kota Jakarta Pusat", "31.71", PEMDA, Status.EXACT),
        ("Kab. Adm. Kep. Seribu", "31.01", PEMDA, Status.EXACT),
        ("Kab. Kepulauan Sangihe", "71.03", PEMDA, Status.EXACT),
        ("Kab. Sangihe", "71.03", PEMDA, Status.NORMALIZED),
        ("Kab. Pangkajene", "73.10", PEMDA, Status.NORMALIZED),
        ("Kota Tidore", "82.72", PEMDA, Status.NORMALIZED),
        ("Kota Bau-Bau", "74.72", PEMDA, Status.EXACT),
        ("Kota Bau Bau", "74.72", PEMDA, Status.EXACT),
        ("Kabupaten Kota Baru", "63.02", PEMDA, Status.EXACT),
    ],
)
def test_confident_resolutions(resolver, text, code, unit, status):
    found = resolver.resolve(text)
    assert (found.code, found.unit, found.status) == (code, unit, status)
    assert found.confident
    assert found.written == text


def test_an_exact_name_beats_a_longer_one_containing_it(resolver):
    assert resolver.resolve("Kab. Bandung").code == "32.04"
    assert resolver.resolve("Riau").code == "14"  # not Kepulauan Riau


@pytest.mark.parametrize(
    ("text", "suggestions"),
    [
        ("Bandung", ("32.04", "32.73")),
        ("Bandung (DPRD)", ("32.04", "32.73")),
        ("Yogyakarta", ("34", "34.71")),
        ("Bandungg", ("32.04", "32.73")),
    ],
)
def test_ambiguous_names_suggest_every_candidate(resolver, text, suggestions):
    found = resolver.resolve(text)
    assert found.status == Status.AMBIGUOUS
    assert found.code is None
    assert not found.confident
    assert set(suggestions) <= set(found.suggestions)


def test_a_name_under_the_wrong_kind_is_only_a_guess(resolver):
    found = resolver.resolve("Kota Brebes")
    assert (found.code, found.status, found.suggestions) == ("33.29", Status.FUZZY, ("33.29",))
    assert not found.confident


def test_misspellings_are_guesses_with_suggestions(resolver):
    found = resolver.resolve("Kab. Brebbes")
    assert (found.code, found.status) == ("33.29", Status.FUZZY)
    assert "33.29" in found.suggestions
    assert not found.confident


@pytest.mark.parametrize("text", ["", "   ", "(DPRD)", "Kabupaten", "Atlantis", "Kab. Xyzzy"])
def test_unknown_names(resolver, text):
    found = resolver.resolve(text)
    assert found.status == Status.UNKNOWN
    assert found.code is None


def test_aliases_win_and_keep_the_unit_from_the_text():
    resolver = Resolver(SMALL, aliases={"Kab. Pangkep": "73.10", "Bandung": "32.73"})
    assert resolver.resolve("KAB PANGKEP") == Resolution(
        "KAB PANGKEP", "73.10", PEMDA, Status.EXACT, ("73.10",)
    )
    assert resolver.resolve("DPRD Kab. Pangkep").unit == DPRD
    assert resolver.resolve("Bandung").code == "32.73"
    assert resolver.resolve("Kab. Bandung").code == "32.04"  # the alias is for the bare name only


def test_an_alias_added_later_applies_at_once():
    resolver = Resolver(SMALL)
    assert resolver.resolve("Pangkep").status == Status.UNKNOWN
    resolver.add_alias("Pangkep", "73.10")
    assert resolver.resolve("Pangkep").code == "73.10"
    with pytest.raises(ValueError, match="unknown region code"):
        resolver.add_alias("Atlantis", "99.99")


def test_an_alias_can_set_the_unit():
    resolver = Resolver(SMALL)
    resolver.add_alias("Kab. Pangkep", "73.10")
    resolver.add_alias("Dewan Brebes", "33.29", DPRD)
    assert resolver.resolve("Dewan Brebes").unit == DPRD
    assert resolver.resolve("Setwan Kab. Pangkep").unit == DPRD  # no unit in the alias: the text's
    assert resolver.resolve("Kab. Pangkep").unit == PEMDA
    with pytest.raises(ValueError, match="unknown unit"):
        resolver.add_alias("X", "73.10", "bupati")


def test_alias_keys_ignore_how_the_kind_and_dprd_are_written():
    assert alias_key("Kab. Pangkep") == alias_key("KABUPATEN  pangkep (DPRD)") == "regency:pangkep"
    assert alias_key("Pangkep") == ":pangkep"
    assert alias_key("Pangkep") != alias_key("Kota Pangkep")


def test_read_splits_unit_kind_and_key():
    assert read("DPRD Kab. Kep. Sangihe") == (DPRD, REGENCY, "kepulauansangihe")
    assert read("Kota Adm. Jakarta Pusat") == (PEMDA, CITY, "jakartapusat")
    assert read("Kota") == (PEMDA, None, "kota")


@pytest.fixture(scope="module")
def real_resolver():
    return Resolver(real_regions())


def test_every_real_region_resolves_from_its_official_and_display_names(real_resolver):
    regions = real_regions()
    assert len(regions) == 552
    for region in regions:
        official = f"PROVINSI {region.name}" if region.kind == PROVINCE else region.name
        assert real_resolver.resolve(official).code == region.code, region
        display = official.replace("KABUPATEN ", "Kab. ").replace("PROVINSI ", "Prov. ").title()
        assert real_resolver.resolve(f"{display} (DPRD)").code == region.code, region


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Kab. Bandung", "32.04"),
        ("Prov. Kepulauan Bangka Belitung", "19"),
        ("Bangka Belitung", "19"),
        ("Papua Barat", "92"),
        ("Papua Barat Daya", "96"),
        ("Sumatra Utara", "12"),
        ("Kota Pematang Siantar", "12.72"),
        ("Kab. Selayar", "73.01"),
        ("Brebes", "33.29"),
        ("Kab. Brebes (DPRD)", "33.29"),
        ("Kota Bandung", "32.73"),
    ],
)
def test_real_names(real_resolver, text, code):
    assert real_resolver.resolve(text).code == code
    assert real_resolver.resolve(text).confident


@pytest.mark.parametrize("text", ["Bandung", "Jambi", "Gorontalo", "Kupang", "Sorong"])
def test_real_bare_names_shared_by_a_regency_and_a_city_are_ambiguous(real_resolver, text):
    found = real_resolver.resolve(text)
    assert found.status == Status.AMBIGUOUS
    assert len(found.suggestions) >= 2


def test_resolving_many_names_is_fast():
    # A sanity bound, not a benchmark: 100,000 writings (no cache) must not take minutes.
    resolver = Resolver(real_regions())
    names = [r.name for r in resolver.regions.values()]
    rng = random.Random(7)
    texts = [f"{rng.choice(names).title()}{rng.choice(['', ' (DPRD)', '  '])}" for _ in range(100_000)]
    started = time.perf_counter()
    for text in texts:
        resolver._resolve(text)
    for i in range(200):  # misses fall back to difflib
        resolver._resolve(f"Kab. Zz{i} {rng.choice(names)}")
    assert time.perf_counter() - started < 30
