"""Reading mode, date and topic cells of history spreadsheets as people wrote them."""

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.history_parsing import (
    DEFAULT_TOPIC_ALIASES,
    MONTH_WORDS,
    ParseError,
    Reason,
    TopicEntry,
    TopicMatch,
    TopicMatcher,
    parse_date,
    parse_mode,
    split_topics,
)
from app.domain.policy import Mode
from app.seed_data import TOPICS
from tests.domain.strategies import DOMAIN_SETTINGS

APRIL_3 = date(2023, 4, 3)


@pytest.mark.parametrize(
    "text",
    ["VC", "vc", "Video Conference", "VIDEO CONFERENCE", "video conf", "Video Konferensi", "Vicon",
     "zoom", "Zoom Meeting", "MS Teams", "Microsoft Teams", "daring", "Online", "Konsultasi Daring",
     "via Zoom", "video-conference", "Videoconference"],
)  # fmt: skip
def test_video_conference_writings(text):
    assert parse_mode(text) == Mode.VC


@pytest.mark.parametrize(
    "text",
    ["Tatap Muka", "tatap  muka", "TM", "tm", "FTF", "offline", "Luring", "kunjungan", "Kunjungan Kerja",
     "Konsultasi Tatap Muka", "Audiensi", "face to face", "datang langsung", "Tatap Muka (Kunjungan)"],
)  # fmt: skip
def test_face_to_face_writings(text):
    assert parse_mode(text) == Mode.FTF


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", Reason.EMPTY),
        (None, Reason.EMPTY),
        ("  - ", Reason.EMPTY),
        ("Konsultasi", Reason.MODE_UNKNOWN),
        ("telepon", Reason.MODE_UNKNOWN),
        ("TMX", Reason.MODE_UNKNOWN),
        ("hybrid", Reason.MODE_AMBIGUOUS),
        ("kunjungan virtual", Reason.MODE_AMBIGUOUS),
        ("VC / Tatap Muka", Reason.MODE_AMBIGUOUS),
    ],
)
def test_unreadable_modes_say_why(text, reason):
    with pytest.raises(ParseError) as caught:
        parse_mode(text)
    assert caught.value.reason == reason
    assert caught.value.text == text


@pytest.mark.parametrize(
    "text",
    ["3-Apr-23", "3 April 2023", "03/04/2023", "2023-04-03", "3-Apr-2023", "3/4/23", "03.04.2023",
     "3 april 2023", " 3  April  2023 ", "03-04-2023", "2023/4/3", "3 Apr. 2023", "3April 2023",
     "April 3, 2023", "Apr 3 2023", "Senin, 3 April 2023", "Monday, 3 April 2023", "tgl. 3 April 2023",
     "2023-04-03 00:00:00", "2023-04-03T09:30:00+07:00", "3 April 2023 pukul 09.30 WIB",
     "03/04/2023 10:00"],
)  # fmt: skip
def test_dates_as_people_write_them(text):
    assert parse_date(text) == APRIL_3


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("17 Agustus 2023", date(2023, 8, 17)),
        ("17-Agt-23", date(2023, 8, 17)),
        ("17 Ags 2023", date(2023, 8, 17)),
        ("17 Aug 2023", date(2023, 8, 17)),
        ("1 Mei 2023", date(2023, 5, 1)),
        ("2-Okt-23", date(2023, 10, 2)),
        ("25 Des 2023", date(2023, 12, 25)),
        ("10 Nopember 2022", date(2022, 11, 10)),
        ("14 Pebruari 2024", date(2024, 2, 14)),
        ("29/02/2024", date(2024, 2, 29)),
        ("Jum'at, 7 Juli 2023", date(2023, 7, 7)),
        ("31/12/99", date(2099, 12, 31)),
    ],
)
def test_month_names_and_abbreviations(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", Reason.EMPTY),
        ("  ", Reason.EMPTY),
        ("31/02/2023", Reason.DATE_INVALID),
        ("29/02/2023", Reason.DATE_INVALID),
        ("0/4/2023", Reason.DATE_INVALID),
        ("13/13/2023", Reason.DATE_INVALID),
        ("3/13/2023", Reason.DATE_MONTH_FIRST),
        ("2023-13-01", Reason.DATE_INVALID),
        ("04/13/2023", Reason.DATE_MONTH_FIRST),
        ("3 Foo 2023", Reason.DATE_UNKNOWN_MONTH),
        ("3 April", Reason.DATE_MISSING_YEAR),
        ("April 2023", Reason.DATE_UNRECOGNISED),
        ("3/4", Reason.DATE_UNRECOGNISED),
        ("3/4/2", Reason.DATE_UNRECOGNISED),
        ("3/4/202", Reason.DATE_UNRECOGNISED),
        ("3-4 April 2023", Reason.DATE_UNRECOGNISED),
        ("kemarin", Reason.DATE_UNRECOGNISED),
        ("45019", Reason.DATE_UNRECOGNISED),
    ],
)
def test_garbage_dates_say_why(text, reason):
    with pytest.raises(ParseError) as caught:
        parse_date(text)
    assert caught.value.reason == reason


def test_xlsx_cells_arrive_as_dates_datetimes_or_serials():
    assert parse_date(APRIL_3) == APRIL_3
    assert parse_date(datetime(2023, 4, 3, 23, 59)) == APRIL_3
    assert parse_date(45019) == APRIL_3  # Excel's serial for 2023-04-03
    assert parse_date(45019.75) == APRIL_3
    for bad in (0, -1, 3_000_000):
        with pytest.raises(ParseError) as caught:
            parse_date(bad)
        assert caught.value.reason == Reason.DATE_OUT_OF_RANGE
    for bad, reason in (
        (None, Reason.EMPTY),
        (True, Reason.DATE_UNRECOGNISED),
        ([], Reason.DATE_UNRECOGNISED),
    ):
        with pytest.raises(ParseError) as caught:
            parse_date(bad)
        assert caught.value.reason == reason


