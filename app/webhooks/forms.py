"""The administrators' webhook forms."""

from urllib.parse import urlsplit

from flask import current_app
from flask_babel import lazy_gettext as _l
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length, ValidationError

from app.core.forms import BaseForm, MultiCheckboxField
from app.webhooks.events import CATALOGUE


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class EndpointForm(BaseForm):
    # Text, not type=url: a refused address is shown back as typed, which type=url forbids.
    url = StringField(
        _l("Alamat endpoint (URL)"),
        description=_l(
            "Alamat yang menerima POST JSON bertanda tangan, misalnya https://crm.djpk.go.id/webhook."
        ),
        filters=[_strip],
        validators=[DataRequired(message=_l("Isi alamat endpoint.")), Length(max=500)],
        render_kw={"inputmode": "url", "autocomplete": "off", "spellcheck": "false"},
    )
    description = StringField(
        _l("Keterangan"),
        filters=[_strip],
        validators=[DataRequired(message=_l("Isi keterangan endpoint.")), Length(max=200)],
    )
    events = MultiCheckboxField(_l("Peristiwa yang dikirim"))
    submit = SubmitField(_l("Daftarkan endpoint"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.events.choices = [(name, f"{name}: {label}") for name, label in CATALOGUE.items()]

    def validate_url(self, field):
        parts = urlsplit(field.data or "")
        allowed = ("https",) if current_app.config.get("WEBHOOK_HTTPS_ONLY") else ("https", "http")
        if parts.scheme not in allowed or not parts.hostname:
            raise ValidationError(
                _l("Alamat harus diawali https:// dan menyebut nama server.")
                if allowed == ("https",)
                else _l("Alamat harus diawali http:// atau https:// dan menyebut nama server.")
            )

    def validate_events(self, field):
        if not field.data:
            raise ValidationError(_l("Pilih paling sedikit satu peristiwa."))
