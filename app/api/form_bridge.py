"""The web pages' WTForms forms, fed from a JSON body: the API checks a decision, a withdrawal
or a rating with the very form (and messages) the page uses, never a second copy of the rules."""

from werkzeug.datastructures import MultiDict
from wtforms import FieldList

from app.api.problems import ApiProblem


def bind(form_class, data: dict, **kwargs):
    """`form_class` filled from `data` (lists as repeated values, true as "y", null left out),
    without a CSRF token (an API call carries none: it is authenticated by its token)."""
    fields = MultiDict()
    for name, value in (data or {}).items():
        for item in value if isinstance(value, list) else [value]:
            if item is None or item is False:
                continue
            fields.add(name, "y" if item is True else str(item))
    return form_class(formdata=fields, meta={"csrf": False}, **kwargs)


def errors_of(form, row: str = "{list}-{i}-{field}") -> dict[str, list[str]]:
    """Every message of `form` by field name; a row of a list of sub-forms (a delegation member,
    a guest) named by `row` ("delegation-2-email" as the multipart body names it, or
    "guests.2.name" for a JSON list)."""
    out: dict[str, list[str]] = {}
    for name, field in form._fields.items():
        if isinstance(field, FieldList):
            for i, entry in enumerate(field):
                for sub in entry.form:
                    if sub.errors:
                        out[row.format(list=name, i=i, field=sub.short_name)] = [str(m) for m in sub.errors]
        elif field.errors and name != "csrf_token":
            out[name] = [str(m) for m in field.errors]
    return out


def refuse(form) -> ApiProblem:
    return ApiProblem(422, errors=errors_of(form))
