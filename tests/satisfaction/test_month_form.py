"""The satisfaction overview has a month form, like the monthly report, holding the month
shown; its tables scroll on a phone and can be reached with the keyboard (axe-core)."""

import re

from tests.requests.helpers import login_as


def test_the_month_form_holds_the_month_shown(app, client, coordinator):
    login_as(client, coordinator)
    for asked, shown in ((None, "2026-11"), ("2026-10", "2026-10")):
        query = {"bulan": asked} if asked else {}
        page = client.get("/koordinator/kepuasan", query_string=query).get_data(as_text=True)
        form = re.search(r'<form method="get" action="/koordinator/kepuasan".*?</form>', page, re.S).group(0)
        assert re.search(rf'<input[^>]*type="month" id="bulan" name="bulan" value="{shown}"', form)
        assert '<label class="form-label small mb-0" for="bulan">' in form


def test_the_tables_can_be_scrolled_with_the_keyboard(app, client, coordinator):
    login_as(client, coordinator)
    page = client.get("/koordinator/kepuasan").get_data(as_text=True)
    regions = re.findall(r'<div class="table-responsive[^"]*"[^>]*>', page)
    assert len(regions) == 2
    for region in regions:
        assert 'tabindex="0"' in region and 'role="region"' in region
        heading = re.search(r'aria-labelledby="([^"]+)"', region).group(1)
        assert f'id="{heading}"' in page
