"""app.invites.ics on plain values: RFC 5545/5546 structure, folding, escaping; read by
icalendar, vobject and ical.js (Thunderbird's parser)."""

from datetime import UTC, datetime, timedelta

import pytest

from app.invites import ics
from tests import icaljs
from tests.invites.helpers import attendees, checked, unfolded

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
START = datetime(2026, 12, 8, 2, 0, tzinfo=UTC)  # 09:00 WIB

LONG_AGENDA = (
    "Konsultasi mengenai penyaluran Dana Bagi Hasil (DBH) sawit – pembagian ke kabupaten/kota, "
    "penggunaan “earmarked” 50% untuk infrastruktur jalan, réalisasi triwulan III, serta "
    "penyesuaian APBD-P 2027; mohon dijelaskan juga perhitungan alokasi DAU ‘block grant’ "
    "dan dampaknya terhadap belanja pegawai ≥ 30% — termasuk SIMTRADA & TDF. ✓"
)


def _event(**overrides) -> ics.SessionEvent:
    values = {
        "uid": "konsultasi-7@djpk.kemenkeu.go.id",
        "start": START,
        "end": START + timedelta(hours=1),
        "summary": "Konsultasi DJPK – Kab. Brebes (tatap muka)",
        "description": f"Agenda: {LONG_AGENDA}\nKode pemesanan: KNS-2026-00007",
        "location": "Ruang Rapat Dahlia, Gedung Radius Prawiro lantai 9, Jl. Dr. Wahidin Raya No. 1, "
        "Jakarta Pusat 10710",
        "organizer": ics.Person("mailto:konsultasi@djpk.kemenkeu.go.id", "Konsultasi DJPK"),
        "attendees": (
            ics.Person("siti@brebeskab.go.id", 'Siti Aminah, S.E., M.Si. "Bu Siti"'),
            ics.Person("ani@kemenkeu.go.id", "Dr. Ani Rahmawati Ṣalīḥah Nugroho-Wibowo, S.E., M.Ec.Dev."),
            ics.Person("resepsionis@djpk.kemenkeu.go.id", "Resepsionis DJPK", "NON-PARTICIPANT"),
        ),
        "sequence": 3,
        "alarm_text": "Konsultasi DJPK dimulai 30 menit lagi",
    }
    values.update(overrides)
    return ics.SessionEvent(**values)


def test_request_has_every_property_an_invite_needs():
    content = ics.build_invite(_event(), method="REQUEST", now=NOW)
    cal = checked(content)
    assert cal.method.value == "REQUEST"
    assert cal.prodid.value == ics.PRODID and cal.calscale.value == "GREGORIAN"
    [event] = cal.vevent_list
    assert event.uid.value == "konsultasi-7@djpk.kemenkeu.go.id"
    assert event.sequence.value == "3"
    assert event.dtstamp.value == NOW
    assert event.dtstart.value == START and event.dtend.value == START + timedelta(hours=1)
    assert event.status.value == "CONFIRMED"
    assert LONG_AGENDA in event.description.value
    assert event.location.value.startswith("Ruang Rapat Dahlia, Gedung Radius Prawiro lantai 9")
    assert event.organizer.value == "mailto:konsultasi@djpk.kemenkeu.go.id"
    assert event.organizer.params["CN"] == ["Konsultasi DJPK"]
    people = attendees(event)
    assert set(people) == {"siti@brebeskab.go.id", "ani@kemenkeu.go.id", "resepsionis@djpk.kemenkeu.go.id"}
    for params in people.values():
        assert params["RSVP"] == ["TRUE"] and params["PARTSTAT"] == ["NEEDS-ACTION"]
    assert people["resepsionis@djpk.kemenkeu.go.id"]["ROLE"] == ["NON-PARTICIPANT"]
    assert people["ani@kemenkeu.go.id"]["ROLE"] == ["REQ-PARTICIPANT"]
    # A double quote cannot stand in a parameter value: it becomes a single quote.
    assert people["siti@brebeskab.go.id"]["CN"] == ["Siti Aminah, S.E., M.Si. 'Bu Siti'"]
    alarm = event.valarm
    assert alarm.action.value == "DISPLAY" and alarm.trigger.value == -timedelta(minutes=30)

    view = icaljs.parse_one(content)
    assert view["method"] == "REQUEST" and view["components"] == ["VEVENT"]
    [seen] = view["events"]
    assert (seen["uid"], seen["sequence"], seen["status"]) == (
        "konsultasi-7@djpk.kemenkeu.go.id",
        3,
        "CONFIRMED",
    )
    assert (seen["dtstart"], seen["dtend"], seen["dtstamp"]) == (START, START + timedelta(hours=1), NOW)
    assert LONG_AGENDA in seen["description"] and seen["valarms"] == 1
    assert seen["organizer"]["email"] == "konsultasi@djpk.kemenkeu.go.id"
    assert {a["email"]: a["role"] for a in seen["attendees"]} == {
        "siti@brebeskab.go.id": "REQ-PARTICIPANT",
        "ani@kemenkeu.go.id": "REQ-PARTICIPANT",
        "resepsionis@djpk.kemenkeu.go.id": "NON-PARTICIPANT",
    }


def test_times_are_written_in_utc_whatever_zone_they_come_in():
    from zoneinfo import ZoneInfo

    wita = START.astimezone(ZoneInfo("Asia/Makassar"))
    text = unfolded(
        ics.build_invite(_event(start=wita, end=wita + timedelta(hours=1)), method="REQUEST", now=NOW)
    )
    assert "DTSTART:20261208T020000Z" in text and "DTEND:20261208T030000Z" in text
    assert "TZID" not in text


