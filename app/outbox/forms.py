"""The outbox page's filter: state and a search on recipients or subject (a GET form)."""

from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice, SelectField, StringField
from wtforms.validators import Length, Optional

from app.core.forms import BaseForm
from app.outbox.models import OutboxState

STATE_LABELS = {
    "pending": _l("Menunggu"),
    "sending": _l("Sedang dikirim"),
    "sent": _l("Terkirim"),
    "failed": _l("Gagal"),
}


class OutboxFilterForm(BaseForm):
    class Meta:
        csrf = False  # a GET search form

    q = StringField(_l("Cari penerima atau subjek"), validators=[Optional(), Length(max=100)])
    state = SelectField(
        _l("Status"),
        choices=[SelectChoice("", _l("Semua status"))]
        + [SelectChoice(s.value, STATE_LABELS[s.value]) for s in OutboxState],
        validators=[Optional()],
    )

    def filters(self) -> dict:
        """The valid filters only: a tampered value shows everything rather than an error."""
        self.validate()
        return {
            "state": "" if self.state.errors else (self.state.data or ""),
            "q": "" if self.q.errors else (self.q.data or ""),
        }
