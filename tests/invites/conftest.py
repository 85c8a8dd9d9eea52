"""Fixtures of the invite tests: time frozen on Tuesday 1 December 2026, and every invite or
feed the code builds checked by a second parser (vobject) and for 75-octet lines."""

import pytest
import time_machine

from app.invites import ics
from tests.invites.helpers import checked
from tests.requests.helpers import NOW


@pytest.fixture(autouse=True)
def _every_calendar_checked(monkeypatch):
    built = []
    for name in ("build_invite", "build_feed"):
        original = getattr(ics, name)

        def wrapper(*args, _original=original, **kwargs):
            content = _original(*args, **kwargs)
            checked(content)
            built.append(content)
            return content

        monkeypatch.setattr(ics, name, wrapper)
    return built


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller
