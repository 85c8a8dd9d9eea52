"""Reading the cells of a history spreadsheet as people wrote them: mode, date, topics.

Pure functions for `flask import sessions FILE` (CSV or XLSX). Nothing here speaks to the
user: a cell that cannot be read raises ParseError with a Reason code (and the text as
written), which the importer turns into a translated per-row message.

Mode (parse_mode), case, punctuation and spacing ignored, a leading "konsultasi", "rapat",
"via", "melalui" or "secara" too; a cell naming both modes ("hybrid") is ambiguous:
- video conference: VC, video conference/konferensi, videoconference, video conf, vicon,
  vidcon, daring, online, virtual, zoom, (MS/Microsoft) Teams, Google Meet, gmeet;
- tatap muka: tatap muka, TM, FTF, F2F, face to face, luring, offline, kunjungan, audiensi,
  visit, onsite/on site, langsung (as in "datang langsung").

Dates (parse_date): numbers are read day first, as Indonesians write them ("03/04/2023" is
3 April); a year comes first only with four digits ("2023-04-03"); two-digit years are
20YY. Month names and abbreviations in Indonesian or English ("Agustus", "Agt", "Ags",
"Aug", "Mei", "Okt", "Des", "Nopember"...); a leading weekday ("Senin,") and a trailing
time ("10:00", "00:00:00", "pukul 09.30 WIB") are ignored. XLSX cells arrive as
date/datetime, or as an Excel serial number when the cell is not formatted as a date.

Topics (split_topics, TopicMatcher): one cell may hold several topics, separated by
",", ";", "/", "&", "+", "|", line breaks, " dan ", " and " or " serta ", possibly as a
numbered or bulleted list. Names that contain a separator ("Pajak Daerah dan Retribusi
Daerah") are kept whole when the matcher knows them.
"""

import difflib
import enum
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from app.domain.policy import Mode


class Reason(enum.StrEnum):
    EMPTY = "empty"
    MODE_UNKNOWN = "mode_unknown"
    MODE_AMBIGUOUS = "mode_ambiguous"  # names both modes ("hybrid", "kunjungan virtual")
    DATE_UNRECOGNISED = "date_unrecognised"  # not a form of date we read
    DATE_UNKNOWN_MONTH = "date_unknown_month"  # "3 Foo 2023"
    DATE_MISSING_YEAR = "date_missing_year"  # "3 April"
    DATE_INVALID = "date_invalid"  # "31/02/2023", "3/13/2023"
    DATE_MONTH_FIRST = "date_month_first"  # "04/13/2023": looks like the US order
    DATE_OUT_OF_RANGE = "date_out_of_range"  # outside the earliest/latest the caller allows


class ParseError(ValueError):
    def __init__(self, reason: Reason, text: object):
        super().__init__(f"{reason}: {text!r}")
        self.reason = reason
        self.text = text


def _words(text: str) -> str:
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text.casefold()).split())


# ---------------------------------------------------------------------------- mode
_VC_PHRASES = (
    "vc", "video conference", "video konferensi", "videoconference", "video conf", "vicon",
    "vidcon", "daring", "online", "virtual", "zoom", "teams", "google meet", "gmeet",
)  # fmt: skip
_FTF_PHRASES = (
    "tatap muka", "tatapmuka", "tm", "ftf", "f2f", "face to face", "luring", "offline",
    "kunjungan", "audiensi", "visit", "onsite", "on site", "langsung",
)  # fmt: skip
_HYBRID = ("hybrid", "hibrid", "hibrida")
_MODE_FILLER = re.compile(r"^(?:(?:konsultasi|rapat|via|melalui|secara)\s+)+")


def _has_phrase(words: str, phrases: Iterable[str]) -> bool:
    padded = f" {words} "
    return any(f" {phrase} " in padded for phrase in phrases)


def parse_mode(text: str | None) -> Mode:
    """Mode.VC or Mode.FTF from a cell such as "Video Conference", "TM", "Kunjungan"."""
    words = _MODE_FILLER.sub("", _words(text or ""))
    if not words:
        raise ParseError(Reason.EMPTY, text)
    vc, ftf = _has_phrase(words, _VC_PHRASES), _has_phrase(words, _FTF_PHRASES)
    if (vc and ftf) or _has_phrase(words, _HYBRID):
        raise ParseError(Reason.MODE_AMBIGUOUS, text)
    if vc:
        return Mode.VC
    if ftf:
        return Mode.FTF
    raise ParseError(Reason.MODE_UNKNOWN, text)


