"""The demo data `flask seed-demo` loads: topics, rooms, people, and requests in every state.

Everything here is fictitious except the topic taxonomy and the directorates of DJPK.
Emails are the natural keys that make the seed idempotent; so are topic codes, room names,
and each demo request's agenda.
"""

from app.catalog.taxonomy import read_topics

# The one shared password of every demo account. Demo data only: never in production.
DEMO_PASSWORD = "Konsultasi#2026"

# (code, name, description) of DJPK's taxonomy (data/topics.csv, the one `flask setup` loads);
# the order is the order shown to users.
TOPICS = [(t.code, t.name, t.description) for t in read_topics()]

ROOM_FLOOR = "9"
# (name, capacity): on floor 9 of Gedung Radius Prawiro, Jl. Dr. Wahidin Raya No. 1.
ROOMS = [
    ("Ruang Konsultasi 1, Gedung Radius Prawiro", 8),
    ("Ruang Konsultasi 2, Gedung Radius Prawiro", 8),
    ("Ruang Rapat Besar, Gedung Radius Prawiro", 20),
]

# (email, name, role)
STAFF = [
    ("admin@demo.djpk.go.id", "Andi Pratama", "admin"),
    ("koordinator@demo.djpk.go.id", "Sri Wahyuni", "coordinator"),
    ("resepsionis@demo.djpk.go.id", "Dewi Lestari", "receptionist"),
]

_WEEKDAYS = {str(day): [["08:00", "16:00"]] for day in range(5)}
_MORNINGS = {str(day): [["08:00", "12:00"]] for day in range(5)}
_TUE_THU = {"1": [["08:00", "16:00"]], "3": [["08:00", "16:00"]]}

# (n, name, unit, topic codes, working hours in WIB; Monday = "0")
NARASUMBER = [
    (1, "Budi Santoso", "Direktorat Dana Transfer Umum", ["DAU", "DBH"], _WEEKDAYS),
    (2, "Rina Kusumawati", "Direktorat Dana Transfer Umum", ["DBH", "TKD"], _MORNINGS),
    (3, "Agus Setiawan", "Direktorat Dana Transfer Khusus", ["DAK Fisik", "Hibah"], _WEEKDAYS),
    (4, "Lestari Handayani", "Direktorat Dana Transfer Khusus", ["DAK Non Fisik", "Dana Desa"], _TUE_THU),
    (5, "Hendra Gunawan", "Direktorat Pajak Daerah dan Retribusi Daerah", ["PDRD", "SHSR"], _WEEKDAYS),
    (6, "Maya Sari", "Direktorat Pembiayaan dan Kapasitas Daerah", ["Pembiayaan", "JF AKPD"], _WEEKDAYS),
    (
        7,
        "Yusuf Hidayat",
        "Direktorat Evaluasi Pengelolaan dan Informasi Keuangan Daerah",
        ["APBD", "IF", "Lainnya"],
        _MORNINGS,
    ),
    (
        8,
        "Fitri Ramadhani",
        "Direktorat Kapasitas dan Pelaksanaan Transfer",
        ["TKD", "Dana Desa", "IF"],
        _WEEKDAYS,
    ),
]

# (email, name, phone, region code, unit type, active)
PEMDA = [
    ("operator.brebes@demo.go.id", "Rudi Hartono", "081227001122", "33.29", "pemda", True),  # WIB
    ("operator.dprd.balikpapan@demo.go.id", "Nur Aisyah", "081350002233", "64.71", "dprd", True),  # WITA
    ("operator.jayapura@demo.go.id", "Yohanes Wenda", "081344003344", "91.71", "pemda", True),  # WIT
    # Verified but not yet activated: the coordinator's queue is never empty in the demo.
    ("operator.sleman@demo.go.id", "Ayu Puspitasari", "081228004455", "34.04", "pemda", False),
]
BREBES, BALIKPAPAN, JAYAPURA = (p[0] for p in PEMDA[:3])

LETTER_ADDRESSEE = "Direktur Jenderal Perimbangan Keuangan"

