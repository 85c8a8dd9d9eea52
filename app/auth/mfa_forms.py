"""Forms of the second factor: the code at login, enrolment, the confirmation before a
sensitive change, and turning the factor off (a Pemda operator)."""

from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Regexp

from app.core.forms import BaseForm


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _code_field(label=None, description=None):
    return StringField(
        label or _l("Kode verifikasi"),
        filters=[_strip],
        validators=[
            DataRequired(message=_l("Isi kode verifikasi.")),
            Length(max=32, message=_l("Kode verifikasi terlalu panjang.")),
        ],
        description=description,
    )


def _totp_field():
    return StringField(
        _l("Kode 6 angka dari aplikasi autentikator"),
        filters=[_strip],
        validators=[
            DataRequired(message=_l("Isi kode 6 angka dari aplikasi autentikator.")),
            Regexp(r"^\d{3} ?\d{3}$", message=_l("Kode terdiri atas 6 angka.")),
        ],
    )


class CodeForm(BaseForm):
    """The second step of a login: a code of the app, or a recovery code."""

    code = _code_field(
        description=_l("6 angka dari aplikasi autentikator, atau salah satu kode pemulihan Anda.")
    )
    submit = SubmitField(_l("Verifikasi"))


class EnrolForm(BaseForm):
    """Confirms that the app was set up: one code it shows now."""

    code = _totp_field()
    submit = SubmitField(_l("Aktifkan verifikasi dua langkah"))


class ReauthForm(BaseForm):
    password = PasswordField(_l("Kata sandi"), validators=[DataRequired(message=_l("Isi kata sandi."))])
    code = _code_field(
        description=_l("6 angka dari aplikasi autentikator, atau salah satu kode pemulihan Anda.")
    )
    submit = SubmitField(_l("Konfirmasi"))


class ReauthPasswordOnlyForm(BaseForm):
    """The confirmation for an account without a second factor."""

    password = PasswordField(_l("Kata sandi"), validators=[DataRequired(message=_l("Isi kata sandi."))])
    submit = SubmitField(_l("Konfirmasi"))


class NewRecoveryCodesForm(BaseForm):
    """New recovery codes (the old ones stop working), after a code of the app."""

    code = _totp_field()
    submit = SubmitField(_l("Buat kode pemulihan baru"))


class DisableMfaForm(BaseForm):
    password = PasswordField(
        _l("Kata sandi saat ini"), validators=[DataRequired(message=_l("Isi kata sandi saat ini."))]
    )
    code = _code_field()
    submit = SubmitField(_l("Matikan verifikasi dua langkah"))
