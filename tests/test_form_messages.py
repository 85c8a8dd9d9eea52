"""WTForms' own messages (a bad choice, a bad date) reach the user in Indonesian too."""

from flask import session
from flask_babel import refresh
from werkzeug.datastructures import MultiDict
from wtforms import DateField, FormField, SelectChoice, SelectField

from app.core.forms import BaseForm, BaseSubForm


class _Row(BaseSubForm):
    day = DateField("Tanggal")


class _Form(BaseForm):
    class Meta:
        csrf = False

    choice = SelectField("Pilihan", choices=[SelectChoice("a", "A"), SelectChoice("b", "B")])
    row = FormField(_Row)


def _errors(app, lang: str) -> dict:
    with app.test_request_context("/", method="POST"):
        session["lang"] = lang
        refresh()
        form = _Form(formdata=MultiDict({"choice": "z", "row-day": "31/31/2026"}))
        assert not form.validate()
        return form.errors


def test_builtin_messages_in_indonesian(app):
    errors = _errors(app, "id")
    assert errors["choice"] == ["Pilihan tidak valid."]
    assert errors["row"]["day"] == ["Tanggal tidak valid."]


def test_builtin_messages_in_english(app):
    errors = _errors(app, "en")
    assert errors["choice"] == ["Not a valid choice."]
    assert errors["row"]["day"] == ["Not a valid date value."]
