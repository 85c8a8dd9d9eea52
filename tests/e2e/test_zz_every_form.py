"""The guard over the browser journeys: every form of the product was submitted in Chromium.

Runs last in tests/e2e (file order). It needs the journeys of the same session: when only
some of them ran (a -k selection, one file) it skips; in a full run (make test, CI) it fails
for each POST route nobody submitted and each GET form seen on a page that nobody sent.
"""

from pathlib import Path

import pytest

from tests.e2e.coverage import COVERAGE

pytestmark = pytest.mark.e2e
HERE = Path(__file__).resolve().parent
# Routes answering POST that no page offers as a form of its own; each says why.
NOT_A_FORM: dict[str, str] = {}


def _journeys_ran(session) -> bool:
    files = {p.name for p in HERE.glob("test_*.py")} - {Path(__file__).name}
    items = [i for i in session.items if Path(str(i.fspath)).parent == HERE and i.nodeid != ""]
    ran_files = {Path(str(i.fspath)).name for i in items}
    # The journeys are the tests that drive the audited page (a test of a third-party page
    # with a plain one, the API reference, records no forms).
    journeys = [
        i
        for i in items
        if Path(str(i.fspath)).name != Path(__file__).name
        and "browser_page" in getattr(i, "fixturenames", ())
    ]
    return files <= ran_files and all(i.nodeid in COVERAGE.tests for i in journeys)


def test_every_form_was_submitted_in_the_browser(app, request):
    if not _journeys_ran(request.session):
        pytest.skip("needs every browser journey of tests/e2e in this session, all passing")
    post_routes = {
        ("POST", rule.endpoint)
        for rule in app.url_map.iter_rules()
        if "POST" in (rule.methods or ())
        and rule.endpoint not in NOT_A_FORM
        # The JSON API's operations are no page's forms: tests/api calls each one, and
        # schemathesis calls them all from the OpenAPI document.
        and not rule.rule.startswith("/api/")
    }
    missing_posts = sorted(e for m, e in post_routes - set(COVERAGE.submitted))
    get_forms = {key for key in COVERAGE.seen if key[0] == "GET"}
    missing_gets = sorted(
        f"{e} (on {COVERAGE.seen[('GET', e)]})" for m, e in get_forms - set(COVERAGE.submitted)
    )
    broken = sorted(f"{e} (on {page})" for (m, e), page in COVERAGE.seen.items() if e.startswith("<no route"))
    assert not broken, f"forms whose action the app does not answer: {broken}"
    assert not missing_posts, (
        f"{len(missing_posts)} POST routes never submitted by a browser: {missing_posts}"
    )
    assert not missing_gets, f"{len(missing_gets)} GET forms never submitted by a browser: {missing_gets}"
