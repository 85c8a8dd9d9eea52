"""Forms of the coordinator's pages: queue filters, decisions, scheduling, calendar filters.

Times of a session are entered in WIB (DJPK works in WIB); the page shows the Pemda's own
zone beside them.
"""

from datetime import UTC, datetime

from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from wtforms import (
    DateField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
    URLField,
    widgets,
)
from wtforms.validators import URL, DataRequired, InputRequired, Length, Optional, ValidationError

from app.core.clock import WIB
from app.core.forms import BaseForm, MultiCheckboxField
from app.domain.states import RequestState
from app.scheduling.queue import ALL_STATES, DECLINED, ZONES

REQUIRED = _l("Wajib diisi.")
REASON_REQUIRED = _l("Tuliskan alasannya; Pemda akan membacanya pada permohonannya.")
NOT_A_DATE = _l("Isi tanggal dengan format TTTT-BB-HH.")
NOT_A_TIME = _l("Isi jam dengan format JJ:MM, misalnya 09:00.")


def _int_or_none(value):
    if value in (None, "", "None"):
        return None
    return int(value)


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _reason(label, id: str):
    # Each decision has its own reason box; the review page holds several of them, so each
    # needs an id of its own for its label (and for the error summary's link).
    return TextAreaField(
        label,
        id=id,
        filters=[_strip],
        validators=[DataRequired(message=REASON_REQUIRED), Length(max=1000)],
    )


class QueueFilterForm(BaseForm):
    class Meta:
        csrf = False  # a GET search form

    state = SelectField(_l("Status"), validators=[Optional()])
    mode = SelectField(
        _l("Jenis"),
        choices=[
            SelectChoice("", _l("Semua jenis")),
            SelectChoice("vc", _l("Video conference")),
            SelectChoice("ftf", _l("Tatap muka")),
        ],
        validators=[Optional()],
    )
    topic = SelectField(_l("Topik"), validators=[Optional()])
    region = StringField(_l("Daerah"), validators=[Optional(), Length(max=100)])
    zone = SelectField(
        _l("Zona waktu"),
        choices=[SelectChoice("", _l("Semua zona"))] + [SelectChoice(z, z) for z in ZONES],
        validators=[Optional()],
    )
    date_field = SelectField(
        _l("Tanggal"),
        choices=[
            SelectChoice("submitted", _l("Tanggal pengajuan")),
            SelectChoice("session", _l("Tanggal konsultasi")),
        ],
        default="submitted",
        validators=[Optional()],
    )
    date_from = DateField(
        _l("Dari"), invalid_value_message=NOT_A_DATE, validators=[Optional()], render_kw={"type": "date"}
    )
    date_to = DateField(
        _l("Sampai"), invalid_value_message=NOT_A_DATE, validators=[Optional()], render_kw={"type": "date"}
    )

    def set_choices(self, state_labels: dict, topics) -> None:
        self.state.choices = [
            SelectChoice("", _l("Perlu ditinjau")),
            SelectChoice(DECLINED, _l("Narasumber menolak")),
            *[SelectChoice(s.value, state_labels[s]) for s in RequestState],
            SelectChoice(ALL_STATES, _l("Semua status")),
        ]
        self.topic.choices = [SelectChoice("", _l("Semua topik"))] + [
            SelectChoice(str(t.id), t.code) for t in topics
        ]


class ReasonForm(BaseForm):
    """Reject, request changes, cancel: a reason the Pemda reads."""

    reason = _reason(_l("Alasan"), "alasan-tolak")


class RequestChangesForm(BaseForm):
    reason = _reason(_l("Perbaikan yang diminta"), "alasan-perbaikan")


class ConvertForm(BaseForm):
    reason = _reason(_l("Alasan diubah menjadi video conference"), "alasan-ubah-vc")
    meeting_url = URLField(
        _l("Tautan rapat (kosongkan untuk dibuat otomatis)"),
        validators=[
            Optional(),
            URL(require_tld=True, message=_l("Isi alamat tautan yang lengkap (https://...).")),
            Length(max=500),
        ],
    )


