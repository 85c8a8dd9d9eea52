"""The narasumber's list in English: the heading over several sessions is plural (it read
"UPCOMING SESSION", the CSS writing it in capitals), and a time range names its zone once."""

from tests.requests.helpers import login_as, text_of


def test_upcoming_sessions_heading_is_plural_in_english(client, world):
    login_as(client, world["ani"].user)
    client.post("/bahasa/en")
    page = text_of(client.get("/narasumber/"))
    assert "Upcoming sessions</h2>" in page and "Past sessions</h2>" in page
    assert "11:00\u202fAM–12:00\u202fPM WITA" in page  # the Balikpapan session, zone once
