"""The report page fits a 390 px phone: the trend table's headings ("Video Conference",
"Tatap Muka") may wrap; only the figures stay on one line (the page was 405 px wide)."""

import re

from tests.reports.test_pages import PAGES


def test_number_headings_may_wrap(app, april, client, auth, coordinator):
    auth.login(coordinator)
    for url in (PAGES[0], PAGES[3]):
        page = client.get(url).get_data(as_text=True)
        assert 'href="/static/css/report.' in page  # the page's rules (no inline style)
        with client.get("/static/css/report.css") as css:
            rules = re.findall(r"([^{}]*)\{([^}]*white-space:\s*nowrap[^}]*)\}", css.get_data(as_text=True))
        assert rules, "the figures keep their nowrap rule"
        assert all("th.num" not in selector for selector, _body in rules), rules