def test_earliest_and_latest_bound_the_dates_accepted():
    assert parse_date("3/4/23", earliest=APRIL_3, latest=APRIL_3) == APRIL_3
    for kwargs in ({"earliest": APRIL_3 + timedelta(days=1)}, {"latest": APRIL_3 - timedelta(days=1)}):
        with pytest.raises(ParseError) as caught:
            parse_date("3/4/23", **kwargs)
        assert caught.value.reason == Reason.DATE_OUT_OF_RANGE


def test_every_month_word_names_a_month():
    assert set(MONTH_WORDS.values()) == set(range(1, 13))


@given(
    st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)), st.sampled_from(sorted(MONTH_WORDS))
)
@DOMAIN_SETTINGS
def test_written_forms_read_back_the_same_date(day, word):
    expected = day
    assert parse_date(day.isoformat()) == expected
    assert parse_date(f"{day.day:02d}/{day.month:02d}/{day.year}") == expected
    assert parse_date(f"{day.day}/{day.month}/{day.year % 100:02d}") == expected
    assert parse_date(f"{day:%d-%b-%y}") == expected
    if MONTH_WORDS[word] == day.month:
        assert parse_date(f"{day.day} {word.title()} {day.year}") == expected


# ---------------------------------------------------------------------------- topics
@pytest.mark.parametrize(
    "text",
    ["DBH dan DAU", "DAU, DBH", "DAU/DBH", "DAU & DBH", "DAU; DBH", "DAU + DBH", "DAU and DBH", "DAU serta DBH",
     "DAU,DBH", "DAU\nDBH", "1. DAU\n2. DBH", "- DAU\n- DBH", "DAU | DBH", "DAU,, DBH,"],
)  # fmt: skip
def test_split_topics_finds_two(text):
    assert sorted(split_topics(text)) == ["DAU", "DBH"]


def test_split_topics_keeps_order_and_writing():
    assert split_topics("DBH dan  dana desa") == ["DBH", "dana desa"]
    assert split_topics("") == []
    assert split_topics(None) == []
    assert split_topics("Lain-lain") == ["Lain-lain"]
    assert split_topics("Dandanan") == ["Dandanan"]  # "dan" only as a word


def test_split_topics_keeps_known_phrases_whole():
    keep = ["Pajak Daerah dan Retribusi Daerah", "Pembiayaan/Pinjaman Daerah"]
    assert split_topics("pajak daerah dan  retribusi daerah dan DAU", keep) == [
        "pajak daerah dan retribusi daerah",
        "DAU",
    ]
    assert split_topics("DAU, Pembiayaan/Pinjaman Daerah", keep) == ["DAU", "Pembiayaan/Pinjaman Daerah"]


@pytest.fixture(scope="module")
def matcher():
    return TopicMatcher(TopicEntry(c, n, DEFAULT_TOPIC_ALIASES.get(c, ())) for c, n, _d in TOPICS)


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("DAU", "DAU"),
        ("dau", "DAU"),
        ("Dana Alokasi Umum", "DAU"),
        ("DANA ALOKASI  UMUM", "DAU"),
        ("DAK fisik", "DAK Fisik"),
        ("DAK_FISIK", "DAK Fisik"),
        ("dak-non-fisik", "DAK Non Fisik"),
        ("DAK Nonfisik", "DAK Non Fisik"),
        ("Dana Alokasi Khusus Non Fisik", "DAK Non Fisik"),
        ("Insentif Fiskal", "IF"),
        ("DID", "IF"),
        ("Pinjaman Daerah", "Pembiayaan"),
        ("TDF", "TKD"),
        ("SIMTRADA", "TKD"),
        ("JF AKPD", "JF AKPD"),
        ("lain-lain", "Lainnya"),
    ],
)
def test_topics_by_code_name_or_alias(matcher, written, code):
    assert matcher.match(written) == TopicMatch(written, code)


def test_every_seeded_topic_matches_its_code_and_name(matcher):
    for code, name, _description in TOPICS:
        assert matcher.match(code).code == code
        assert matcher.match(name).code == code


def test_unknown_topics_come_with_suggestions(matcher):
    dak = matcher.match("DAK")
    assert dak.code is None
    assert set(dak.suggestions) == {"DAK Fisik", "DAK Non Fisik"}
    assert matcher.match("Dana Bagi Hasl").suggestions == ("DBH",)
    assert matcher.match("cuaca") == TopicMatch("cuaca", None, ())


def test_a_cell_maps_to_codes_once_each_in_order(matcher):
    codes = [m.code for m in matcher.match_cell("DBH dan DAU, dana alokasi umum")]
    assert codes == ["DBH", "DAU"]
    cell = matcher.match_cell("Pajak Daerah dan Retribusi Daerah dan Pembiayaan dan Pinjaman Daerah; DAK")
    assert [(m.written, m.code) for m in cell] == [
        ("Pajak Daerah dan Retribusi Daerah", "PDRD"),
        ("Pembiayaan dan Pinjaman Daerah", "Pembiayaan"),
        ("DAK", None),
    ]


def test_a_writing_naming_two_topics_is_refused():
    with pytest.raises(ValueError, match="names two topics"):
        TopicMatcher([TopicEntry("A", "Alpha"), TopicEntry("B", "Beta", aliases=("alpha",))])
