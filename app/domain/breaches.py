"""The breach catalogue: every kind of breach of the consultation rules a record can be of.

A breach (pelanggaran) is recorded against a Pemda, and against a session where there is
one; app.compliance keeps the records, app.domain.checkin finds the ones the front desk
observes. Codes are stored; labels and descriptions are Indonesian msgids, translated when
shown (lazily, so that this module needs no application and no request).
"""

import enum
from dataclasses import dataclass

from babel.support import LazyProxy


def _translate(text: str) -> str:
    from flask_babel import gettext  # at display time only: the catalogue stays pure

    return gettext(text)


def _l(text: str) -> LazyProxy:
    return LazyProxy(_translate, text, enable_cache=False)


class BreachType(enum.StrEnum):
    GUESTS_OVER_LIMIT = "guests_over_limit"
    UNCONFIRMED_ARRIVAL = "unconfirmed_arrival"
    WALK_IN = "walk_in"  # no booking, or a booked face-to-face visit without its letter
    REGIONAL_HEAD_INVALID = "regional_head_invalid"
    LATE_ARRIVAL = "late_arrival"
    NO_SHOW = "no_show"
    LATE_CANCELLATION = "late_cancellation"
    OTHER = "other"


@dataclass(frozen=True)
class BreachKind:
    code: BreachType
    label: LazyProxy
    description: LazyProxy


B = BreachType
CATALOGUE: dict[BreachType, BreachKind] = {
    kind.code: kind
    for kind in (
        BreachKind(
            B.GUESTS_OVER_LIMIT,
            _l("Jumlah tamu melebihi batas"),
            _l("Delegasi yang datang lebih banyak daripada batas jumlah tamu yang berlaku."),
        ),
        BreachKind(
            B.UNCONFIRMED_ARRIVAL,
            _l("Datang tanpa konfirmasi kehadiran"),
            _l("Delegasi datang tanpa mengonfirmasi kehadiran sebelum batas waktu."),
        ),
        BreachKind(
            B.WALK_IN,
            _l("Datang tanpa jadwal atau tanpa surat"),
            _l("Delegasi datang tanpa permohonan yang dijadwalkan, atau tanpa surat permohonan."),
        ),
        BreachKind(
            B.REGIONAL_HEAD_INVALID,
            _l("Informasi kehadiran Kepala Daerah tidak sesuai"),
            _l("Kehadiran Kepala Daerah berbeda dari yang dikonfirmasi."),
        ),
        BreachKind(
            B.LATE_ARRIVAL,
            _l("Datang terlambat"),
            _l("Delegasi datang lebih lambat daripada batas keterlambatan yang berlaku."),
        ),
        BreachKind(
            B.NO_SHOW,
            _l("Tidak hadir"),
            _l("Delegasi tidak hadir pada sesi yang telah dijadwalkan."),
        ),
        BreachKind(
            B.LATE_CANCELLATION,
            _l("Pembatalan terlambat"),
            _l("Sesi dibatalkan oleh Pemda setelah batas waktu pembatalan."),
        ),
        BreachKind(
            B.OTHER,
            _l("Pelanggaran lainnya"),
            _l("Pelanggaran lain terhadap ketentuan layanan konsultasi."),
        ),
    )
}


def kind_of(code: BreachType | str) -> BreachKind | None:
    try:
        return CATALOGUE[BreachType(code)]
    except ValueError:
        return None


def label(code: BreachType | str) -> str:
    """The label of `code` in the current language; an unknown code as written."""
    kind = kind_of(code)
    return str(kind.label) if kind else str(code)
