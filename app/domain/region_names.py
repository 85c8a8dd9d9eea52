"""Region names as people write them, resolved against the canonical list (idn-area-data).

A service user in a history spreadsheet reads "Kab. Brebes", "KABUPATEN BREBES", "Pemkab
Brebes", "Brebes (DPRD)", "DPRD Kab Brebes", "Prov. Kep. Riau", "Jabar"... Resolver.resolve()
returns a Resolution (a code, the unit, how sure it is, suggestions); it says nothing to the
user, so the importer words (and translates) the message.

How a text is read (case, punctuation and spacing ignored, so "Bau-Bau" is "Baubau"):
- "DPRD" anywhere (also "Sekretariat DPRD", "Setwan") makes the unit the regional parliament;
- a kind prefix: "Kab."/"Kab"/"Kabupaten"/"Pemkab", "Kota"/"Pemkot", "Prov."/"Provinsi"/
  "Propinsi"/"Pemprov", "Pemerintah (Daerah) ..."; "Adm."/"Administrasi" (Jakarta) and a
  leading office of the Pemda ("BPKAD", "Bappeda", "Setda"...) are ignored;
- "Kep." means "Kepulauan"; a name missing "Kepulauan" ("Kab. Sangihe", "Kota Tidore") and the
  usual short names of provinces ("Jabar", "NTT", "DIY") are accepted as NORMALIZED.
alias_key() is the normalised form an alias is stored under (RegionAlias.alias_key).
Tiers, first hit wins: an alias; the name itself (EXACT; a bare name without a kind only if
one region has it, else AMBIGUOUS); the variants above (NORMALIZED); the name under another
kind ("Kota Brebes": FUZZY); difflib (FUZZY when one candidate is close, else UNKNOWN). So an
exact name beats a longer one that contains it: "Kab. Bandung" never means Bandung Barat, and
"Riau" is the province of Riau, not Kepulauan Riau. Only EXACT and NORMALIZED are confident.
"""

import difflib
import enum
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

PROVINCE, REGENCY, CITY = "province", "regency", "city"
PEMDA, DPRD = "pemda", "dprd"


class Status(enum.StrEnum):
    EXACT = "exact"
    NORMALIZED = "normalized"
    FUZZY = "fuzzy"  # a best guess in `code`, to be confirmed
    AMBIGUOUS = "ambiguous"  # several regions fit; see suggestions
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class CanonicalRegion:
    code: str  # "33.29"
    name: str  # "Brebes"; an official "KABUPATEN BREBES" works too (the prefix is dropped)
    kind: str  # PROVINCE, REGENCY or CITY


@dataclass(frozen=True)
class Resolution:
    written: str
    code: str | None
    unit: str  # PEMDA or DPRD
    status: Status
    suggestions: tuple[str, ...] = field(default=())  # region codes, best first

    @property
    def confident(self) -> bool:
        return self.status in (Status.EXACT, Status.NORMALIZED)


# Leading words -> kind (None: says nothing about the kind). Longest first.
_PREFIXES = [
    (words.split(), kind)
    for words, kind in (
        ("pemerintah daerah", None),
        ("pemerintah kabupaten", REGENCY),
        ("pemerintah kota", CITY),
        ("pemerintah provinsi", PROVINCE),
        ("pemerintah propinsi", PROVINCE),
        ("pemerintah", None),
        ("pemda", None),
        ("pemkab", REGENCY),
        ("pemkot", CITY),
        ("pemprov", PROVINCE),
        ("pemprop", PROVINCE),
        ("kabupaten", REGENCY),
        ("kab", REGENCY),
        ("kota", CITY),
        ("provinsi", PROVINCE),
        ("propinsi", PROVINCE),
        ("prov", PROVINCE),
        ("prop", PROVINCE),
        ("administrasi", None),
        ("adm", None),
        # Offices of a Pemda: the consultation is still the Pemda's.
        ("sekretariat daerah", None),
        ("setda", None),
        ("bpkad", None),
        ("bpkd", None),
        ("bppkad", None),
        ("dppkad", None),
        ("bappeda", None),
        ("bapenda", None),
        ("bpprd", None),
        ("inspektorat", None),
    )
]
_TOKEN_FIX = {"kep": "kepulauan", "kepl": "kepulauan", "sumatra": "sumatera"}
_DPRD = re.compile(r"\b(?:sekretariat dprd|setwan|sekwan|dprd)\b")
_MISSING_WORDS = ("dan kepulauan", "kepulauan")
# Other names of provinces, by code (NORMALIZED; "jakarta" and "yogyakarta" are EXACT).
PROVINCE_NAMES: dict[str, tuple[str, ...]] = {
    "12": ("sumut",), "13": ("sumbar",), "16": ("sumsel",), "19": ("babel",),
    "21": ("kepri",), "32": ("jabar",), "33": ("jateng",), "35": ("jatim",), "36": ("banten",),
    "34": ("diy", "di yogyakarta"), "31": ("dki", "daerah khusus ibukota jakarta"),
    "52": ("ntb",), "53": ("ntt",), "61": ("kalbar",), "62": ("kalteng",), "63": ("kalsel",),
    "64": ("kaltim",), "65": ("kaltara",), "71": ("sulut",), "72": ("sulteng",),
    "73": ("sulsel",), "74": ("sultra",), "76": ("sulbar",), "82": ("malut",), "92": ("pabar",),
}  # fmt: skip
_PROVINCE_EXACT = {"31": "jakarta", "34": "yogyakarta"}


def _tokens(text: str) -> list[str]:
    words = re.sub(r"[^0-9a-z]+", " ", text.casefold()).split()
    return [fixed for w in words if (fixed := _TOKEN_FIX.get(w, w))]


