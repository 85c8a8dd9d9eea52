"""A rejection the server refuses (ten spaces pass the browser's minlength but are no reason)
shows the registrations again with the error summary above that registration's open form;
nothing is saved and nobody is written to."""

import re

from app.extensions import db
from app.outbox.models import OutboxMessage
from tests import factories


def test_a_blank_reason_is_refused_with_the_error_summary(client, logged_in):
    pending = factories.pemda_user(active=False, email="operator@brebeskab.go.id")
    db.session.commit()
    logged_in("coordinator")
    response = client.post(f"/admin/pendaftaran/{pending.id}/tolak", data={"reason": " " * 12})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert page.count('id="ringkasan-kesalahan"') == 1
    assert "Alasan penolakan 10 sampai 1.000 karakter." in page
    assert f'href="#reason-{pending.id}"' in page
    assert f'class="collapse mt-2 show" id="reject-{pending.id}"' in page
    assert re.search(rf'class="[^"]*is-invalid" id="reason-{pending.id}"', page)
    db.session.expire_all()
    assert pending.deactivated_at is None
    assert db.session.query(OutboxMessage).count() == 0


def test_the_reason_is_sent_without_surrounding_spaces(client, logged_in):
    pending = factories.pemda_user(active=False, email="operator@brebeskab.go.id")
    db.session.commit()
    logged_in("coordinator")
    response = client.post(
        f"/admin/pendaftaran/{pending.id}/tolak", data={"reason": "  Email bukan domain resmi.  "}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert pending.deactivated_at is not None
    [message] = db.session.query(OutboxMessage).all()
    assert "Email bukan domain resmi." in message.text_body
