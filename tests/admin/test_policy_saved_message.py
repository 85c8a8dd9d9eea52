"""The message after saving a policy version writes its date as the language does ("Senin,
4 Januari 2027"; "Monday, 4 January 2027"), never "04-01-2027"."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from app.domain.policy import PolicyValues
from app.policy.services import ensure_default_policy

NOW = datetime(2026, 6, 1, 3, 0, tzinfo=UTC)  # Monday 10:00 WIB


def _form(**changes):
    values = PolicyValues().to_dict()
    form = {k: v for k, v in values.items() if not isinstance(v, bool)}
    form |= {k: "y" for k, v in values.items() if v is True}
    return form | {"effective_from": "2027-01-04T00:00", "note": "Tahun baru"} | changes


@pytest.mark.parametrize(
    ("lang", "shown"),
    [
        ("id", "berlaku mulai Senin, 4 Januari 2027 00.00 WIB."),
        ("en", "takes effect on Monday, 4 January 2027 12:00\u202fAM WIB."),
    ],
)
@time_machine.travel(NOW, tick=False)
def test_the_saved_message_writes_the_date_in_words(client, logged_in, lang, shown):
    ensure_default_policy(NOW - timedelta(days=30))
    logged_in("admin")
    client.post(f"/bahasa/{lang}")
    response = client.post("/admin/kebijakan/baru", data=_form(), follow_redirects=True)
    page = response.get_data(as_text=True)
    assert shown in page
    assert "04-01-2027" not in page
