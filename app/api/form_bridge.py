"""The web pages' WTForms forms, fed from a JSON body: the API checks a decision, a withdrawal
or a rating with the very form (and messages) the page uses, never a second copy of the rules."""

from werkzeug.datastructures import MultiDict

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


def errors_of(form) -> dict[str, list[str]]:
    return {name: [str(m) for m in field.errors] for name, field in form._fields.items() if field.errors}


def refuse(form, title=None) -> ApiProblem:
    return ApiProblem(422, title=title, errors=errors_of(form))
