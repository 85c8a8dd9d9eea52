"""Editing (and so resubmitting) a request, withdrawing it, and transitions that are refused."""

from datetime import UTC, datetime

from sqlalchemy import select

from app.core.audit import AuditLog
from app.domain.policy import Mode, PolicyValues
from app.domain.states import RequestState
from app.extensions import db
from app.policy.services import create_version
from app.requests.models import ConsultationRequest
from tests import factories
from tests.files import stored
from tests.requests.helpers import PDF, form_data, ftf_data, login_as, text_of

# Tuesday 15 December 2026, 09:00 WIB.
START = datetime(2026, 12, 15, 2, 0, tzinfo=UTC)


def audit_entries(req, action):
    return list(
        db.session.scalars(
            select(AuditLog).where(AuditLog.object_id == str(req.id), AuditLog.action == action)
        )
    )


def test_edit_form_is_filled_with_the_request(client, pemda, topics):
    req = factories.consultation(pemda, mode=Mode.VC, start=START, topics=[topics[1]])
    db.session.commit()
    login_as(client, pemda)
    page = text_of(client.get(f"/permohonan/{req.id}/ubah"))
    assert "Konsultasi penyaluran DAU tahun berjalan" in page
    assert 'value="2026-12-15"' in page
    assert 'value="09:00"' in page and 'value="11:00"' in page
    assert 'value="Tamu 3"' in page
    assert '<input checked class="form-check-input" id="mode-0" name="mode" type="radio" value="vc">' in page


def test_resubmit_after_changes_requested(client, pemda, topics):
    req = factories.consultation(
        pemda,
        mode=Mode.VC,
        state=RequestState.CHANGES_REQUESTED,
        start=START,
        state_reason="Lengkapi agenda dengan rincian pertanyaan.",
    )
    db.session.commit()
    login_as(client, pemda)
    page = text_of(client.get(f"/permohonan/{req.id}/ubah"))
    assert "Catatan DJPK:" in page and "Lengkapi agenda dengan rincian pertanyaan." in page

    data = form_data(topics, windows=[("2026-12-16", "13:00", "14:00")], members=2)
    data["agenda"] = "Rincian: alokasi DAU yang ditentukan penggunaannya untuk bidang pendidikan."
    response = client.post(f"/permohonan/{req.id}/ubah", data=data)
    assert response.status_code == 302
    db.session.refresh(req)
    assert req.state == RequestState.SUBMITTED
    assert req.state_reason is None
    assert req.agenda.startswith("Rincian: alokasi DAU")
    assert req.windows[0].start == datetime(2026, 12, 16, 6, 0, tzinfo=UTC)
    assert len(req.delegation) == 2
    [entry] = audit_entries(req, "request.edit")
    assert entry.actor_id == pemda.id
    assert entry.before["state"] == "changes_requested" and entry.after["state"] == "submitted"
    assert entry.before["agenda"] == "Konsultasi penyaluran DAU tahun berjalan"
    page = text_of(client.get(f"/permohonan/{req.id}"))
    assert "Permohonan diubah" in page
    assert "Perlu perbaikan → Diajukan" in page


def test_edit_checks_the_policy_again(client, pemda, topics):
    req = factories.consultation(pemda, mode=Mode.VC, start=START)
    db.session.commit()
    login_as(client, pemda)
    data = form_data(topics, windows=[("2026-12-19", "09:00", "10:00")])  # a Saturday
    page = text_of(client.post(f"/permohonan/{req.id}/ubah", data=data))
    assert "bukan hari kerja" in page
    db.session.refresh(req)
    assert req.windows[0].start == START
    assert audit_entries(req, "request.edit") == []


def test_edit_uses_the_policy_version_of_the_request(client, pemda, topics):
    # Submitted under a version allowing 2 VC participants; the version in force now allows 15.
    strict = create_version(PolicyValues(max_guests_vc=2), datetime(2026, 10, 1, tzinfo=UTC))
    create_version(PolicyValues(), datetime(2026, 11, 1, tzinfo=UTC))
    req = factories.consultation(pemda, mode=Mode.VC, start=START, guests=2, policy_version_id=strict.id)
    db.session.commit()
    login_as(client, pemda)
    page = text_of(client.post(f"/permohonan/{req.id}/ubah", data=form_data(topics, members=3)))
    assert "Jumlah peserta 3 orang melebihi batas 2 orang" in page
    assert client.post(f"/permohonan/{req.id}/ubah", data=form_data(topics, members=2)).status_code == 302


