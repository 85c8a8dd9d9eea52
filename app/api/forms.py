"""The forms that make API tokens: a personal token on the account page, an integration
token on the administrators' page."""

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, InputRequired, Length

from app.api import scopes as scope_catalogue
from app.api.tokens import LIFETIMES
from app.core.forms import BaseForm, MultiCheckboxField


def _lifetime_choices():
    return [(str(days), _l("%(days)d hari", days=days)) for days in LIFETIMES]


class TokenForm(BaseForm):
    name = StringField(
        _l("Nama token"),
        description=_l('Untuk apa token ini dipakai, misalnya "Skrip rekap Bappeda".'),
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        validators=[
            DataRequired(message=_l("Isi nama token.")),
            Length(max=100, message=_l("Nama token paling panjang 100 karakter.")),
        ],
    )
    scopes = MultiCheckboxField(_l("Cakupan"))
    days = SelectField(_l("Berlaku selama"), choices=_lifetime_choices, default="90")
    submit = SubmitField(_l("Buat token"))

    def __init__(self, *args, role=None, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = scope_catalogue.allowed_for(role) if role else list(scope_catalogue.SCOPES)
        self.scopes.choices = [(name, f"{name}: {scope_catalogue.label(name)}") for name in allowed]

    def validate_scopes(self, field):
        from wtforms.validators import ValidationError

        if not field.data:
            raise ValidationError(_l("Pilih paling sedikit satu cakupan."))


class IntegrationTokenForm(TokenForm):
    owner_email = EmailField(
        _l("Email akun yang diwakili"),
        description=_l(
            "Token bertindak dengan peran dan hak akses akun ini, misalnya akun koordinator untuk CRM."
        ),
        validators=[
            InputRequired(message=_l("Isi email akun yang diwakili token.")),
            Email(message=_l("Format email tidak valid.")),
            Length(max=254),
        ],
    )
