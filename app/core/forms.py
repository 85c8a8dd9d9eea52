"""BaseForm: every form of the app, with WTForms' own messages in the user's language.

WTForms ships no Indonesian catalogue, so translations/id/LC_MESSAGES/wtforms.po carries
one; other languages fall back to WTForms' bundled catalogues.
"""

from pathlib import Path

from babel import support
from flask import has_request_context
from flask_babel import get_locale
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import Form, SelectMultipleField, widgets
from wtforms.i18n import messages_path
from wtforms.widgets import CheckboxInput, ListWidget
from wtforms.widgets import core as widgets_core

OWN_TRANSLATIONS = str(Path(__file__).resolve().parents[2] / "translations")

# locale -> WTForms' messages merged with ours, read from disk once per process.
_catalogues: dict[str, support.NullTranslations] = {}


class _Translations:
    def _catalogue(self):
        if not has_request_context():
            return None
        locale = str(get_locale() or "id")
        cached = _catalogues.get(locale)
        if cached is None:
            own = support.Translations.load(OWN_TRANSLATIONS, [locale], domain="wtforms")
            bundled = support.Translations.load(messages_path(), [locale], domain="wtforms")
            cached = own.merge(bundled) if isinstance(own, support.Translations) else bundled
            _catalogues[locale] = cached
        return cached

    def gettext(self, string):
        catalogue = self._catalogue()
        return string if catalogue is None else catalogue.ugettext(string)

    def ngettext(self, singular, plural, n):
        catalogue = self._catalogue()
        if catalogue is None:
            return singular if n == 1 else plural
        return catalogue.ungettext(singular, plural, n)


_translations = _Translations()


class BaseForm(FlaskForm):
    class Meta(FlaskForm.Meta):
        def get_translations(self, form):
            return _translations

        def bind_field(self, form, unbound_field, options):
            # Pages hold several forms; an id on each hidden CSRF input would repeat
            # ("csrf_token") and nothing refers to it, so it is rendered without one.
            if options.get("name") == self.csrf_field_name:
                kwargs = unbound_field.kwargs
                kwargs["render_kw"] = {**(kwargs.get("render_kw") or {}), "id": False}
            return super().bind_field(form, unbound_field, options)


class BaseSubForm(Form):
    """For FormField rows: WTForms sub-forms do not inherit the parent's translations."""

    class Meta:
        def get_translations(self, form):
            return _translations


class MultiCheckboxField(SelectMultipleField):
    """A group of checkboxes, one per choice.

    The field's validators judge the group ("pick at least one"), but WTForms hands them to
    every box as well, so InputRequired/DataRequired would print `required` on each box and
    the browser would refuse to send the form until every box is ticked. The boxes carry no
    `required`; the server checks the group and says what is missing.
    """

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def __iter__(self):
        for option in super().__iter__():
            option.flags.required = False
            yield option


def html_params(**kwargs) -> Markup:
    """WTForms' `html_params` with the same output, written with f-strings.

    WTForms builds each attribute with `Markup.format`, a `string.Formatter` that escapes
    field by field; the new request form renders 110 fields (about 400 attributes) and spent
    a third of its time there. Same rules: keys sorted and cleaned (`class_` -> `class`,
    `data_x_y` -> `data-x-y`), True a bare attribute, False none, keys and values escaped and
    a double quote in a Markup value written `&quot;`. tests/test_form_widgets.py compares
    the two on every kind of value.
    """
    params = []
    for key, value in sorted(kwargs.items()):
        key = widgets_core.clean_key(key)
        if value is True:
            params.append(str(escape(key)))
        elif value is not False:
            params.append(f'{escape(key)}="{str(escape(value)).replace(chr(34), "&quot;")}"')
    return Markup(" ".join(params))


def install_html_params() -> None:
    """Every WTForms widget renders its attributes with html_params above: the module
    function (also re-exported by `wtforms.widgets`, which the fields use) and the classes
    that keep it as a static method."""
    widgets_core.html_params = widgets.html_params = html_params
    for widget in list(vars(widgets_core).values()):
        if isinstance(widget, type) and isinstance(widget.__dict__.get("html_params"), staticmethod):
            widget.html_params = staticmethod(html_params)


install_html_params()
