"""The region and unit (Pemda/DPRD) fields of the forms that name a Pemda by hand: the front
desk's walk-in and the coordinator's breach record. Rendered by templates/regions/_picker.html
(the regions grouped by province come from app.auth.forms.region_groups)."""

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectChoice, SelectField
from wtforms.validators import DataRequired, InputRequired

from app.auth.models import UnitType


def _region_id(value):
    return int(value) if str(value or "").isdigit() else None


def region_field(required_message) -> SelectField:
    """The region <select>; its value is a region id, or None when none (or junk) was sent."""
    return SelectField(
        _l("Daerah"),
        coerce=_region_id,
        validate_choice=False,
        validators=[DataRequired(message=required_message)],
    )


def unit_type_field() -> RadioField:
    """Pemda or DPRD of the region, Pemda by default."""
    return RadioField(
        _l("Unit"),
        choices=[
            SelectChoice(UnitType.PEMDA.value, _l("Pemerintah Daerah (Pemda)")),
            SelectChoice(UnitType.DPRD.value, _l("DPRD")),
        ],
        default=UnitType.PEMDA.value,
        validators=[InputRequired(message=_l("Pilih unit: Pemda atau DPRD."))],
    )
