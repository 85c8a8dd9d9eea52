"""The new-policy page as a browser sees it: every value has a field on the page, the page sent
as rendered saves a version, and no error is ever silent (a summary lists them all)."""

from dataclasses import fields
from datetime import UTC, datetime, timedelta

import time_machine
from sqlalchemy import select

from app.domain.policy import PolicyValues
from app.extensions import db
from app.policy.models import PolicyVersion
from app.policy.services import create_version, ensure_default_policy
from tests.html_forms import form_posting_to

NOW = datetime(2026, 6, 1, 3, 0, tzinfo=UTC)  # Monday 10:00 WIB


@time_machine.travel(NOW, tick=False)
def test_every_policy_value_is_on_the_page_with_its_label_and_hint(client, logged_in):
    ensure_default_policy(NOW - timedelta(days=30))
    db.session.commit()
    logged_in("admin")
    response = client.get("/admin/kebijakan/baru")
    form = form_posting_to(response)
    assert {f.name for f in fields(PolicyValues)} <= form.names()
    (late,) = form.named("late_arrival_minutes")
    assert late.attrs["value"] == "30"
    page = response.get_data(as_text=True)
    assert '<label class="form-label" for="late_arrival_minutes">' in page
    assert "Batas keterlambatan kedatangan (menit setelah jadwal mulai)" in page
    assert "dicatat sebagai pelanggaran keterlambatan" in page


@time_machine.travel(NOW, tick=False)
def test_the_page_sent_as_rendered_saves_a_version(client, logged_in):
    ensure_default_policy(NOW - timedelta(days=30))
    create_version(PolicyValues(late_arrival_minutes=45), NOW - timedelta(days=1))
    db.session.commit()
    logged_in("admin")
    data = form_posting_to(client.get("/admin/kebijakan/baru")).submission()
    data["max_guests_ftf"] = ["6"]
    response = client.post("/admin/kebijakan/baru", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    version = db.session.scalars(select(PolicyVersion).order_by(PolicyVersion.id.desc())).first()
    assert version.values["max_guests_ftf"] == 6 and version.values["late_arrival_minutes"] == 45


@time_machine.travel(NOW, tick=False)
def test_errors_are_summarised_above_the_form(client, logged_in):
    ensure_default_policy(NOW - timedelta(days=30))
    db.session.commit()
    logged_in("admin")
    data = form_posting_to(client.get("/admin/kebijakan/baru")).submission()
    data["late_arrival_minutes"] = ["0"]
    del data["breach_threshold_months"]
    response = client.post("/admin/kebijakan/baru", data=data)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    summary = page[page.index('id="ringkasan-kesalahan"') : page.index("<form", page.index("ringkasan"))]
    assert "Data belum tersimpan" in summary
    assert 'href="#late_arrival_minutes"' in summary and "Isi bilangan bulat dari 1 sampai 999." in summary
    assert "Periode ambang pelanggaran (bulan)" in summary and "Wajib diisi." in summary
    assert len(db.session.scalars(select(PolicyVersion)).all()) == 1


def test_a_field_the_page_does_not_show_still_reports_its_error(app, client, logged_in):
    """A form error of a field missing from the template appears in the summary, not nowhere."""
    with time_machine.travel(NOW, tick=False):
        ensure_default_policy(NOW - timedelta(days=30))
        db.session.commit()
        logged_in("admin")
        data = form_posting_to(client.get("/admin/kebijakan/baru")).submission()
        data["note"] = ["x" * 501]
        page = client.post("/admin/kebijakan/baru", data=data).get_data(as_text=True)
    assert 'id="ringkasan-kesalahan"' in page and 'href="#note"' in page