# ---------------------------------------------------------------------------- dates
_MONTHS = {
    1: "jan januari january",
    2: "feb peb februari pebruari february",
    3: "mar mrt maret march",
    4: "apr april",
    5: "mei may",
    6: "jun juni june",
    7: "jul juli july",
    8: "agu agt ags agus agst agust agustus aug august",
    9: "sep sept september",
    10: "okt oktober oct october",
    11: "nov nop nopember november",
    12: "des desember dec december",
}
MONTH_WORDS = {word: month for month, words in _MONTHS.items() for word in words.split()}
_WEEKDAYS = (
    "senin selasa rabu kamis jumat jum'at sabtu minggu ahad "
    "monday tuesday wednesday thursday friday saturday sunday mon tue wed thu fri sat sun"
)
_LEADING = re.compile(rf"^(?:(?:{'|'.join(_WEEKDAYS.split())}|tanggal|tgl)\b\.?,?\s*)+", re.I)
_TIME = re.compile(
    r"(?:[ T]|,\s*)(?:pukul|jam|pkl\.?)?\s*\d{1,2}[:.]\d{2}(?:[:.]\d{2}(?:\.\d+)?)?"
    r"\s*(?:wib|wita|wit|z|[+-]\d{2}:?\d{2})?$",
    re.I,
)
_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
_NUMERIC = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{2}|\d{4})$")
_DAY_NAME = re.compile(r"^(\d{1,2})(?:[-/.\s]+|(?=[a-z]))([a-z]+)\.?(?:[-/.,\s]+(\d{2}|\d{4}))?$", re.I)
_NAME_DAY = re.compile(r"^([a-z]+)\.?\s+(\d{1,2})(?:,?\s+(\d{2}|\d{4}))?$", re.I)
_EXCEL_EPOCH = date(1899, 12, 30)  # serial 1 = 1900-01-01, counting Excel's phantom 29 Feb 1900


def _year(text: str) -> int:
    return 2000 + int(text) if len(text) == 2 else int(text)


