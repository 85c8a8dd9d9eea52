"""Every page a browser journey visits is checked by the outside validators.

The test drives an AuditedPage: before any action that may leave the page (goto, a click, a
key press, back), axe-core runs on the page as it stands, with what the person typed, once per
document and width, then once more with its folded panels opened. The browser's document
requests go through a route that keeps the HTML the server answered, for the Nu HTML Checker
(an upload goes out from the browser itself, and the page it answers is read from the DOM). Each page is also measured at the width it is shown: nothing
may stick out sideways (a phone must not scroll left and right). The findings of a whole test
are reported together when it ends.
"""

import json
from dataclasses import dataclass, field

from tests.e2e.validators import AXE_TAGS, NuChecker, axe_source

# Run in the page: axe's WCAG 2.1 A/AA rules and the sideways overflow, once per document and
# width. With `unfold`, the folded panels of the page (<details>, Bootstrap collapses: the
# decision forms, a void reason) are opened for the check and folded again: axe skips what is
# hidden, and a person opens them.
AUDIT_JS = """async (unfold) => { const tags = TAGS;
  const key = window.innerWidth + (unfold ? '-unfolded' : '');
  window.__audited = window.__audited || [];
  if (window.__audited.includes(key) || !window.axe) return null;
  window.__audited.push(key);
  const panels = unfold ? [...document.querySelectorAll('main details, main .collapse')]
    .filter(p => !(p.open || p.classList.contains('show'))) : [];
  if (unfold && !panels.length) return null;
  panels.forEach(p => p.tagName === 'DETAILS' ? p.open = true : p.classList.add('show'));
  let result;
  try {
    result = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  } finally {
    panels.forEach(p => p.tagName === 'DETAILS' ? p.open = false : p.classList.remove('show'));
  }
  const doc = document.documentElement;
  return {
    violations: result.violations.map(v => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' :: ' + (n.failureSummary || '').split('\\n').slice(1, 2).join(''))
    })),
    // An error summary's links must lead to a control of the page.
    deadLinks: unfold ? [] : [...document.querySelectorAll('#ringkasan-kesalahan a[href^="#"]')]
      .map(a => a.getAttribute('href')).filter(h => !document.getElementById(decodeURIComponent(h.slice(1)))),
    overflow: !unfold && doc.scrollWidth > window.innerWidth + 1 ? [doc.scrollWidth, window.innerWidth] : null,
    // getAttribute: a control named "action" or "method" hides the form's own properties.
    forms: Array.from(document.forms).map(f => ({
      method: f.getAttribute('method') || 'get',
      action: new URL(f.getAttribute('action') || '', location.href).href,
    })),
  };
}""".replace("TAGS", json.dumps(AXE_TAGS))


# A phone (most in use are 360-412 px wide) and a laptop (1366 x 768, the most common).
WIDTHS = ({"width": 390, "height": 844}, {"width": 1366, "height": 768})