def test_edit_keeps_the_letter_when_no_new_file(client, app, pemda, topics):
    req = factories.consultation(pemda, mode=Mode.FTF, start=START)
    db.session.commit()
    kept = req.letter.file_id
    login_as(client, pemda)
    data = ftf_data(topics, windows=[("2026-12-15", "09:00", "10:00")], upload=None)
    data["letter_number"] = "900/456/BPKAD/2026"
    assert client.post(f"/permohonan/{req.id}/ubah", data=data).status_code == 302
    db.session.refresh(req)
    assert req.letter.file_id == kept
    assert req.letter.number == "900/456/BPKAD/2026"
    assert stored("letter") == [PDF]


def test_edit_replaces_the_letter(client, app, pemda, topics):
    req = factories.consultation(pemda, mode=Mode.FTF, start=START)
    db.session.commit()
    old = req.letter.file_id
    login_as(client, pemda)
    new_pdf = PDF + b"% versi kedua\n"
    data = ftf_data(topics, windows=[("2026-12-15", "09:00", "10:00")], upload=(new_pdf, "surat-baru.pdf"))
    assert client.post(f"/permohonan/{req.id}/ubah", data=data).status_code == 302
    db.session.refresh(req)
    assert req.letter.file_id != old
    assert req.letter.original_filename == "surat-baru.pdf"
    assert stored("letter") == [new_pdf]  # the old file went with the change
    [entry] = audit_entries(req, "request.edit")
    assert entry.before["letter"]["sha256"] != entry.after["letter"]["sha256"]


def test_edit_refused_once_scheduled(client, pemda, topics):
    req = factories.consultation(pemda, mode=Mode.VC, state=RequestState.SCHEDULED, start=START)
    db.session.commit()
    login_as(client, pemda)
    response = client.get(f"/permohonan/{req.id}/ubah", follow_redirects=True)
    assert "Permohonan berstatus “Dijadwalkan” tidak dapat diubah lagi." in text_of(response)
    response = client.post(f"/permohonan/{req.id}/ubah", data=form_data(topics), follow_redirects=True)
    assert "tidak dapat diubah lagi" in text_of(response)
    db.session.refresh(req)
    assert req.state == RequestState.SCHEDULED
    assert audit_entries(req, "request.edit") == []


def test_withdraw(client, pemda, topics):
    req = factories.consultation(pemda, mode=Mode.VC, start=START)
    db.session.commit()
    login_as(client, pemda)
    page = text_of(client.get(f"/permohonan/{req.id}"))
    assert "Tarik permohonan" in page
    response = client.post(
        f"/permohonan/{req.id}/tarik",
        data={"reason": "Jadwal bentrok dengan rapat paripurna.", "confirm": "y"},
    )
    assert response.status_code == 302
    db.session.refresh(req)
    assert req.state == RequestState.CANCELLED
    assert req.state_reason == "Jadwal bentrok dengan rapat paripurna."
    [entry] = audit_entries(req, "request.withdraw")
    assert entry.before == {"state": "submitted"}
    assert entry.after["state"] == "cancelled"
    page = text_of(client.get(f"/permohonan/{req.id}"))
    assert "telah ditarik" in page
    assert "Diajukan → Dibatalkan" in page
    assert "Jadwal bentrok dengan rapat paripurna." in page
    assert "Tarik permohonan" not in page  # no second withdrawal offered


def test_withdraw_without_reason(client, pemda, topics):
    req = factories.consultation(pemda, mode=Mode.VC, state=RequestState.CHANGES_REQUESTED, start=START)
    db.session.commit()
    login_as(client, pemda)
    assert client.post(f"/permohonan/{req.id}/tarik", data={"confirm": "y"}).status_code == 302
    db.session.refresh(req)
    assert req.state == RequestState.CANCELLED
    assert req.state_reason is None


def test_illegal_withdrawal_is_refused(client, pemda, topics):
    req = factories.consultation(pemda, mode=Mode.VC, state=RequestState.HELD, start=START)
    db.session.commit()
    login_as(client, pemda)
    response = client.post(
        f"/permohonan/{req.id}/tarik", data={"reason": "x", "confirm": "y"}, follow_redirects=True
    )
    assert "Permohonan berstatus “Terlaksana” tidak dapat ditarik." in text_of(response)
    db.session.refresh(req)
    assert req.state == RequestState.HELD
    assert req.state_reason is None
    assert audit_entries(req, "request.withdraw") == []


def test_withdrawing_twice_is_refused(client, pemda, topics):
    req = factories.consultation(pemda, mode=Mode.VC, start=START)
    db.session.commit()
    login_as(client, pemda)
    client.post(f"/permohonan/{req.id}/tarik", data={"confirm": "y"})
    response = client.post(f"/permohonan/{req.id}/tarik", data={"confirm": "y"}, follow_redirects=True)
    assert "tidak dapat ditarik" in text_of(response)
    assert len(audit_entries(req, "request.withdraw")) == 1
    assert db.session.scalars(select(ConsultationRequest)).one().state == RequestState.CANCELLED