def _build(raw: object, year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise ParseError(Reason.DATE_INVALID, raw) from None


def _parse_text(raw: str) -> date:
    text = _LEADING.sub("", " ".join(raw.split()))
    text = _TIME.sub("", text).strip(" ,")
    if not text:
        raise ParseError(Reason.EMPTY, raw)
    if m := _ISO.match(text):
        return _build(raw, int(m[1]), int(m[2]), int(m[3]))
    if m := _NUMERIC.match(text):
        day, month = int(m[1]), int(m[2])
        if month > 12 and 1 <= day <= 12:
            raise ParseError(Reason.DATE_MONTH_FIRST, raw)
        return _build(raw, _year(m[3]), month, day)
    if m := _DAY_NAME.match(text):
        day, word, year = m[1], m[2], m[3]
    elif m := _NAME_DAY.match(text):
        word, day, year = m[1], m[2], m[3]
    else:
        raise ParseError(Reason.DATE_UNRECOGNISED, raw)
    month = MONTH_WORDS.get(word.casefold())
    if month is None:
        raise ParseError(Reason.DATE_UNKNOWN_MONTH, raw)
    if year is None:
        raise ParseError(Reason.DATE_MISSING_YEAR, raw)
    return _build(raw, _year(year), month, int(day))


def parse_date(value: object, *, earliest: date | None = None, latest: date | None = None) -> date:
    """The date in a cell: text as people write it, a date/datetime, or an Excel serial."""
    if isinstance(value, datetime):
        result = value.date()
    elif isinstance(value, date):
        result = value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        if not 1 <= value < 2958466:  # Excel's own range: 1900-01-01 .. 9999-12-31
            raise ParseError(Reason.DATE_OUT_OF_RANGE, value)
        result = _EXCEL_EPOCH + timedelta(days=int(value))
    elif isinstance(value, str):
        result = _parse_text(value)
    elif value is None:
        raise ParseError(Reason.EMPTY, value)
    else:
        raise ParseError(Reason.DATE_UNRECOGNISED, value)
    if (earliest and result < earliest) or (latest and result > latest):
        raise ParseError(Reason.DATE_OUT_OF_RANGE, value)
    return result


# ---------------------------------------------------------------------------- topics
_SEPARATORS = re.compile(r"\s*(?:[,;/&+|\n\r]|\b(?:dan|and|serta)\b)\s*", re.I)
_LIST_MARKER = re.compile(r"^\s*(?:[-*\u2022\u2013]+|\(?\d{1,2}[.)])\s*")


def split_topics(text: str | None, keep: Iterable[str] = ()) -> list[str]:
    """The topics written in one cell, in order, as written ("DBH dan DAU" -> ["DBH", "DAU"]).

    A phrase in `keep` that appears in the cell (case and spacing ignored) stays whole even
    when it contains a separator; longer phrases are protected first.
    """
    if not text:
        return []
    lines = [_LIST_MARKER.sub("", line) for line in text.splitlines()]
    text = "\n".join(lines)
    protected: list[str] = []
    for phrase in sorted({p for p in keep if _SEPARATORS.search(p)}, key=len, reverse=True):
        pattern = r"\s+".join(re.escape(word) for word in phrase.split())
        pattern = rf"(?<![0-9a-z]){pattern}(?![0-9a-z])"

        def hold(match: re.Match[str]) -> str:
            protected.append(match[0])
            return f"\x00{len(protected) - 1}\x00"

        text = re.sub(pattern, hold, text, flags=re.I)
    parts = []
    for part in _SEPARATORS.split(text):
        part = re.sub(r"\x00(\d+)\x00", lambda m: protected[int(m[1])], part)
        part = " ".join(part.split()).strip(" .-")
        if part:
            parts.append(part)
    return parts


# Writings of the seeded topics (app/seed_data.py) found in DJPK's spreadsheets, besides the
# topic's code and name. Keys are topic codes; the importer adds them to the taxonomy's own.
DEFAULT_TOPIC_ALIASES: dict[str, tuple[str, ...]] = {
    "DAK Fisik": ("DAK F", "Dana Alokasi Khusus Fisik"),
    "DAK Non Fisik": ("DAK NF", "DAK Nonfisik", "Dana Alokasi Khusus Non Fisik"),
    "Dana Desa": ("DD",),
    "IF": ("DID", "Dana Insentif Daerah", "Insentif Fiskal"),
    "Hibah": ("Hibah Daerah",),
    "PDRD": ("Pajak Daerah", "Retribusi Daerah", "Pajak dan Retribusi Daerah", "Opsen Pajak"),
    "Pembiayaan": ("Pinjaman Daerah", "Pembiayaan Daerah", "Pembiayaan/Pinjaman Daerah", "Obligasi Daerah"),
    "TKD": ("Transfer", "TKD/Transfer", "TDF", "Treasury Deposit Facility", "SIMTRADA"),
    "JF AKPD": ("AKPD", "JF Analis Keuangan Pusat dan Daerah"),
    "Lainnya": ("Lain-lain", "Lain lain", "Others", "Umum"),
}


@dataclass(frozen=True)
class TopicEntry:
    code: str
    name: str
    aliases: Sequence[str] = ()


@dataclass(frozen=True)
class TopicMatch:
    written: str
    code: str | None  # None: not recognised; see suggestions
    suggestions: tuple[str, ...] = field(default=())


def _key(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", text.casefold())


class TopicMatcher:
    """Maps topics as written to taxonomy codes: by code, name or alias, ignoring case,
    spacing and punctuation ("dak-fisik", "Dana Alokasi Umum", "dau")."""

    def __init__(self, entries: Iterable[TopicEntry]):
        self._codes: dict[str, str] = {}
        self._phrases: list[str] = []
        for entry in entries:
            for writing in (entry.code, entry.name, *entry.aliases):
                key = _key(writing)
                if key and self._codes.setdefault(key, entry.code) != entry.code:
                    raise ValueError(f"{writing!r} names two topics")
                self._phrases.append(writing)

    def match(self, written: str) -> TopicMatch:
        key = _key(written)
        if code := self._codes.get(key):
            return TopicMatch(written, code)
        guesses = [code for k, code in self._codes.items() if key and k.startswith(key)]
        guesses += [self._codes[k] for k in difflib.get_close_matches(key, self._codes, n=5, cutoff=0.75)]
        return TopicMatch(written, None, tuple(dict.fromkeys(guesses)))

    def match_cell(self, text: str | None) -> list[TopicMatch]:
        """Every topic of a cell, each code once, in the order written."""
        seen: set[str] = set()
        matches = []
        for part in split_topics(text, keep=self._phrases):
            found = self.match(part)
            if found.code is None or found.code not in seen:
                matches.append(found)
                seen.add(found.code or "")
        return matches