@dataclass
class PageAudit:
    page: object
    checker: NuChecker | None
    findings: list[str] = field(default_factory=list)
    pages: list[str] = field(default_factory=list)  # every URL audited, in order
    documents: list[tuple[str, str]] = field(default_factory=list)  # (url, html) sent by the server
    enabled: bool = True
    on_forms: object = None  # called with (page url, [{method, action}]) for each page
    _uncaptured: bool = False  # the page shown came from an upload the route let through

    def install(self) -> "PageAudit":
        self.page.add_init_script(script=axe_source())
        self.page.route(lambda url: "/static/" not in url and "/bootstrap/static/" not in url, self._route)
        return self

    def _route(self, route) -> None:
        request = route.request
        if request.resource_type != "document" or request.frame != self.page.main_frame:
            route.continue_()
            return
        if "multipart/form-data" in (request.headers.get("content-type") or ""):
            # Chromium hands an intercepted upload over without its files' bytes: the
            # browser sends it itself, and the page it answers is read from the DOM.
            self._uncaptured = True
            route.continue_()
            return
        self._uncaptured = False
        # Playwright calls other than the route's own hang inside a route handler: the page
        # being left was checked by AuditedPage before the action.
        response = route.fetch(max_redirects=0)
        content_type = response.headers.get("content-type", "")
        if self.enabled and response.status < 300 and content_type.startswith("text/html"):
            self.documents.append((request.url, response.text()))
        route.fulfill(response=response)

    def check(self) -> None:
        """axe-core and the width check on the page shown now (once per document), at the
        width of a phone and of a laptop, whatever the width the test uses."""
        url = self.page.url
        if not self.enabled or not url.startswith("http"):
            return
        if self._uncaptured:
            self._uncaptured = False
            self.documents.append((url, self.page.content()))
        shown = self.page.viewport_size
        for size in WIDTHS:
            if size != shown:
                self.page.set_viewport_size(size)
            self._check_at(url, size["width"], unfold=False)
        self._check_at(url, self.page.viewport_size["width"], unfold=True)
        if self.page.viewport_size != shown:
            self.page.set_viewport_size(shown)

    def _check_at(self, url: str, width: int, *, unfold: bool) -> None:
        try:
            result = self.page.evaluate(AUDIT_JS, unfold)
        except Exception as exc:  # a navigation the test started is replacing the document
            if "context was destroyed" in str(exc) or "navigat" in str(exc):
                return
            raise
        if result is None:
            return
        if url not in self.pages:
            self.pages.append(url)
        if self.on_forms is not None:
            self.on_forms(url, result["forms"])
        where = f"{width}px, panels unfolded" if unfold else f"{width}px"
        for v in result["violations"]:
            nodes = "; ".join(v["nodes"])
            self.findings.append(f"axe {v['id']} ({v['impact']}) at {url} [{where}]: {v['help']} -> {nodes}")
        for href in result["deadLinks"]:
            self.findings.append(f"error summary at {url}: the link {href} leads to no element")
        if result["overflow"]:
            scroll, inner = result["overflow"]
            self.findings.append(f"overflow at {url}: page is {scroll}px wide in a {inner}px window")

    def finish(self) -> list[str]:
        """Audit the last page, run the HTML checker on every document; all findings."""
        self.check()
        if self.checker is not None:
            seen = set()
            for url, html in self.documents:
                for error in self.checker.check(html):
                    line = f"vnu at {url}: {error}"
                    if line not in seen:
                        seen.add(line)
                        self.findings.append(line)
        return self.findings


# Page and Locator methods that can take the browser to another document.
LEAVING = {"goto", "click", "dblclick", "tap", "press", "go_back", "go_forward", "reload", "dispatch_event"}
# Methods that give a Locator, which is wrapped in turn.
LOCATORS = {
    "locator",
    "get_by_role",
    "get_by_text",
    "get_by_label",
    "get_by_placeholder",
    "get_by_title",
    "get_by_test_id",
    "get_by_alt_text",
    "nth",
    "first",
    "last",
    "filter",
    "and_",
    "or_",
}


class Audited:
    """A Page or Locator whose actions first check the page they may leave."""

    def __init__(self, target, audit: PageAudit):
        object.__setattr__(self, "_target", target)
        object.__setattr__(self, "_audit", audit)

    def __getattr__(self, name):
        value = getattr(self._target, name)
        if name in ("first", "last"):  # properties on Locator
            return Audited(value, self._audit)
        if name in LEAVING:

            def leaving(*args, **kwargs):
                self._audit.check()
                return value(*args, **kwargs)

            return leaving
        if name in LOCATORS:
            return lambda *args, **kwargs: Audited(value(*args, **kwargs), self._audit)
        return value

    def __setattr__(self, name, value):
        setattr(self._target, name, value)

    def __repr__(self) -> str:
        return f"Audited({self._target!r})"