class _TimeFields(BaseForm):
    day = DateField(
        _l("Tanggal"),
        invalid_value_message=NOT_A_DATE,
        validators=[InputRequired(message=REQUIRED)],
        render_kw={"type": "date"},
    )
    start_time = TimeField(
        _l("Mulai (WIB)"),
        format=["%H:%M", "%H:%M:%S"],
        invalid_value_message=NOT_A_TIME,
        validators=[InputRequired(message=REQUIRED)],
    )
    end_time = TimeField(
        _l("Selesai (WIB)"),
        format=["%H:%M", "%H:%M:%S"],
        invalid_value_message=NOT_A_TIME,
        validators=[InputRequired(message=REQUIRED)],
    )

    def validate_end_time(self, field):
        if self.start_time.data and field.data and field.data <= self.start_time.data:
            raise ValidationError(_l("Jam selesai harus sesudah jam mulai."))

    def span(self) -> tuple[datetime, datetime]:
        """The entered WIB times as aware UTC datetimes (call after validate())."""
        start = datetime.combine(self.day.data, self.start_time.data, tzinfo=WIB)
        end = datetime.combine(self.day.data, self.end_time.data, tzinfo=WIB)
        return start.astimezone(UTC), end.astimezone(UTC)


class ScheduleForm(_TimeFields):
    """Approve and schedule: time, narasumber, room (FTF) or meeting link (VC)."""

    narasumber_ids = MultiCheckboxField(
        _l("Narasumber"),
        coerce=int,
        validators=[InputRequired(message=_l("Pilih paling sedikit satu narasumber."))],
    )
    # The narasumber the system suggested for this slot, to tell an override from a pick.
    suggested_ids = StringField(widget=widgets.HiddenInput(), validators=[Optional()])
    override_reason = TextAreaField(
        _l("Alasan memilih narasumber lain dari saran sistem"), validators=[Length(max=1000)]
    )
    room_id = SelectField(_l("Ruang"), coerce=_int_or_none, validators=[Optional()])
    meeting_url = URLField(
        _l("Tautan rapat (kosongkan untuk dibuat otomatis)"),
        validators=[
            Optional(),
            URL(require_tld=True, message=_l("Isi alamat tautan yang lengkap (https://...).")),
            Length(max=500),
        ],
    )
    # Needed when the Pemda is over the breach threshold (checked by services.schedule()).
    breach_override_reason = TextAreaField(
        _l("Alasan persetujuan khusus (Pemda melewati ambang pelanggaran)"), validators=[Length(max=1000)]
    )

    def suggested(self) -> set[int]:
        return {int(x) for x in (self.suggested_ids.data or "").split(",") if x.strip().isdigit()}

    def is_override(self) -> bool:
        """Whether the chosen people differ from a suggestion that was offered."""
        suggested = self.suggested()
        return bool(suggested) and set(self.narasumber_ids.data or []) != suggested

    def validate_override_reason(self, field):
        if self.narasumber_ids.data and self.is_override() and not (field.data or "").strip():
            raise ValidationError(
                _l("Narasumber yang dipilih berbeda dari saran sistem; tuliskan alasannya.")
            )


class RescheduleForm(_TimeFields):
    room_id = SelectField(_l("Ruang"), coerce=_int_or_none, validators=[Optional()])
    reason = _reason(_l("Alasan perubahan jadwal"), "alasan-jadwal-ulang")


class CancelForm(BaseForm):
    reason = _reason(_l("Alasan pembatalan"), "alasan-batal")


class CalendarFilterForm(BaseForm):
    class Meta:
        csrf = False

    narasumber = SelectField(_l("Narasumber"), validators=[Optional()])
    room = SelectField(_l("Ruang"), validators=[Optional()])

    def set_choices(self, people, rooms) -> None:
        """`people`: (narasumber profile id, name) pairs; `rooms`: Room rows."""
        self.narasumber.choices = [SelectChoice("", _l("Semua narasumber"))] + [
            SelectChoice(str(pid), name) for pid, name in people
        ]
        self.room.choices = [SelectChoice("", _l("Semua ruang"))] + [
            SelectChoice(str(r.id), r.name) for r in rooms
        ]


def checkbox_rows(field: MultiCheckboxField) -> Markup:
    """The boxes of the manual form's narasumber field (every narasumber, some 200), written
    as templates/scheduling/_decide.html wrote them from the choices: here, because a Jinja
    loop costs about 15 µs a box, a large part of the review page's rendering. Labels and values go
    through escape()."""
    rows, field_id, name = [], escape(field.id), escape(field.name)
    for index, (value, label, selected, _render_kw) in enumerate(field.iter_choices()):
        box_id = f"{field_id}-{index}"
        rows.append(
            '<div class="form-check">\n'
            f'  <input{" checked" if selected else ""} class="form-check-input" id="{box_id}" '
            f'name="{name}" type="checkbox" value="{escape(value)}">\n'
            f'  <label class="form-check-label small" for="{box_id}">{escape(label)}</label>\n'
            "</div>"
        )
    return Markup("\n".join(rows))
