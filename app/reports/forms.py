"""The form of the report recipients page."""

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, StringField
from wtforms.validators import Email, InputRequired, Length, Optional

from app.core.forms import BaseForm


class RecipientForm(BaseForm):
    email = EmailField(
        _l("Email"),
        validators=[
            InputRequired(message=_l("Wajib diisi.")),
            Email(message=_l("Alamat email tidak valid.")),
            Length(max=254),
        ],
    )
    name = StringField(_l("Nama (opsional)"), validators=[Optional(), Length(max=120)])
