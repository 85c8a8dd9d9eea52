"""Read a page's forms as a browser would: their controls, and what submitting them sends.

Used by tests that check a page can actually be sent as rendered (every field the server
needs is on the page, the entries survive a re-render) without a real browser.
"""

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Control:
    tag: str
    attrs: dict
    text: str = ""
    options: list[dict] = field(default_factory=list)

    @property
    def name(self) -> str | None:
        return self.attrs.get("name")

    @property
    def type(self) -> str:
        return (self.attrs.get("type") or "text").lower() if self.tag == "input" else self.tag


@dataclass
class Form:
    attrs: dict
    controls: list[Control] = field(default_factory=list)

    def named(self, name: str) -> list[Control]:
        return [c for c in self.controls if c.name == name]

    def names(self) -> set[str]:
        return {c.name for c in self.controls if c.name}

    def submission(self) -> dict[str, list[str]]:
        """The name/value pairs a browser sends (no submit button, no file)."""
        data: dict[str, list[str]] = {}
        for c in self.controls:
            if not c.name or "disabled" in c.attrs:
                continue
            if c.type in {"checkbox", "radio"}:
                if "checked" in c.attrs:
                    data.setdefault(c.name, []).append(c.attrs.get("value", "on"))
            elif c.type in {"submit", "button", "reset", "image", "file"}:
                continue
            elif c.tag == "select":
                chosen = [o for o in c.options if "selected" in o] or c.options[:1]
                data.setdefault(c.name, []).extend(o.get("value", "") for o in chosen)
            elif c.tag == "textarea":
                # HTML drops one newline right after <textarea>, as WTForms writes it (\r\n).
                text = c.text.removeprefix("\r\n") if c.text.startswith("\r\n") else c.text.removeprefix("\n")
                data.setdefault(c.name, []).append(text)
            else:
                data.setdefault(c.name, []).append(c.attrs.get("value", ""))
        return data


class _Parser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._open: Control | None = None

    def handle_starttag(self, tag, attrs):
        attributes = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self._form = Form(attributes)
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input":
            self._form.controls.append(Control(tag, attributes))
        elif tag in {"select", "textarea"}:
            self._open = Control(tag, attributes)
            self._form.controls.append(self._open)
        elif tag == "option" and self._open is not None and self._open.tag == "select":
            self._open.options.append(attributes)

    def handle_data(self, data):
        if self._open is not None and self._open.tag == "textarea":
            self._open.text += data

    def handle_endtag(self, tag):
        if tag in {"select", "textarea"}:
            self._open = None
        elif tag == "form":
            self._form = None


def forms_of(response) -> list[Form]:
    parser = _Parser()
    parser.feed(response.get_data(as_text=True))
    return parser.forms


def form_posting_to(response, path_end: str = "", method: str = "post") -> Form:
    """The one form of `method` whose action ends with `path_end` ("": posts to the page itself)."""

    def matches(action: str) -> bool:
        return action.endswith(path_end) if path_end else action == ""

    found = [
        f
        for f in forms_of(response)
        if f.attrs.get("method", "get").lower() == method and matches(f.attrs.get("action", ""))
    ]
    assert len(found) == 1, f"{len(found)} forms post to ...{path_end}"
    return found[0]
