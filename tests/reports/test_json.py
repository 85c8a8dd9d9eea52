"""The report's JSON with exact figures for the April 2023 fixture (see conftest.py)."""

from app.reports.build import build_report
from tests.reports.conftest import APRIL


def test_counts_tables_and_top_topics(app, april):
    data = build_report(APRIL).to_json()
    assert data["month"] == "2023-04"
    vc, ftf = data["video_conference"], data["face_to_face"]
    assert vc["count"] == 5
    assert vc["top_topics"] == ["DAU", "DBH"]  # tied at 3
    assert vc["topic_counts"] == [{"code": "DAU", "count": 3}, {"code": "DBH", "count": 3}]
    assert (vc["cancelled"], vc["no_show"]) == (0, 1)
    assert vc["sessions"] == [
        {"no": 1, "service_user": "Kota Jayapura", "date": "2023-04-01", "topics": ["DBH"]},
        {"no": 2, "service_user": "Kab. Brebes", "date": "2023-04-03", "topics": ["DAU", "DBH"]},
        {"no": 3, "service_user": "Kota Balikpapan", "date": "2023-04-05", "topics": ["DBH"]},
        {"no": 4, "service_user": "Kab. Brebes", "date": "2023-04-12", "topics": ["DAU"]},
        {"no": 5, "service_user": "Kab. Brebes (DPRD)", "date": "2023-04-30", "topics": ["DAU"]},
    ]
    assert ftf["count"] == 2
    assert ftf["top_topics"] == ["PDRD"]
    assert (ftf["cancelled"], ftf["no_show"]) == (1, 0)
    assert ftf["sessions"] == [
        {"no": 1, "service_user": "Kab. Brebes (DPRD)", "date": "2023-04-10", "topics": ["PDRD"]},
        {"no": 2, "service_user": "Prov. Jawa Tengah", "date": "2023-04-20", "topics": ["PDRD", "APBD"]},
    ]


def test_comparisons_and_trend(app, april):
    data = build_report(APRIL).to_json()
    vc, ftf = data["video_conference"], data["face_to_face"]
    assert (vc["previous_month"], vc["same_month_last_year"]) == (2, 1)
    assert vc["change_previous_month"] == "meningkat 150,00%"
    assert vc["change_same_month_last_year"] == "meningkat 400,00%"
    assert (ftf["previous_month"], ftf["same_month_last_year"]) == (0, 1)
    assert ftf["change_previous_month"] == "meningkat dari 0 menjadi 2"
    assert ftf["change_same_month_last_year"] == "meningkat 100,00%"
    assert data["trend"] == [
        {"month": "2022-11", "video_conference": 0, "face_to_face": 0},
        {"month": "2022-12", "video_conference": 0, "face_to_face": 0},
        {"month": "2023-01", "video_conference": 0, "face_to_face": 0},
        {"month": "2023-02", "video_conference": 0, "face_to_face": 0},
        {"month": "2023-03", "video_conference": 2, "face_to_face": 0},
        {"month": "2023-04", "video_conference": 5, "face_to_face": 2},
    ]


def test_breaches_users_and_satisfaction(app, april):
    data = build_report(APRIL).to_json()
    assert data["breaches"] == {
        "total": 4,
        "by_type": [
            {"code": "guests_over_limit", "label": "Jumlah tamu melebihi batas", "count": 2},
            {"code": "other", "label": "Pelanggaran lainnya", "count": 1},
            {"code": "walk_in", "label": "Datang tanpa jadwal atau tanpa surat", "count": 1},
        ],
        "by_pemda": [
            {"service_user": "Kab. Brebes", "count": 2},
            {"service_user": "Kab. Brebes (DPRD)", "count": 1},
            {"service_user": "Kota Balikpapan", "count": 1},
        ],
    }
    assert data["top_service_users"] == [
        {"service_user": "Kab. Brebes", "count": 2},
        {"service_user": "Kab. Brebes (DPRD)", "count": 2},
    ]
    assert data["satisfaction"] == {"ratings": 2, "raters": 2, "service": 4.5, "substance": 3.5}


def test_summary_sentences(app, april):
    summary = build_report(APRIL).to_json()["summary"]
    assert summary == [
        "Selama bulan April 2023 telah dilaksanakan Video Conference sebanyak 5 kali dengan topik terbanyak"
        " DAU dan DBH.",
        "Jumlah Video Conference pada bulan April 2023 sebanyak 5 kali, meningkat 150,00% dibandingkan bulan"
        " Maret 2023 (2 kali) dan meningkat 400,00% dibandingkan bulan April 2022 (1 kali).",
        "Selama bulan April 2023 telah dilaksanakan Konsultasi Tatap Muka sebanyak 2 kali dengan topik"
        " terbanyak PDRD.",
        "Jumlah Konsultasi Tatap Muka pada bulan April 2023 sebanyak 2 kali, meningkat dari 0 kali pada bulan"
        " Maret 2023 dan meningkat 100,00% dibandingkan bulan April 2022 (1 kali).",
        "Selain itu, 1 sesi dibatalkan dan 1 sesi tidak dihadiri Pemda; sesi tersebut tidak dihitung sebagai"
        " konsultasi terlaksana.",
        "Pengguna layanan yang paling banyak berkonsultasi adalah Kab. Brebes dan Kab. Brebes (DPRD)"
        " (masing-masing 2 kali).",
        "Tercatat 4 pelanggaran ketentuan layanan konsultasi, terbanyak berupa Jumlah tamu melebihi batas"
        " (2 kali).",
        "Rata-rata nilai kepuasan atas pelayanan 4,50 dan atas substansi jawaban 3,50 (skala 1-5, dari 2"
        " penilaian).",
    ]


def test_before_the_data_starts_no_comparison(app, april):
    from datetime import date

    data = build_report(date(2022, 4, 1)).to_json()
    assert data["video_conference"]["count"] == 1
    assert data["video_conference"]["previous_month"] is None
    assert data["video_conference"]["change_same_month_last_year"] is None
    assert data["summary"][1] == "Jumlah Video Conference pada bulan April 2022 sebanyak 1 kali."


def test_an_empty_month(app, builder):
    from datetime import date

    data = build_report(date(2023, 4, 1)).to_json()
    assert data["video_conference"]["count"] == 0
    assert data["video_conference"]["top_topics"] == []
    assert data["breaches"]["total"] == 0
    assert data["summary"][0] == "Selama bulan April 2023 tidak ada Video Conference yang dilaksanakan."
