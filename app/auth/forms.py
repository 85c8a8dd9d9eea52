"""Forms of the accounts pages: registration, login, verification, password reset, profile.

Every message is Indonesian and attached to its field. WTForms has no Indonesian catalogue,
so each validator gets its own message and choice fields validate their value themselves.
"""

import re

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms import EmailField, PasswordField, RadioField, SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import AnyOf, DataRequired, Email, EqualTo, Length, ValidationError

from app.auth.models import UnitType
from app.auth.passwords import MAX_LENGTH, MIN_LENGTH, password_problem
from app.core.forms import BaseForm
from app.extensions import db
from app.regions.models import Region, RegionKind

PHONE_PATTERN = re.compile(r"^(\+62|62|0)\d{7,13}$")
LANGUAGES = (("id", "Bahasa Indonesia"), ("en", "English"))


def password_message(code: str) -> str:
    """The Indonesian sentence for a code of app.auth.passwords.password_problem()."""
    messages = {
        "too_short": _l("Kata sandi minimal %(n)d karakter.", n=MIN_LENGTH),
        "too_long": _l("Kata sandi maksimal %(n)d karakter.", n=MAX_LENGTH),
        "common": _l("Kata sandi ini terlalu umum dan mudah ditebak. Pilih kata sandi lain."),
        "personal": _l("Kata sandi tidak boleh sama dengan email atau nama Anda."),
    }
    return str(messages[code])


def normalize_phone(value: str) -> str:
    return re.sub(r"[\s\-().]", "", value or "")


def region_groups() -> list[tuple[str, list[Region]]]:
    """Regions grouped by province, for a <select> with optgroups.

    Each group starts with the province itself (a provincial government is a Pemda too),
    followed by its regencies and cities in alphabetical order.
    """
    regions = db.session.scalars(select(Region)).all()
    provinces = sorted((r for r in regions if r.kind == RegionKind.PROVINCE), key=lambda r: r.code)
    children: dict[int, list[Region]] = {}
    for r in regions:
        if r.province_id is not None:
            children.setdefault(r.province_id, []).append(r)
    return [(p.name, [p, *sorted(children.get(p.id, []), key=lambda r: r.display_name)]) for p in provinces]


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _email_field(label=None):
    return EmailField(
        label or _l("Email"),
        filters=[_strip],
        validators=[
            DataRequired(message=_l("Isi alamat email.")),
            Length(max=254, message=_l("Alamat email terlalu panjang.")),
            Email(message=_l("Alamat email tidak valid."), check_deliverability=False),
        ],
    )


class _NewPasswordMixin:
    """A new password and its confirmation, checked against the password rules."""

    password = PasswordField(
        _l("Kata sandi"),
        validators=[DataRequired(message=_l("Isi kata sandi."))],
        description=_l("Minimal 8 karakter. Boleh memakai spasi; kalimat pendek mudah diingat."),
    )
    confirm = PasswordField(
        _l("Ulangi kata sandi"),
        validators=[
            DataRequired(message=_l("Ulangi kata sandi.")),
            EqualTo("password", message=_l("Kedua kata sandi tidak sama.")),
        ],
    )

    def personal_data(self) -> tuple[str, str]:
        """(email, name) the password must not equal."""
        return "", ""

    def validate_password(self, field):
        email, name = self.personal_data()
        code = password_problem(field.data or "", email=email, name=name)
        if code:
            raise ValidationError(password_message(code))


class RegistrationForm(_NewPasswordMixin, BaseForm):
    name = StringField(
        _l("Nama lengkap"),
        filters=[_strip],
        validators=[
            DataRequired(message=_l("Isi nama lengkap Anda.")),
            Length(max=120, message=_l("Nama maksimal 120 karakter.")),
        ],
    )
    email = _email_field(_l("Email kantor"))
    phone = StringField(
        _l("Nomor telepon/WhatsApp"),
        validators=[DataRequired(message=_l("Isi nomor telepon."))],
        description=_l("Contoh: 081234567890"),
    )
    region_id = SelectField(
        _l("Daerah"),
        coerce=_int_or_none,
        validate_choice=False,
        validators=[DataRequired(message=_l("Pilih daerah Anda."))],
    )
    unit_type = RadioField(
        _l("Unit"),
        choices=[
            SelectChoice(UnitType.PEMDA.value, _l("Pemerintah Daerah (Pemda)")),
            SelectChoice(UnitType.DPRD.value, _l("DPRD")),
        ],
        validate_choice=False,
        validators=[
            DataRequired(message=_l("Pilih unit Anda: Pemda atau DPRD.")),
            AnyOf([u.value for u in UnitType], message=_l("Pilih unit Anda: Pemda atau DPRD.")),
        ],
    )
    submit = SubmitField(_l("Daftar"))

    def personal_data(self):
        return self.email.data or "", self.name.data or ""

    def validate_phone(self, field):
        if not PHONE_PATTERN.match(normalize_phone(field.data)):
            raise ValidationError(_l("Nomor telepon tidak valid. Contoh: 081234567890."))

    def validate_region_id(self, field):
        if field.data is None or db.session.get(Region, field.data) is None:
            raise ValidationError(_l("Pilih daerah Anda dari daftar."))


class LoginForm(BaseForm):
    email = EmailField(
        _l("Email"), filters=[_strip], validators=[DataRequired(message=_l("Isi alamat email."))]
    )
    password = PasswordField(_l("Kata sandi"), validators=[DataRequired(message=_l("Isi kata sandi."))])
    submit = SubmitField(_l("Masuk"))


class EmailOnlyForm(BaseForm):
    """Resending the verification link, or asking for a password reset."""

    email = _email_field()
    submit = SubmitField(_l("Kirim"))


class ResetPasswordForm(_NewPasswordMixin, BaseForm):
    submit = SubmitField(_l("Simpan kata sandi baru"))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.password.label.text = _l("Kata sandi baru")
        self.confirm.label.text = _l("Ulangi kata sandi baru")

    def personal_data(self):
        return (self.user.email, self.user.name) if self.user else ("", "")


class ChangePasswordForm(ResetPasswordForm):
    current_password = PasswordField(
        _l("Kata sandi saat ini"), validators=[DataRequired(message=_l("Isi kata sandi saat ini."))]
    )
    submit = SubmitField(_l("Ganti kata sandi"))


class EndOtherSessionsForm(BaseForm):
    """On the account page: log out every other browser of this account (app/auth/sessions.py)."""

    submit = SubmitField(_l("Akhiri semua sesi lain"))


class LocaleForm(BaseForm):
    locale = RadioField(
        _l("Bahasa"),
        choices=[SelectChoice(code, label) for code, label in LANGUAGES],
        validate_choice=False,
        validators=[
            DataRequired(message=_l("Pilih bahasa.")),
            AnyOf([code for code, _label in LANGUAGES], message=_l("Pilih bahasa.")),
        ],
    )
    submit = SubmitField(_l("Simpan bahasa"))