def test_cancel_carries_cancel_and_cancelled_and_no_alarm():
    content = ics.build_invite(_event(sequence=4), method="CANCEL", now=NOW)
    cal = checked(content)
    assert cal.method.value == "CANCEL"
    assert cal.vevent.status.value == "CANCELLED" and cal.vevent.sequence.value == "4"
    assert cal.vevent.uid.value == "konsultasi-7@djpk.kemenkeu.go.id"
    assert attendees(cal.vevent)
    # RFC 5546 section 3.2.5: a CANCEL carries no VALARM.
    assert not hasattr(cal.vevent, "valarm") and b"VALARM" not in content
    [seen] = icaljs.parse_one(content)["events"]
    assert (seen["status"], seen["sequence"], seen["valarms"]) == ("CANCELLED", 4, 0)
    assert len(seen["attendees"]) == 3


def test_uninvite_names_only_the_removed_attendee_and_no_status():
    removed = ics.Person("ani@kemenkeu.go.id", "Ani Rahmawati")
    content = ics.build_uninvite(_event(sequence=5, attendees=(removed,)), now=NOW)
    cal = checked(content)
    assert cal.method.value == "CANCEL"
    # Cancelling for some attendees (RFC 5546 section 3.2.5): STATUS must not be there, or
    # the event would be cancelled for everyone; no VALARM in any CANCEL.
    assert not hasattr(cal.vevent, "status") and b"STATUS" not in content
    assert not hasattr(cal.vevent, "valarm") and b"VALARM" not in content
    assert set(attendees(cal.vevent)) == {"ani@kemenkeu.go.id"}
    view = icaljs.parse_one(content)
    assert view["method"] == "CANCEL"
    [seen] = view["events"]
    assert (seen["uid"], seen["sequence"], seen["status"], seen["valarms"]) == (
        "konsultasi-7@djpk.kemenkeu.go.id",
        5,
        None,
        0,
    )
    assert [a["email"] for a in seen["attendees"]] == ["ani@kemenkeu.go.id"]
    with pytest.raises(ValueError):  # an uninvitation names whom it removes
        ics.build_uninvite(_event(attendees=()), now=NOW)


def test_long_non_ascii_lines_are_folded_at_75_octets():
    agenda = (LONG_AGENDA + " ") * 6
    content = ics.build_invite(
        _event(description=agenda, summary="Konsultasi – " + "é" * 80), method="REQUEST", now=NOW
    )
    lines = content.split(b"\r\n")
    assert max(len(line) for line in lines) <= 75
    assert any(line.startswith(b" ") for line in lines)  # really folded
    cal = checked(content)
    assert cal.vevent.description.value == agenda  # and unfolded back intact
    assert cal.vevent.summary.value == "Konsultasi – " + "é" * 80


def test_commas_semicolons_and_newlines_survive():
    text = "Agenda: DBH, DAU; APBD\nBaris kedua\\akhir"
    cal = checked(ics.build_invite(_event(description=text), method="REQUEST", now=NOW))
    assert cal.vevent.description.value == text


def test_feed_publishes_without_attendees():
    events = [
        _event(),
        _event(
            uid="konsultasi-8@djpk.kemenkeu.go.id",
            start=START + timedelta(days=1),
            end=START + timedelta(days=1, hours=1),
        ),
    ]
    content = ics.build_feed(events, "Konsultasi DJPK – Ani", now=NOW)
    cal = checked(content)
    assert cal.method.value == "PUBLISH"
    assert cal.contents["x-wr-calname"][0].value == "Konsultasi DJPK – Ani"
    assert [e.uid.value for e in cal.vevent_list] == [
        "konsultasi-7@djpk.kemenkeu.go.id",
        "konsultasi-8@djpk.kemenkeu.go.id",
    ]
    assert all(not hasattr(e, "attendee") for e in cal.vevent_list)
    assert b"ATTENDEE" not in content
    view = icaljs.parse_one(content)
    assert view["method"] == "PUBLISH" and view["name"] == "Konsultasi DJPK – Ani"
    assert view["components"] == ["VTIMEZONE", "VEVENT", "VEVENT"]
    assert [(e["uid"], e["dtstart"]) for e in view["events"]] == [
        ("konsultasi-7@djpk.kemenkeu.go.id", START),
        ("konsultasi-8@djpk.kemenkeu.go.id", START + timedelta(days=1)),
    ]
    assert all(e["status"] == "CONFIRMED" and e["valarms"] == 1 for e in view["events"])


def test_an_empty_feed_is_still_a_calendar_with_nothing_to_show():
    content = ics.build_feed([], "Konsultasi DJPK – Ruang Dahlia", now=NOW)
    # RFC 5545 section 3.6: at least one component. The time zone of Jakarta is one, and
    # no client shows anything for it.
    cal = checked(content)
    assert not hasattr(cal, "vevent")
    assert cal.vtimezone.tzid.value == "Asia/Jakarta"
    text = unfolded(content)
    assert "BEGIN:VTIMEZONE" in text and "TZOFFSETTO:+0700" in text and "BEGIN:VEVENT" not in text
    view = icaljs.parse_one(content)
    assert view["method"] == "PUBLISH"
    assert view["components"] == ["VTIMEZONE"] and view["timezones"] == ["Asia/Jakarta"]
    assert view["events"] == []


def test_refuses_unknown_method_and_naive_times():
    with pytest.raises(ValueError):
        ics.build_invite(_event(), method="PUBLISH", now=NOW)
    with pytest.raises(ValueError):
        ics.build_invite(_event(start=datetime(2026, 12, 8, 9, 0)), method="REQUEST", now=NOW)
