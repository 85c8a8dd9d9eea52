"""app.core.forms.html_params writes exactly what WTForms' own html_params writes."""

import pytest
from markupsafe import Markup
from wtforms import widgets
from wtforms.widgets import core

from app.core import forms
from app.core.forms import html_params

CASES = [
    {},
    {"name": "text1", "id": "f", "class_": "text"},
    {"checked": True, "readonly": False, "name": "text1", "abc": "hello"},
    {"data_attr": "user.name", "aria_labeledby": "name", "data_x_y_z": 1},
    {"value": 'a "quoted" <b>&</b> value', "title": "it's"},
    {"value": Markup('already "safe" <i>markup</i>')},
    {"for_": "x", "class__": "double", "min": 0, "max": 10.5, "step": None},
    {"placeholder": "Nama tamu tambahan", "aria_describedby": "a b", "required": True},
    {'on"click': "x", "<k>": "v"},
]


def wtforms_html_params(**kwargs):
    """WTForms' implementation, as in wtforms/widgets/core.py (3.x)."""
    params = []
    for k, v in sorted(kwargs.items()):
        k = core.clean_key(k)
        if v is True:
            params.append(k)
        elif v is False:
            pass
        else:
            v = Markup.escape(v).replace(Markup('"'), Markup("&quot;"))
            params.append(Markup('{k}="{v}"').format(k=k, v=v))
    return Markup(" ").join(params)


@pytest.mark.parametrize("kwargs", CASES)
def test_same_output_as_wtforms(kwargs):
    ours = html_params(**kwargs)
    assert isinstance(ours, Markup)
    assert ours == wtforms_html_params(**kwargs)


def test_every_widget_uses_it():
    assert core.html_params is forms.html_params and widgets.html_params is forms.html_params
    assert widgets.Input.html_params is forms.html_params
    assert widgets.TextArea.__call__.__globals__["html_params"] is forms.html_params


def test_a_rendered_field_is_unchanged():
    from wtforms import Form, StringField

    class F(Form):
        nama = StringField("Nama", render_kw={"placeholder": 'Tulis "nama"', "data_role": "x"})

    html = F(data={"nama": "<Ani>"}).nama(class_="form-control", required=True)
    assert html == (
        '<input class="form-control" data-role="x" id="nama" name="nama" '
        'placeholder="Tulis &#34;nama&#34;" required type="text" value="&lt;Ani&gt;">'
    )
