"""Indonesian labels of the audited actions, grouped for the audit page's action filter
(security events first). An action missing here is shown as written."""

from flask_babel import lazy_gettext as _l

from app.requests.labels import ACTION_LABELS as REQUEST_LABELS

SECURITY_PREFIXES = ("auth.", "security.")

ACTION_GROUPS = [
    (
        _l("Peristiwa keamanan"),
        {
            "auth.login": _l("Masuk"),
            "auth.login_failed": _l("Gagal masuk"),
            "auth.logout": _l("Keluar"),
            "auth.session_ended": _l("Sesi berakhir"),
            "security.lockout": _l("Akun dikunci sementara"),
            "security.forbidden": _l("Akses ditolak"),
            "security.export": _l("Data pribadi diunduh"),
            "security.role_change": _l("Peran diubah"),
            "auth.password_change": _l("Kata sandi diubah"),
            "auth.password_reset": _l("Kata sandi diatur ulang"),
            "security.mfa_enrolled": _l("Verifikasi dua langkah diaktifkan"),
            "security.mfa_disabled": _l("Verifikasi dua langkah dinonaktifkan"),
            "security.mfa_failed": _l("Kode verifikasi dua langkah salah"),
            "security.mfa_reset": _l("Verifikasi dua langkah diatur ulang administrator"),
            "security.recovery_code_used": _l("Kode pemulihan dipakai"),
            "security.reauth": _l("Kata sandi dikonfirmasi ulang"),
            "auth.register": _l("Pendaftaran akun"),
            "auth.verify_email": _l("Email diverifikasi"),
            "auth.locale_change": _l("Bahasa diubah"),
        },
    ),
    (
        _l("Akun"),
        {
            "user.create": _l("Akun staf dibuat"),
            "user.update": _l("Akun diubah"),
            "user.activate": _l("Pendaftaran diaktifkan"),
            "user.reject": _l("Pendaftaran ditolak"),
            "user.deactivate": _l("Akun dinonaktifkan"),
            "user.reactivate": _l("Akun diaktifkan kembali"),
        },
    ),
    (
        _l("Permohonan dan sesi"),
        {
            **REQUEST_LABELS,
            "request.unconfirmed": _l("Kehadiran belum dikonfirmasi"),
            "assignment.accept": _l("Penugasan diterima narasumber"),
            "assignment.decline": _l("Penugasan ditolak narasumber"),
            "assignment.replace": _l("Narasumber diganti"),
            "satisfaction.rate": _l("Penilaian kepuasan"),
        },
    ),
    (
        _l("Kunjungan dan pelanggaran"),
        {
            "visit.check_in": _l("Tamu check-in"),
            "visit.check_out": _l("Tamu check-out"),
            "visit.walk_in": _l("Kunjungan tanpa jadwal"),
            "visit.correct": _l("Kunjungan dikoreksi"),
            "breach.record": _l("Pelanggaran dicatat"),
            "breach.void": _l("Pelanggaran dibatalkan"),
            "breach.restore": _l("Pelanggaran dipulihkan"),
            "breach.note": _l("Catatan pelanggaran"),
            "breach.evidence": _l("Bukti pelanggaran diubah"),
            "breach.file": _l("Berkas bukti pelanggaran diunggah"),
        },
    ),
    (
        _l("Pengaturan"),
        {
            "policy.create": _l("Versi kebijakan dibuat"),
            "topic.create": _l("Topik dibuat"),
            "topic.update": _l("Topik diubah"),
            "room.create": _l("Ruang dibuat"),
            "room.update": _l("Ruang diubah"),
            "narasumber.update": _l("Profil narasumber diubah"),
            "narasumber.unavailability_add": _l("Periode tidak tersedia ditambahkan"),
            "narasumber.unavailability_remove": _l("Periode tidak tersedia dihapus"),
            "report_recipient.add": _l("Penerima laporan ditambahkan"),
            "report_recipient.set_active": _l("Penerima laporan diubah"),
            "feed_token.issue": _l("Tautan kalender dibuat"),
            "feed_token.revoke": _l("Tautan kalender dicabut"),
            "outbox.resend": _l("Email dikirim ulang"),
            "history.import": _l("Riwayat diimpor"),
            "history.alias": _l("Nama daerah dipetakan"),
        },
    ),
]

ACTION_LABELS = {action: label for _group, labels in ACTION_GROUPS for action, label in labels.items()}


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))


def is_security(action: str) -> bool:
    return action.startswith(SECURITY_PREFIXES)
