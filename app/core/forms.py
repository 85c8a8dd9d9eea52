"""BaseForm: every form of the app, with WTForms' own messages in the user's language.

WTForms ships no Indonesian catalogue, so translations/id/LC_MESSAGES/wtforms.po carries
one; other languages fall back to WTForms' bundled catalogues.
"""

from pathlib import Path

from babel import support
from flask import has_request_context, request
from flask_babel import get_locale
from flask_wtf import FlaskForm
from wtforms import Form, SelectMultipleField
from wtforms.i18n import messages_path
from wtforms.widgets import CheckboxInput, ListWidget

OWN_TRANSLATIONS = str(Path(__file__).resolve().parents[2] / "translations")


class _Translations:
    def _catalogue(self):
        if not has_request_context():
            return None
        cached = getattr(request, "_wtforms_translations", None)
        if cached is None:
            locale = str(get_locale() or "id")
            own = support.Translations.load(OWN_TRANSLATIONS, [locale], domain="wtforms")
            bundled = support.Translations.load(messages_path(), [locale], domain="wtforms")
            cached = own.merge(bundled) if isinstance(own, support.Translations) else bundled
            request._wtforms_translations = cached
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
