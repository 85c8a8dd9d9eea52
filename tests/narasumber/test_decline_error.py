"""A decline sent with a reason that is too short comes back on the same page: the reason as
typed, the message in the error summary above the form, nothing recorded."""

from app.extensions import db
from app.scheduling.models import AssignmentStatus
from tests.html_forms import form_posting_to
from tests.requests.helpers import login_as, text_of


def test_a_short_reason_is_shown_again_with_the_error_summary(client, world):
    login_as(client, world["ani"].user)
    assignment = world["ani_upcoming"]
    action = f"/narasumber/{assignment.id}/tolak"
    response = client.post(action, data={"reason": "Cuti"})
    assert response.status_code == 200
    page = text_of(response)
    summary = page.split('id="ringkasan-kesalahan"', 1)[1].split("</div>", 1)[0]
    assert "Alasan menolak 5 sampai 1.000 karakter." in summary
    assert 'href="#reason"' in summary
    assert form_posting_to(response, action).submission()["reason"] == ["Cuti"]
    db.session.expire_all()
    row = db.session.get(type(assignment), assignment.id)
    assert row.status == AssignmentStatus.ASSIGNED and row.active


def test_the_page_shows_no_summary_before_a_decline_is_sent(client, world):
    login_as(client, world["ani"].user)
    page = text_of(client.get(f"/narasumber/{world['ani_upcoming'].id}"))
    assert "ringkasan-kesalahan" not in page and "Tolak penugasan" in page


def test_the_decline_form_leaves_checking_to_the_server(client, world):
    """The summary above the form says what is wrong, in the page's language."""
    login_as(client, world["ani"].user)
    page = text_of(client.get(f"/narasumber/{world['ani_upcoming'].id}"))
    form = page.split(f'action="/narasumber/{world["ani_upcoming"].id}/tolak"', 1)[1].split(">", 1)[0]
    assert "novalidate" in form
