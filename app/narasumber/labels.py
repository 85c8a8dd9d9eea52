"""Indonesian labels of assignment statuses and unavailability kinds (lazy, Flask-Babel)."""

from flask_babel import lazy_gettext as _l

from app.scheduling.models import AssignmentStatus

A = AssignmentStatus

ASSIGNMENT_LABELS = {
    A.ASSIGNED: _l("Menunggu jawaban"),
    A.ACCEPTED: _l("Diterima"),
    A.DECLINED: _l("Ditolak narasumber"),
    A.RELEASED: _l("Dibebaskan"),
}

# Bootstrap 5 badge colours.
ASSIGNMENT_BADGES = {
    A.ASSIGNED: "text-bg-warning",
    A.ACCEPTED: "text-bg-success",
    A.DECLINED: "text-bg-secondary",
    A.RELEASED: "text-bg-light border",
}

UNAVAILABILITY_KINDS = {
    "leave": _l("Cuti"),
    "blocked": _l("Tidak tersedia (diblokir)"),
}

# Monday = 0, as in NarasumberProfile.working_hours.
WEEKDAYS = [_l("Senin"), _l("Selasa"), _l("Rabu"), _l("Kamis"), _l("Jumat")]


def assignment_label(status: AssignmentStatus | str) -> str:
    return str(ASSIGNMENT_LABELS.get(AssignmentStatus(status), status))


def assignment_badge(status: AssignmentStatus | str) -> str:
    return ASSIGNMENT_BADGES.get(AssignmentStatus(status), "text-bg-secondary")


def unavailability_label(kind: str) -> str:
    return str(UNAVAILABILITY_KINDS.get(kind, kind))


def template_helpers() -> dict:
    return {
        "assignment_label": assignment_label,
        "assignment_badge": assignment_badge,
        "unavailability_label": unavailability_label,
        "weekday_names": WEEKDAYS,
    }
