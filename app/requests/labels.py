"""Indonesian labels for request states, modes and audit actions, and the Pemda's next step.

The msgids are the Indonesian text (Flask-Babel); lazy so that they follow the user's locale.
"""

from flask_babel import lazy_gettext as _l

from app.domain.policy import Mode
from app.domain.states import RequestState

S = RequestState

STATE_LABELS = {
    S.SUBMITTED: _l("Diajukan"),
    S.CHANGES_REQUESTED: _l("Perlu perbaikan"),
    S.SCHEDULED: _l("Dijadwalkan"),
    S.CONFIRMED: _l("Kehadiran dikonfirmasi"),
    S.HELD: _l("Terlaksana"),
    S.NO_SHOW: _l("Tidak hadir"),
    S.CANCELLED: _l("Dibatalkan"),
    S.REJECTED: _l("Ditolak"),
}

# Bootstrap 5 badge colours.
STATE_BADGES = {
    S.SUBMITTED: "text-bg-primary",
    S.CHANGES_REQUESTED: "text-bg-warning",
    S.SCHEDULED: "text-bg-info",
    S.CONFIRMED: "text-bg-success",
    S.HELD: "text-bg-secondary",
    S.NO_SHOW: "text-bg-danger",
    S.CANCELLED: "text-bg-light border",
    S.REJECTED: "text-bg-dark",
}

NEXT_STEPS = {
    S.SUBMITTED: _l("Menunggu peninjauan DJPK"),
    S.CHANGES_REQUESTED: _l("Perbaiki permohonan sesuai catatan DJPK"),
    S.SCHEDULED: _l("Konfirmasi kehadiran delegasi"),
    S.CONFIRMED: _l("Hadiri konsultasi sesuai jadwal"),
    S.HELD: _l("Konsultasi telah dilaksanakan"),
    S.NO_SHOW: _l("Delegasi tercatat tidak hadir"),
    S.CANCELLED: _l("Permohonan dibatalkan; ajukan permohonan baru bila masih diperlukan"),
    S.REJECTED: _l("Permohonan ditolak; lihat alasan pada rincian permohonan"),
}

MODE_LABELS = {
    Mode.VC: _l("Video conference"),
    Mode.FTF: _l("Tatap muka"),
}

# What each audited action on a request means to the Pemda; unknown actions show as written.
ACTION_LABELS = {
    "request.submit": _l("Permohonan diajukan"),
    "request.edit": _l("Permohonan diubah"),
    "request.withdraw": _l("Permohonan ditarik"),
    "request.request_changes": _l("DJPK meminta perbaikan"),
    "request.approve": _l("Permohonan disetujui dan dijadwalkan"),
    "request.schedule": _l("Permohonan disetujui dan dijadwalkan"),  # as app.scheduling.services writes it
    "request.reject": _l("Permohonan ditolak"),
    "request.convert_to_vc": _l("Diubah menjadi video conference"),
    "request.reschedule": _l("Jadwal diubah"),
    "request.confirm": _l("Kehadiran dikonfirmasi"),
    "request.cancel": _l("Dibatalkan oleh DJPK"),
    "request.mark_held": _l("Konsultasi terlaksana"),
    "request.mark_no_show": _l("Delegasi tidak hadir"),
}


def _state(value: RequestState | str) -> RequestState | str:
    try:
        return RequestState(value)
    except ValueError:  # an unknown value in an old audit row is shown as written
        return value


def state_label(state: RequestState | str) -> str:
    return str(STATE_LABELS.get(_state(state), state))


def state_badge(state: RequestState | str) -> str:
    return STATE_BADGES.get(_state(state), "text-bg-secondary")


def next_step(state: RequestState | str) -> str:
    return str(NEXT_STEPS.get(_state(state), ""))


def mode_label(mode: Mode | str) -> str:
    return str(MODE_LABELS.get(Mode(mode), mode))


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))


def template_helpers() -> dict:
    return {
        "state_label": state_label,
        "state_badge": state_badge,
        "next_step": next_step,
        "mode_label": mode_label,
        "action_label": action_label,
    }
