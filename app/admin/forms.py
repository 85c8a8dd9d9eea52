"""Forms of the administration pages: registrations, users, topics and policy versions."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    EmailField,
    IntegerField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import Email, InputRequired, Length, NumberRange, Optional, ValidationError

from app.auth.models import Role
from app.core.forms import BaseForm

ROLE_LABELS = {
    Role.PEMDA: _l("Operator Pemda"),
    Role.COORDINATOR: _l("Koordinator"),
    Role.NARASUMBER: _l("Narasumber"),
    Role.RECEPTIONIST: _l("Resepsionis"),
    Role.ADMIN: _l("Administrator"),
}
STAFF_ROLE_CHOICES = [
    SelectChoice(r.value, ROLE_LABELS[r])
    for r in (Role.COORDINATOR, Role.NARASUMBER, Role.RECEPTIONIST, Role.ADMIN)
]
REQUIRED = _l("Wajib diisi.")
NOT_A_NUMBER = _l("Isi dengan bilangan bulat.")
NOT_A_TIME = _l("Isi jam dengan format JJ:MM, misalnya 08:00.")


def _time(label):
    return TimeField(
        label,
        format=["%H:%M", "%H:%M:%S"],
        invalid_value_message=NOT_A_TIME,
        validators=[InputRequired(message=REQUIRED)],
    )


def _positive(label, description=""):
    return IntegerField(
        label,
        description=description,
        invalid_value_message=NOT_A_NUMBER,
        validators=[
            InputRequired(message=REQUIRED),
            NumberRange(min=1, max=999, message=_l("Isi bilangan bulat dari 1 sampai 999.")),
        ],
    )


class RejectRegistrationForm(BaseForm):
    # Stripped: ten spaces pass the browser's minlength but are no reason to send anyone.
    reason = TextAreaField(
        _l("Alasan penolakan"),
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        validators=[
            InputRequired(message=_l("Tuliskan alasan penolakan; alasan ini dikirim ke pendaftar.")),
            Length(min=10, max=1000, message=_l("Alasan penolakan 10 sampai 1.000 karakter.")),
        ],
    )


class UserFilterForm(BaseForm):
    class Meta:
        csrf = False  # a GET search form

    q = StringField(_l("Cari nama atau email"), validators=[Optional(), Length(max=100)])
    role = SelectField(
        _l("Peran"),
        choices=[SelectChoice("", _l("Semua peran"))]
        + [SelectChoice(r.value, label) for r, label in ROLE_LABELS.items()],
        validators=[Optional()],
    )
    status = SelectField(
        _l("Status"),
        choices=[
            SelectChoice("", _l("Semua status")),
            SelectChoice("active", _l("Aktif")),
            SelectChoice("pending", _l("Menunggu aktivasi")),
            SelectChoice("inactive", _l("Nonaktif")),
        ],
        validators=[Optional()],
    )


class StaffUserForm(BaseForm):
    name = StringField(_l("Nama lengkap"), validators=[InputRequired(message=REQUIRED), Length(max=120)])
    email = EmailField(
        _l("Email kedinasan"),
        validators=[
            InputRequired(message=REQUIRED),
            Email(message=_l("Alamat email tidak valid.")),
            Length(max=254),
        ],
    )
    phone = StringField(_l("Nomor telepon"), validators=[Optional(), Length(max=32)])
    # A required select starts empty: the administrator picks the role, none is assumed.
    role = SelectField(
        _l("Peran"),
        choices=[SelectChoice("", _l("— pilih peran —")), *STAFF_ROLE_CHOICES],
        validators=[InputRequired(message=REQUIRED)],
    )
    unit = StringField(
        _l("Unit kerja (untuk narasumber)"),
        validators=[Optional(), Length(max=160)],
        description=_l("Misalnya Direktorat Dana Transfer Umum."),
    )
    generate_password = BooleanField(_l("Buat kata sandi otomatis"))
    # Not Optional(): that would skip validate_password on an empty field, and an account
    # would get a generated password nobody asked for.
    password = PasswordField(
        _l("Kata sandi awal"),
        validators=[Length(max=128)],
        description=_l("Paling sedikit 8 karakter dan bukan kata sandi yang umum dipakai."),
    )

    def validate_password(self, field):
        if not self.generate_password.data and not field.data:
            raise ValidationError(_l("Isi kata sandi awal, atau pilih buat kata sandi otomatis."))


class UserEditForm(BaseForm):
    name = StringField(_l("Nama lengkap"), validators=[InputRequired(message=REQUIRED), Length(max=120)])
    phone = StringField(_l("Nomor telepon"), validators=[Optional(), Length(max=32)])
    # The current role is always selected, so the select is not marked required (a required
    # select must start with an empty option); SelectField refuses any value not offered.
    role = SelectField(_l("Peran"))


class TopicForm(BaseForm):
    code = StringField(
        _l("Kode"),
        validators=[InputRequired(message=REQUIRED), Length(max=32)],
        description=_l("Singkatan yang dipakai DJPK, misalnya DAU."),
    )
    name = StringField(_l("Nama"), validators=[InputRequired(message=REQUIRED), Length(max=160)])
    description = TextAreaField(_l("Keterangan"), validators=[Optional(), Length(max=2000)])
    sort_order = IntegerField(
        _l("Urutan tampil"),
        default=100,
        invalid_value_message=NOT_A_NUMBER,
        validators=[
            InputRequired(message=REQUIRED),
            NumberRange(min=0, max=9999, message=_l("Isi bilangan bulat dari 0 sampai 9999.")),
        ],
    )
    active = BooleanField(_l("Aktif (dapat dipilih pada permohonan baru)"), default=True)


POLICY_LABELS = {
    "letter_required_ftf": _l("Tatap muka wajib melampirkan surat permohonan"),
    "letter_required_vc": _l("Video conference wajib melampirkan surat permohonan"),
    "lead_working_days_ftf": _l("Batas pengajuan tatap muka (hari kerja sebelum konsultasi)"),
    "lead_working_days_vc": _l("Batas pengajuan video conference (hari kerja sebelum konsultasi)"),
    "max_guests_ftf": _l("Jumlah tamu maksimum tatap muka"),
    "max_guests_vc": _l("Jumlah peserta maksimum video conference"),
    "service_start": _l("Jam layanan mulai (WIB)"),
    "service_end": _l("Jam layanan selesai (WIB)"),
    "session_minutes": _l("Lama sesi (menit)"),
    "confirm_deadline_time": _l("Batas jam konfirmasi kehadiran (WIB)"),
    "confirm_deadline_working_days": _l("Konfirmasi kehadiran paling lambat (hari kerja sebelum sesi)"),
    "cancel_unconfirmed": _l("Batalkan otomatis sesi yang tidak dikonfirmasi"),
    "late_arrival_minutes": _l("Batas keterlambatan kedatangan (menit setelah jadwal mulai)"),
    "breach_threshold_count": _l("Ambang jumlah pelanggaran"),
    "breach_threshold_months": _l("Periode ambang pelanggaran (bulan)"),
}


class PolicyForm(BaseForm):
    """Every field of app.domain.policy.PolicyValues, plus the effective time (WIB)."""

    letter_required_ftf = BooleanField(POLICY_LABELS["letter_required_ftf"])
    letter_required_vc = BooleanField(POLICY_LABELS["letter_required_vc"])
    lead_working_days_ftf = _positive(POLICY_LABELS["lead_working_days_ftf"])
    lead_working_days_vc = _positive(POLICY_LABELS["lead_working_days_vc"])
    max_guests_ftf = _positive(POLICY_LABELS["max_guests_ftf"])
    max_guests_vc = _positive(POLICY_LABELS["max_guests_vc"])
    service_start = _time(POLICY_LABELS["service_start"])
    service_end = _time(POLICY_LABELS["service_end"])
    session_minutes = _positive(POLICY_LABELS["session_minutes"])
    confirm_deadline_time = _time(POLICY_LABELS["confirm_deadline_time"])
    confirm_deadline_working_days = _positive(POLICY_LABELS["confirm_deadline_working_days"])
    cancel_unconfirmed = BooleanField(POLICY_LABELS["cancel_unconfirmed"])
    late_arrival_minutes = _positive(
        POLICY_LABELS["late_arrival_minutes"],
        _l("Tamu yang datang lebih lambat dari batas ini dicatat sebagai pelanggaran keterlambatan."),
    )
    breach_threshold_count = _positive(POLICY_LABELS["breach_threshold_count"])
    breach_threshold_months = _positive(POLICY_LABELS["breach_threshold_months"])
    effective_from = DateTimeLocalField(
        _l("Berlaku mulai (WIB)"),
        format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
        invalid_value_message=_l("Isi tanggal dan jam yang valid."),
        validators=[InputRequired(message=_l("Isi tanggal dan jam mulai berlaku."))],
    )
    note = StringField(_l("Catatan perubahan"), validators=[Optional(), Length(max=500)])

    def validate_service_end(self, field):
        start = self.service_start.data
        if start and field.data and field.data <= start:
            raise ValidationError(_l("Jam selesai harus sesudah jam mulai layanan."))

    def validate_session_minutes(self, field):
        start, end = self.service_start.data, self.service_end.data
        if start and end and field.data and end > start:
            available = (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
            if field.data > available:
                raise ValidationError(
                    _l("Lama sesi melebihi jam layanan (%(minutes)d menit).", minutes=available)
                )
