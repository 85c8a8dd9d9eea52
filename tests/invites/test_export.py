"""`flask invites export [--all] --out DIR`: one <booking code>.ics per session, read by vobject
and by ical.js (Thunderbird's parser)."""

from datetime import UTC, datetime, timedelta

import pytest

from app.domain.policy import Mode
from app.domain.states import RequestState
from app.extensions import db
from app.invites.services import code_of
from tests import factories, icaljs
from tests.invites.helpers import cancel, checked, schedule
from tests.narasumber import factories as people
from tests.requests.helpers import NOW
from tests.scheduling.factories import coordinator, narasumber, wib


@pytest.fixture
def sessions(app, frozen):
    owner = factories.pemda_user(factories.JAYAPURA)
    boss = coordinator()
    ani = narasumber("Ani Rahmawati")
    live = factories.consultation(owner, mode=Mode.VC, with_letter=False)
    gone = factories.consultation(owner, mode=Mode.VC, with_letter=False)
    waiting = factories.consultation(owner, mode=Mode.VC, with_letter=False)
    held = people.session(owner, NOW - timedelta(days=3), state=RequestState.HELD)
    db.session.commit()
    schedule(app, live, [ani], boss, wib("2026-12-08", "09:00"), wib("2026-12-08", "10:00"))
    schedule(app, gone, [ani], boss, wib("2026-12-09", "09:00"), wib("2026-12-09", "10:00"))
    cancel(app, gone, boss)
    return {"live": live, "gone": gone, "waiting": waiting, "held": held}


def test_export_writes_current_sessions(runner, sessions, tmp_path):
    result = runner.invoke(args=["invites", "export", "--out", str(tmp_path / "ics")])
    assert result.exit_code == 0, result.output
    live = sessions["live"]
    assert live.booking_code  # a scheduled session is named by its booking code
    assert sorted(p.name for p in (tmp_path / "ics").iterdir()) == [f"{live.booking_code_display}.ics"]
    path = tmp_path / "ics" / f"{live.booking_code_display}.ics"
    cal = checked(path.read_bytes())
    assert (
        cal.method.value == "REQUEST" and cal.vevent.uid.value == f"konsultasi-{live.id}@djpk.kemenkeu.go.id"
    )
    view = icaljs.parse_one(path)
    [event] = view["events"]
    assert view["method"] == "REQUEST" and event["uid"] == f"konsultasi-{live.id}@djpk.kemenkeu.go.id"
    assert (event["sequence"], event["status"]) == (0, "CONFIRMED")
    assert event["dtstart"] == datetime(2026, 12, 8, 2, 0, tzinfo=UTC)


def test_export_all_adds_held_and_cancelled(runner, sessions, tmp_path):
    result = runner.invoke(args=["invites", "export", "--all", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    names = {p.name for p in tmp_path.iterdir()}
    expected = {f"{code_of(sessions[k])}.ics" for k in ("live", "gone", "held")}
    assert names == expected  # the waiting request has no time, so no invite
    gone = checked((tmp_path / f"{code_of(sessions['gone'])}.ics").read_bytes())
    assert gone.method.value == "CANCEL" and gone.vevent.status.value == "CANCELLED"
    held = checked((tmp_path / f"{code_of(sessions['held'])}.ics").read_bytes())
    assert held.method.value == "REQUEST" and held.vevent.sequence.value == "0"

    files = {k: tmp_path / f"{code_of(sessions[k])}.ics" for k in ("live", "gone", "held")}
    views = dict(zip(files, icaljs.parse(list(files.values())), strict=True))  # one node process
    seen = {k: (v["method"], v["events"][0]["sequence"], v["events"][0]["status"]) for k, v in views.items()}
    assert seen == {
        "live": ("REQUEST", 0, "CONFIRMED"),
        "gone": ("CANCEL", 1, "CANCELLED"),
        "held": ("REQUEST", 0, "CONFIRMED"),
    }
    assert views["gone"]["events"][0]["valarms"] == 0
    held_start = views["held"]["events"][0]["dtstart"]
    assert held_start == sessions["held"].scheduled_start.astimezone(UTC)


def test_export_needs_a_folder(runner, app):
    result = runner.invoke(args=["invites", "export"])
    assert result.exit_code != 0 and "--out" in result.output
