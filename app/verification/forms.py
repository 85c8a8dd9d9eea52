"""The one field of /verifikasi: the code as people type it (any length is looked up, so that a
badly formed code gets the same answer as an unknown one)."""

from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import DataRequired

from app.core.forms import BaseForm

MAX_TYPED = 100  # longer input is cut: it is never a code anyway


def _cut(value):
    return value.strip()[:MAX_TYPED] if isinstance(value, str) else value


class VerifyForm(BaseForm):
    kode = StringField(
        _l("Kode pemesanan"),
        filters=[_cut],
        validators=[DataRequired(message=_l("Masukkan kode pemesanan."))],
        render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"},
    )
