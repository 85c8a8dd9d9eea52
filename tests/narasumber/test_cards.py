"""The session cards of the narasumber's list: what is no longer in force is not faded, and the
meeting link inside a card can be tapped although "Lihat rincian" stretches over the card."""

import re

from tests.requests.helpers import login_as, text_of


def test_a_declined_assignment_is_not_faded_on_the_list(client, world):
    """opacity on the card took its badge and "Lihat rincian" below 4.5:1 contrast (axe-core)."""
    login_as(client, world["ani"].user)
    client.post(f"/narasumber/{world['ani_upcoming'].id}/tolak", data={"reason": "Dinas luar ke Medan"})
    page = text_of(client.get("/narasumber/"))
    assert "Ditolak" in page and "opacity" not in page


def test_the_meeting_link_sits_above_the_stretched_link(client, world):
    login_as(client, world["ani"].user)
    page = text_of(client.get("/narasumber/"))
    assert "stretched-link" in page
    wrappers = re.findall(r'<span class="([^"]*)">\s*<a href="[^"]*" rel="noopener"[^>]*>Tautan rapat', page)
    assert wrappers and all("position-relative" in w and "z-2" in w for w in wrappers)
