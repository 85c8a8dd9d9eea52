"""The rating form: two scores of 1-5 and an optional comment."""

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectChoice, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from app.core.forms import BaseForm

SCORES = [SelectChoice(str(n), str(n)) for n in range(1, 6)]


class RatingForm(BaseForm):
    service_score = RadioField(
        _l("Pelayanan (keramahan, ketepatan waktu, kemudahan)"),
        choices=SCORES,
        coerce=int,
        validators=[InputRequired(message=_l("Pilih nilai pelayanan, 1 sampai 5."))],
    )
    substance_score = RadioField(
        _l("Substansi jawaban (jelas, tuntas, dapat ditindaklanjuti)"),
        choices=SCORES,
        coerce=int,
        validators=[InputRequired(message=_l("Pilih nilai substansi jawaban, 1 sampai 5."))],
    )
    comment = TextAreaField(
        _l("Komentar (tidak wajib)"),
        validators=[Optional(), Length(max=2000, message=_l("Komentar paling banyak 2.000 karakter."))],
    )