# Each demo request: who asks, how, about what, in which state and with which story.
# `day` counts working days from the demo visit's day, the next day the front desk is open
# (negative: in the past; app.seed_clock); `hour` is WIB.
# `path` is the actions that brought it to its state, replayed through the domain's
# transition table so the demo can never hold a state the application would refuse.
REQUESTS = [
    dict(
        owner=BREBES,
        mode="ftf",
        topics=["DAU", "DBH"],
        agenda="Penjelasan perhitungan alokasi DAU dan kurang bayar DBH Kabupaten Brebes tahun anggaran berjalan.",
        day=8,
        hour=9,
        delegation=[
            ("Drs. Slamet Riyadi", "Kepala BPKAD", False),
            ("Endang Susilowati", "Kepala Bidang Anggaran BPKAD", False),
            ("Arif Budiman", "Analis Keuangan Daerah", False),
        ],
        path=[],
    ),
    dict(
        owner=JAYAPURA,
        mode="vc",
        topics=["Dana Desa", "TKD"],
        agenda="Konsultasi syarat salur Dana Desa tahap II dan pelaporan melalui SIMTRADA.",
        day=4,
        hour=10,
        delegation=[
            ("Markus Itlay", "Sekretaris BPKAD", False),
            ("Selfina Rumbiak", "Kepala Subbidang Perbendaharaan", False),
        ],
        path=[],
    ),
    dict(
        owner=BALIKPAPAN,
        mode="ftf",
        topics=["PDRD"],
        agenda="Diskusi rancangan perda pajak daerah dan retribusi daerah sebagai bahan pembahasan di DPRD.",
        day=9,
        hour=13,
        delegation=[
            ("H. Abdul Karim", "Ketua Komisi II DPRD", False),
            ("Sinta Maharani", "Anggota Komisi II DPRD", False),
            ("Bayu Saputra", "Tenaga Ahli Fraksi", False),
            ("Irawati", "Kepala Bagian Persidangan Sekretariat DPRD", False),
        ],
        path=["request_changes"],
        reason="Mohon lampirkan surat permohonan yang ditandatangani Sekretaris DPRD dan lengkapi jabatan setiap anggota delegasi.",
    ),
    dict(
        owner=BALIKPAPAN,
        mode="ftf",
        topics=["APBD", "DBH"],
        agenda="Pendalaman proyeksi pendapatan transfer untuk pembahasan KUA-PPAS di DPRD.",
        day=6,
        hour=10,
        room=0,
        delegation=[
            ("H. Abdul Karim", "Ketua Komisi II DPRD", False),
            ("Rahmat Hidayat", "Anggota Badan Anggaran DPRD", False),
        ],
        path=["approve"],
    ),
    dict(
        owner=JAYAPURA,
        mode="ftf",
        topics=["DAK Fisik", "Hibah"],
        agenda="Koordinasi percepatan kontrak DAK Fisik bidang jalan dan hibah air minum.",
        day=1,  # confirmed already: its confirmation window (two working days before) is open
        hour=9,
        room=1,
        regional_head=True,
        delegation=[
            ("Dr. Yakobus Rumkorem", "Wali Kota Jayapura", True),
            ("Frans Pekey", "Sekretaris Daerah", False),
            ("Yulianus Kogoya", "Kepala Dinas PUPR", False),
        ],
        path=["approve", "confirm"],
    ),
    dict(
        owner=BREBES,
        mode="ftf",
        topics=["DAU", "APBD"],
        agenda="Klarifikasi penyesuaian DAU yang ditentukan penggunaannya dalam APBD Perubahan Kabupaten Brebes.",
        day=0,
        hour=14,
        desk_visit=True,  # the visit to check in: the next time the desk is open (app.seed_clock)
        room=1,
        delegation=[
            ("Drs. Slamet Riyadi", "Kepala BPKAD", False),
            ("Endang Susilowati", "Kepala Bidang Anggaran BPKAD", False),
            ("Hendra Gunawan", "Kepala Bidang Perbendaharaan BPKAD", False),
        ],
        path=["approve", "confirm"],
    ),
    dict(
        owner=BREBES,
        mode="ftf",
        topics=["DAK Non Fisik"],
        agenda="Konsultasi penyaluran BOP PAUD dan tunjangan profesi guru Kabupaten Brebes.",
        day=-12,
        hour=10,
        room=2,
        delegation=[
            ("Tatang Suherman", "Kepala Dinas Pendidikan", False),
            ("Wulan Sari", "Kepala Subbagian Keuangan Dinas Pendidikan", False),
        ],
        path=["approve", "confirm", "mark_held"],
    ),
    dict(
        owner=JAYAPURA,
        mode="vc",
        topics=["IF"],
        agenda="Penjelasan indikator kinerja daerah untuk penilaian Insentif Fiskal.",
        day=-5,
        hour=9,
        delegation=[("Selfina Rumbiak", "Kepala Subbidang Perbendaharaan", False)],
        path=["approve", "mark_no_show"],
    ),
    dict(
        owner=BREBES,
        mode="vc",
        topics=["Pembiayaan"],
        agenda="Rencana pinjaman daerah untuk pembangunan pasar tradisional.",
        day=5,
        hour=14,
        delegation=[("Drs. Slamet Riyadi", "Kepala BPKAD", False)],
        path=["withdraw"],
        reason="Jadwal bertepatan dengan rapat paripurna DPRD; kami akan mengajukan kembali.",
    ),
    dict(
        owner=BALIKPAPAN,
        mode="ftf",
        topics=["Lainnya"],
        agenda="Permohonan narasumber untuk bimbingan teknis berbayar yang diselenggarakan pihak ketiga.",
        day=10,
        hour=9,
        delegation=[("Sinta Maharani", "Anggota Komisi II DPRD", False)],
        path=["reject"],
        reason="DJPK tidak menjadi narasumber kegiatan berbayar pihak ketiga. Konsultasi DJPK tidak dipungut biaya.",
    ),
]

VC_MEETING_URL = "https://teams.microsoft.com/l/meetup-join/demo-konsultasi-djpk"
