"""Policy versions: the form covers every value, a version starts in the future (WIB input,
stored UTC), and the policy in force changes exactly at its effective time."""

import re
from dataclasses import fields
from datetime import UTC, datetime, time, timedelta

import time_machine
from sqlalchemy import select

from app.admin.forms import PolicyForm
from app.core.audit import AuditLog
from app.domain.policy import PolicyValues
from app.extensions import db
from app.policy.models import PolicyVersion
from app.policy.services import create_version, ensure_default_policy, policy_in_force

NOW = datetime(2026, 6, 1, 3, 0, tzinfo=UTC)  # Monday 10:00 WIB


def _form(**changes):
    values = PolicyValues().to_dict()
    form = {k: v for k, v in values.items() if not isinstance(v, bool)}
    form |= {k: "y" for k, v in values.items() if v is True}
    form |= {"effective_from": "2026-06-08T00:00", "note": "Batas tamu tatap muka naik"}
    return form | changes


def test_form_has_a_field_for_every_policy_value(app):
    with app.test_request_context():
        form = PolicyForm()
    assert {f.name for f in fields(PolicyValues)} <= {field.name for field in form}


def test_form_is_prefilled_with_the_values_in_force(client, logged_in):
    ensure_default_policy(NOW - timedelta(days=30))
    create_version(PolicyValues(max_guests_ftf=7), NOW - timedelta(days=1))
    logged_in("admin")
    text = client.get("/admin/kebijakan/baru").get_data(as_text=True)
    assert re.search(r'<input [^>]*id="max_guests_ftf"[^>]*value="7"', text)
    assert re.search(r'<input [^>]*id="service_start"[^>]*value="08:00"', text)
    assert re.search(r"<input checked[^>]*id=\"letter_required_ftf\"", text)
    assert not re.search(r"<input checked[^>]*id=\"letter_required_vc\"", text)


@time_machine.travel(NOW, tick=False)
def test_new_version_applies_from_its_effective_time(client, logged_in):
    ensure_default_policy(NOW - timedelta(days=365))
    db.session.commit()
    admin = logged_in("admin")
    response = client.post("/admin/kebijakan/baru", data=_form(max_guests_ftf="8", service_end="15:00"))
    assert response.status_code == 302
    version = db.session.scalars(select(PolicyVersion).order_by(PolicyVersion.id.desc())).first()
    effective = datetime(2026, 6, 7, 17, 0, tzinfo=UTC)  # 8 June 2026 00:00 WIB
    assert version.effective_from == effective and version.created_by_id == admin.id
    assert version.values["max_guests_ftf"] == 8 and version.values["service_end"] == "15:00"
    assert version.note == "Batas tamu tatap muka naik"
    (entry,) = db.session.scalars(
        select(AuditLog).where(AuditLog.action == "policy.create", AuditLog.actor_id == admin.id)
    )
    assert entry.after["max_guests_ftf"] == 8
    assert policy_in_force()[1].max_guests_ftf == 5
    assert policy_in_force(effective - timedelta(seconds=1))[1].max_guests_ftf == 5
    with time_machine.travel(effective, tick=False):
        in_force, values = policy_in_force()
        assert in_force.id == version.id and values.max_guests_ftf == 8 and values.service_end == time(15, 0)
    text = client.get("/admin/kebijakan").get_data(as_text=True)
    assert "Versi yang akan berlaku" in text and "Senin, 8 Juni 2026" in text


@time_machine.travel(NOW, tick=False)
def test_effective_time_in_the_past_is_refused(client, logged_in):
    logged_in("admin")
    response = client.post("/admin/kebijakan/baru", data=_form(effective_from="2026-06-01T09:59"))
    assert response.status_code == 200
    assert "sudah lewat" in response.get_data(as_text=True)
    assert db.session.scalars(select(PolicyVersion)).first() is None


@time_machine.travel(NOW, tick=False)
def test_invalid_values_are_refused_with_field_messages(client, logged_in):
    logged_in("admin")
    cases = [
        ({"lead_working_days_ftf": "0"}, "Isi bilangan bulat dari 1 sampai 999."),
        ({"max_guests_vc": "-3"}, "Isi bilangan bulat dari 1 sampai 999."),
        ({"max_guests_vc": "banyak"}, "Isi dengan bilangan bulat."),
        ({"service_start": "16:00", "service_end": "08:00"}, "Jam selesai harus sesudah jam mulai layanan."),
        ({"session_minutes": "600"}, "Lama sesi melebihi jam layanan (480 menit)."),
        ({"effective_from": ""}, "Isi tanggal dan jam mulai berlaku."),
    ]
    for changes, message in cases:
        response = client.post("/admin/kebijakan/baru", data=_form(**changes))
        assert response.status_code == 200
        assert message in response.get_data(as_text=True), changes
    assert db.session.scalars(select(PolicyVersion)).first() is None


@time_machine.travel(NOW, tick=False)
def test_overview_shows_in_force_earlier_and_future(client, logged_in):
    create_version(PolicyValues(max_guests_vc=11), NOW - timedelta(days=100))
    create_version(PolicyValues(max_guests_vc=12), NOW - timedelta(days=10))
    create_version(PolicyValues(max_guests_vc=13), NOW + timedelta(days=10))
    db.session.commit()
    logged_in("admin")
    text = client.get("/admin/kebijakan").get_data(as_text=True)
    current = text[text.index("Versi yang berlaku saat ini") : text.index("Versi yang akan berlaku")]
    future = text[text.index("Versi yang akan berlaku") : text.index(">Versi sebelumnya</h2>")]
    earlier = text[text.index(">Versi sebelumnya</h2>") :]
    assert ">12</dd>" in current and ">11</dd>" not in current and ">13</dd>" not in current
    assert ">13</dd>" in future and ">12</dd>" not in future
    assert ">11</dd>" in earlier and ">13</dd>" not in earlier
