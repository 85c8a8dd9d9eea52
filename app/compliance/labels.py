"""What a breach record says to a person: its label and its evidence as a sentence."""

from datetime import datetime

from flask_babel import gettext as _

from app.core.templating import fmt_datetime
from app.domain.breaches import CATALOGUE, BreachType, label

B = BreachType


def evidence_text(type_code: str, evidence: dict | None) -> str:
    """The numbers behind a breach in the user's language ("" when there are none)."""
    e = evidence or {}
    try:
        code = BreachType(type_code)
    except ValueError:
        return ""
    if not e and code != B.NO_SHOW:
        # Recorded by hand: nothing was measured, the note says what happened; the sentences
        # below would state zeros ("Datang 0 menit setelah jadwal mulai") that are not true.
        return ""
    if code == B.GUESTS_OVER_LIMIT:
        text = _(
            "Hadir %(came)d orang, batas %(allowed)d orang: lebih %(over)d orang.",
            came=e.get("came", 0),
            allowed=e.get("allowed", 0),
            over=e.get("over", 0),
        )
        if "confirmed" in e:
            text += " " + _(
                "Dikonfirmasi %(confirmed)d orang; %(extra)d orang tidak ada dalam daftar.",
                confirmed=e.get("confirmed", 0),
                extra=e.get("not_on_list", 0),
            )
        return text
    if code == B.UNCONFIRMED_ARRIVAL:
        return _("Delegasi (%(came)d orang) datang tanpa konfirmasi kehadiran.", came=e.get("came", 0))
    if code == B.REGIONAL_HEAD_INVALID:
        if e.get("confirmed"):
            return _("Dikonfirmasi Kepala Daerah hadir, tetapi Kepala Daerah tidak hadir.")
        return _("Dikonfirmasi Kepala Daerah tidak hadir, tetapi Kepala Daerah hadir.")
    if code == B.WALK_IN:
        if e.get("booking") == 0:
            return _("Datang tanpa permohonan yang dijadwalkan (%(came)d orang).", came=e.get("came", 0))
        return _("Sesi tatap muka tanpa surat permohonan.")
    if code == B.LATE_ARRIVAL:
        return _(
            "Datang %(minutes)d menit setelah jadwal mulai; batas keterlambatan %(threshold)d menit.",
            minutes=e.get("minutes_late", 0),
            threshold=e.get("threshold", 0),
        )
    if code == B.NO_SHOW:
        return _("Tidak ada kedatangan yang tercatat untuk sesi yang dijadwalkan.")
    if code == B.LATE_CANCELLATION and e.get("deadline") and e.get("cancelled"):
        return _(
            "Dibatalkan %(cancelled)s, setelah batas waktu konfirmasi %(deadline)s.",
            cancelled=fmt_datetime(datetime.fromisoformat(e["cancelled"])),
            deadline=fmt_datetime(datetime.fromisoformat(e["deadline"])),
        )
    return ""


def recorded_by_text(breach) -> str:
    """ "Sistem", "Resepsionis: Rina", "Koordinator: Sri" (who recorded it)."""
    kind = str(breach.recorded_by_kind)
    name = breach.recorded_by.name if breach.recorded_by else None
    if kind == "system":
        return _("Sistem (dari tindakan %(name)s)", name=name) if name else _("Sistem")
    label = _("Resepsionis") if kind == "receptionist" else _("Koordinator")
    return f"{label}: {name}" if name else label


def template_helpers() -> dict:
    """The helpers of one rendering (a context processor runs for each): the labels and the
    "recorded by" texts are looked up once per value in it, not once per card of a list."""
    labels: dict[str, str] = {}
    recorders: dict[tuple[str, str | None], str] = {}

    def breach_label(code) -> str:
        found = labels.get(code)
        if found is None:
            found = labels[code] = label(code)
        return found

    def recorded_by(breach) -> str:
        key = (str(breach.recorded_by_kind), breach.recorded_by.name if breach.recorded_by else None)
        found = recorders.get(key)
        if found is None:
            found = recorders[key] = recorded_by_text(breach)
        return found

    return {
        "breach_label": breach_label,
        "evidence_text": evidence_text,
        "recorded_by_text": recorded_by,
        "breach_catalogue": CATALOGUE,
    }
