"""A second, independent reading of calendar files: Mozilla's ical.js (Thunderbird's parser)
through tests/js/parse_ics.mjs, one node process for a whole batch of calendars.

parse() gives, per calendar, the dict the script prints: method, components, timezones and
events (uid, sequence, status, dtstart/dtend as aware UTC datetimes, summary, location,
description, url, organizer, attendees, valarms). A calendar ical.js refuses fails the test.
Without node or node_modules/ical.js the test fails under CI (CI set) and is skipped
elsewhere: run `npm ci` in the project folder.
"""

import json
import os
import shutil
import subprocess
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "tests" / "js" / "parse_ics.mjs"
LIBRARY = ROOT / "node_modules" / "ical.js" / "dist" / "ical.js"
TIMEOUT = 60  # seconds for one batch


def missing() -> str | None:
    """Why ical.js cannot run here, or None."""
    if shutil.which("node") is None:
        return "node is not installed"
    if not LIBRARY.is_file():
        return f"{LIBRARY.relative_to(ROOT)} is missing"
    return None


def require() -> None:
    reason = missing()
    if reason is None:
        return
    message = f"ical.js cannot run ({reason}): run `npm ci` in {ROOT}"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def parse(calendars: Sequence[bytes | str | Path]) -> list[dict]:
    """ical.js's view of each calendar (bytes, text or a file), in order."""
    require()
    batch = []
    for i, item in enumerate(calendars):
        if isinstance(item, Path):
            name, text = str(item), item.read_bytes().decode("utf-8")
        else:
            name, text = f"#{i}", item.decode("utf-8") if isinstance(item, bytes) else item
        batch.append({"name": name, "ics": text})
    if not batch:
        return []
    done = subprocess.run(
        ["node", str(SCRIPT)],
        input=json.dumps(batch),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=TIMEOUT,
        check=False,
    )
    assert done.returncode == 0, f"parse_ics.mjs exited with {done.returncode}: {done.stderr[-2000:]}"
    views = []
    for result in json.loads(done.stdout):
        assert "error" not in result, f"ical.js refused {result['name']}: {result['error']}"
        views.append(_typed(result["calendar"]))
    return views


def parse_one(calendar: bytes | str | Path) -> dict:
    [view] = parse([calendar])
    return view


def _typed(calendar: dict) -> dict:
    for event in calendar["events"]:
        for key in ("dtstart", "dtend", "dtstamp"):
            if event[key] and "T" in event[key]:
                event[key] = datetime.fromisoformat(event[key])
        for person in [event["organizer"], *event["attendees"]]:
            if person:
                value = person["value"]
                person["email"] = (value[7:] if value.lower().startswith("mailto:") else value).lower()
    return calendar
