"""Forms of the admin pages for narasumber profiles, their leave and blocked periods, and rooms."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    FieldList,
    FormField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TimeField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from app.admin.forms import NOT_A_NUMBER, NOT_A_TIME, REQUIRED
from app.core.forms import BaseForm, BaseSubForm, MultiCheckboxField
from app.narasumber.labels import UNAVAILABILITY_KINDS

NOT_A_DATETIME = _l("Isi tanggal dan jam yang valid.")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]


def _topic_id(value):
    """Coerces a posted topic id; anything that is not a number becomes None (refused later)."""
    if isinstance(value, int):
        return value
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _cap(label):
    return IntegerField(
        label,
        invalid_value_message=NOT_A_NUMBER,
        validators=[
            InputRequired(message=REQUIRED),
            NumberRange(min=1, max=99, message=_l("Isi bilangan bulat dari 1 sampai 99.")),
        ],
    )


class DayHoursForm(BaseSubForm):
    """One weekday: available from start to end (WIB), or not available."""

    available = BooleanField(_l("Tersedia"))
    start = TimeField(
        _l("Mulai"), format=["%H:%M", "%H:%M:%S"], invalid_value_message=NOT_A_TIME, validators=[Optional()]
    )
    end = TimeField(
        _l("Selesai"), format=["%H:%M", "%H:%M:%S"], invalid_value_message=NOT_A_TIME, validators=[Optional()]
    )

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if not ok or not self.available.data:
            return ok
        if self.start.data is None:
            self.start.errors = [*self.start.errors, _l("Isi jam mulai.")]
            ok = False
        if self.end.data is None:
            self.end.errors = [*self.end.errors, _l("Isi jam selesai.")]
            ok = False
        if ok and self.end.data <= self.start.data:
            self.end.errors = [*self.end.errors, _l("Jam selesai harus sesudah jam mulai.")]
            ok = False
        return ok


class ProfileForm(BaseForm):
    unit = StringField(
        _l("Unit kerja (direktorat)"),
        validators=[InputRequired(message=REQUIRED), Length(max=160)],
        description=_l("Misalnya Direktorat Dana Transfer Umum."),
    )
    topics = MultiCheckboxField(_l("Topik keahlian"), coerce=_topic_id, validate_choice=False)
    days = FieldList(FormField(DayHoursForm), min_entries=5, max_entries=5)
    max_per_day = _cap(_l("Batas sesi per hari"))
    max_per_week = _cap(_l("Batas sesi per minggu"))

    def validate_topics(self, field):
        known = {choice.value for choice in field.choices}
        if any(value is None or value not in known for value in field.data or []):
            raise ValidationError(_l("Pilih topik dari daftar yang tersedia."))

    def validate_max_per_day(self, field):
        week = self.max_per_week.data
        if field.data and isinstance(week, int) and field.data > week:
            raise ValidationError(_l("Batas per hari tidak boleh melebihi batas per minggu."))


class UnavailabilityForm(BaseForm):
    start = DateTimeLocalField(
        _l("Mulai (WIB)"),
        format=DATETIME_FORMATS,
        invalid_value_message=NOT_A_DATETIME,
        validators=[InputRequired(message=REQUIRED)],
    )
    end = DateTimeLocalField(
        _l("Selesai (WIB)"),
        format=DATETIME_FORMATS,
        invalid_value_message=NOT_A_DATETIME,
        validators=[InputRequired(message=REQUIRED)],
    )
    kind = SelectField(
        _l("Jenis"),
        choices=[SelectChoice("", _l("— pilih jenis —"))]
        + [SelectChoice(value, label) for value, label in UNAVAILABILITY_KINDS.items()],
        validators=[InputRequired(message=REQUIRED)],
    )
    reason = StringField(_l("Keterangan"), validators=[Optional(), Length(max=200)])

    def validate_end(self, field):
        if self.start.data and field.data and field.data <= self.start.data:
            raise ValidationError(_l("Waktu selesai harus sesudah waktu mulai."))


class RoomForm(BaseForm):
    name = StringField(_l("Nama ruang"), validators=[InputRequired(message=REQUIRED), Length(max=120)])
    floor = StringField(
        _l("Lantai"),
        validators=[InputRequired(message=REQUIRED), Length(max=32)],
        description=_l("Misalnya 9."),
    )
    capacity = IntegerField(
        _l("Kapasitas (orang)"),
        invalid_value_message=NOT_A_NUMBER,
        validators=[
            InputRequired(message=REQUIRED),
            NumberRange(min=1, max=500, message=_l("Isi bilangan bulat dari 1 sampai 500.")),
        ],
        description=_l("Jumlah kursi: cukup bila tidak kurang dari jumlah delegasi ditambah narasumber."),
    )
    active = BooleanField(_l("Aktif (dapat dipesan untuk sesi baru)"), default=True)
