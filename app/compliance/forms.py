"""Forms of the breach ledger: filters, recording a breach by hand, voiding one."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, HiddenField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from app.core import once
from app.core.forms import BaseForm
from app.core.months import month_error
from app.domain.breaches import CATALOGUE
from app.regions.forms import region_field, unit_type_field


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _type_choices(first: str | None = None) -> list:
    head = [SelectChoice("", first)] if first else []
    return head + [SelectChoice(str(code), kind.label) for code, kind in CATALOGUE.items()]


def _a_month(form, field) -> None:
    # "2023-13" has the shape of a month but is none: said, not silently ignored.
    error = month_error(field.data)
    if error:
        raise ValidationError(error)


class LedgerFilterForm(BaseForm):
    class Meta:
        csrf = False  # a GET search form

    type = SelectField(_l("Jenis pelanggaran"), validators=[Optional()])
    pemda = StringField(_l("Pengguna layanan"), filters=[_strip], validators=[Optional(), Length(max=100)])
    month = StringField(
        _l("Bulan"),
        filters=[_strip],
        validators=[Optional(), _a_month],
        render_kw={"type": "month"},
    )
    voided = BooleanField(_l("Tampilkan yang dibatalkan"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.type.choices = _type_choices(_l("Semua jenis"))


class RecordForm(BaseForm):
    type_code = SelectField(
        _l("Jenis pelanggaran"), validators=[InputRequired(message=_l("Pilih jenis pelanggaran."))]
    )
    region_id = region_field(_l("Pilih daerah dari daftar."))
    unit_type = unit_type_field()
    session = StringField(
        _l("Sesi (kode pemesanan atau nomor permohonan, bila ada)"),
        filters=[_strip],
        validators=[Optional(), Length(max=40)],
    )
    note = TextAreaField(
        _l("Catatan"),
        filters=[_strip],
        validators=[
            DataRequired(message=_l("Isi catatan pelanggaran.")),
            Length(max=1000, message=_l("Catatan maksimal 1000 karakter.")),
        ],
    )
    evidence_file = FileField(_l("Berkas bukti (PDF, JPEG, atau PNG; opsional)"))
    token = HiddenField(default=once.new_token)  # a double click records one breach

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.type_code.choices = _type_choices(_l("— pilih jenis —"))


def _reason_field(label, required_message) -> TextAreaField:
    return TextAreaField(
        label,
        filters=[_strip],
        validators=[
            DataRequired(message=required_message),
            Length(max=1000, message=_l("Alasan maksimal 1000 karakter.")),
        ],
    )


class VoidForm(BaseForm):
    reason = _reason_field(_l("Alasan pembatalan"), _l("Tuliskan alasan pembatalan pelanggaran."))


class RestoreForm(BaseForm):
    reason = _reason_field(_l("Alasan pemulihan"), _l("Tuliskan alasan pemulihan pelanggaran."))
