"""Fixtures of the invite tests: time frozen on Tuesday 1 December 2026, and every invite or
feed the code builds checked for 75-octet lines and by three parsers: icalendar and vobject
at once, ical.js (Thunderbird's parser, tests/icaljs.py) for the whole test's batch at its end.

Without node or node_modules/ical.js, the batch check fails under CI and is left out
elsewhere (the tests that read ical.js's view themselves are skipped: run `npm ci`).
"""

import os

import pytest
import time_machine

from app.invites import ics
from tests import icaljs
from tests.invites.helpers import agrees, checked
from tests.requests.helpers import NOW


@pytest.fixture(autouse=True)
def _every_calendar_checked(monkeypatch):
    built = []
    for name in ("build_invite", "build_uninvite", "build_feed"):
        original = getattr(ics, name)

        def wrapper(*args, _original=original, **kwargs):
            content = _original(*args, **kwargs)
            checked(content)
            built.append(content)
            return content

        monkeypatch.setattr(ics, name, wrapper)
    yield built
    if built and (icaljs.missing() is None or os.environ.get("CI")):
        for content, view in zip(built, icaljs.parse(built), strict=True):
            agrees(content, view)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller
