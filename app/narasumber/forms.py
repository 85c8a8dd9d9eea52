"""Forms of the narasumber's pages: accept an assignment, or decline it with a reason."""

from flask_babel import lazy_gettext as _l
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from app.core.forms import BaseForm


class AcceptForm(BaseForm):
    """Nothing to fill in: the form carries the CSRF token."""


class DeclineForm(BaseForm):
    reason = TextAreaField(
        _l("Alasan menolak"),
        validators=[
            # DataRequired after the strip: a reason of spaces only is no reason.
            DataRequired(message=_l("Tuliskan alasan menolak penugasan.")),
            Length(min=5, max=1000, message=_l("Alasan menolak 5 sampai 1.000 karakter.")),
        ],
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        description=_l("Koordinator membaca alasan ini dan mencarikan pengganti."),
    )