def _strip_prefixes(tokens: list[str]) -> tuple[str | None, list[str]]:
    """The kind the leading words name, and the words after them. One kind word at most:
    "Kabupaten Kota Baru" is the regency "Kota Baru"."""
    kind = None
    changed = True
    while changed:
        changed = False
        for prefix, prefix_kind in _PREFIXES:
            if (
                tokens[: len(prefix)] == prefix
                and len(tokens) > len(prefix)
                and (prefix_kind is None or kind is None)
            ):
                tokens = tokens[len(prefix) :]
                kind = prefix_kind or kind
                changed = True
                break
    return kind, tokens


def read(text: str) -> tuple[str, str | None, str]:
    """(unit, kind or None, key) of a name as written; the key ignores case and spacing."""
    words = " ".join(_tokens(text))
    unit = DPRD if _DPRD.search(words) else PEMDA
    kind, tokens = _strip_prefixes(_DPRD.sub(" ", words).split())
    return unit, kind, "".join(tokens)


def alias_key(written: str) -> str:
    """The normalised form an alias is stored and looked up under ("regency:brebes"): the
    same for every writing that differs only in case, punctuation, spacing, "Kab."/"Kabupaten"
    or a DPRD marker."""
    _unit, kind, key = read(written)
    return f"{kind or ''}:{key}"


class Resolver:
    """Resolves names against `regions`; `aliases` maps a name as written to a region code
    (add_alias() also sets the unit)."""

    def __init__(self, regions: Iterable[CanonicalRegion], aliases: Mapping[str, str] | None = None):
        self.regions = {r.code: r for r in regions}
        self._exact: dict[tuple[str | None, str], set[str]] = {}
        self._variant: dict[tuple[str | None, str], set[str]] = {}
        self._aliases: dict[str, tuple[str, str | None]] = {}
        for region in self.regions.values():
            tokens = _strip_prefixes(_tokens(region.name))[1]
            self._add(self._exact, region, "".join(tokens))
            for words in _MISSING_WORDS:
                shorter = " ".join(tokens).replace(words, " ").split()
                if shorter and shorter != tokens:
                    self._add(self._variant, region, "".join(shorter))
            if region.kind == PROVINCE:
                if other := _PROVINCE_EXACT.get(region.code):
                    self._add(self._exact, region, other)
                for other in PROVINCE_NAMES.get(region.code, ()):
                    self._add(self._variant, region, "".join(_tokens(other)))
        self._fuzzy_keys = {
            kind: sorted(k for (c, k) in self._exact if c == kind) for kind in (None, PROVINCE, REGENCY, CITY)
        }
        for written, code in (aliases or {}).items():
            self.add_alias(written, code)
        self._cache: dict[str, Resolution] = {}

    @staticmethod
    def _add(index: dict, region: CanonicalRegion, key: str) -> None:
        index.setdefault((region.kind, key), set()).add(region.code)
        index.setdefault((None, key), set()).add(region.code)

    def add_alias(self, written: str, code: str, unit: str | None = None) -> None:
        """Read `written` as region `code` from now on. The unit is `unit` when given (for
        every writing with the same alias_key), else what each text says ("DPRD ...")."""
        if code not in self.regions:
            raise ValueError(f"unknown region code {code!r}")
        if unit not in (None, PEMDA, DPRD):
            raise ValueError(f"unknown unit {unit!r}")
        self._aliases[alias_key(written)] = (code, unit)
        self._cache = {}

    def resolve(self, text: str) -> Resolution:
        found = self._cache.get(text)
        if found is None:
            found = self._resolve(text)
            if len(self._cache) < 100_000:
                self._cache[text] = found
        return found

    def _resolve(self, text: str) -> Resolution:
        unit, kind, key = read(text or "")

        def result(status: Status, codes: Iterable[str] = (), code: str | None = None) -> Resolution:
            return Resolution(text, code, unit, status, tuple(sorted(codes)))

        if not key:
            return result(Status.UNKNOWN)
        if alias := self._aliases.get(f"{kind or ''}:{key}"):  # as alias_key() builds it
            code, alias_unit = alias
            return Resolution(text, code, alias_unit or unit, Status.EXACT, (code,))
        for index, status in ((self._exact, Status.EXACT), (self._variant, Status.NORMALIZED)):
            codes = index.get((kind, key))
            if codes and len(codes) == 1:
                (code,) = codes
                return result(status, codes, code)
            if codes:
                return result(Status.AMBIGUOUS, codes)
        if kind is not None:  # "Kota Brebes": no such city, but a Kab. Brebes
            codes = self._exact.get((None, key)) or self._variant.get((None, key))
            if codes:
                return result(Status.FUZZY, codes, min(codes) if len(codes) == 1 else None)
        return self._guess(text, unit, kind, key)

    def _guess(self, text: str, unit: str, kind: str | None, key: str) -> Resolution:
        keys = self._fuzzy_keys[kind]
        close = difflib.get_close_matches(key, keys, n=5, cutoff=0.75)
        codes = list(dict.fromkeys(c for k in close for c in sorted(self._exact[(kind, k)])))
        if close:
            best = difflib.SequenceMatcher(None, key, close[0]).ratio()
            runner_up = difflib.SequenceMatcher(None, key, close[1]).ratio() if len(close) > 1 else 0
            if best >= 0.85 and best - runner_up >= 0.05:
                if len(self._exact[(kind, close[0])]) > 1:  # "Bandungg"
                    return Resolution(text, None, unit, Status.AMBIGUOUS, tuple(codes))
                return Resolution(text, codes[0], unit, Status.FUZZY, tuple(codes))
        return Resolution(text, None, unit, Status.UNKNOWN, tuple(codes))
