"""Groups of checkboxes never carry `required` on each box.

A browser reads `required` on a checkbox as "this box must be ticked", so a group whose boxes
all carry it cannot be sent until every box is ticked (the manual scheduling form could not
be sent at all). The "at least one" rule is the server's, with a message that says so.
"""

from html.parser import HTMLParser

import pytest

from app.auth.models import Role
from app.extensions import db
from tests import factories
from tests.checkin import helpers as desk
from tests.narasumber import factories as people
from tests.scheduling import coord_helpers as h
from tests.scheduling.coord_helpers import login_as, narasumber, request_at, text_of

frozen, dau = h.frozen, h.dau


class _Checkboxes(HTMLParser):
    def __init__(self):
        super().__init__()
        self.boxes: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "input" and attributes.get("type") == "checkbox":
            self.boxes.append(attributes)


def checkboxes(response, name: str) -> list[dict]:
    assert response.status_code == 200
    parser = _Checkboxes()
    parser.feed(response.get_data(as_text=True))
    return [box for box in parser.boxes if box.get("name") == name]


def assert_none_required(boxes: list[dict]) -> None:
    assert boxes, "the page shows no checkbox of that group"
    assert not [box for box in boxes if "required" in box], boxes


@pytest.fixture
def review(app, frozen, pemda, coordinator, dau):
    """A submitted FTF request with two narasumber who know its topic and a room."""
    narasumber("Ani Rahmawati", [dau])
    narasumber("Budi Santoso", [dau])
    factories.room("Ruang Rapat 9A", capacity=10)
    req = request_at(pemda, "2026-12-08")
    db.session.commit()
    return req


@pytest.mark.parametrize("query", ["", "?slot=0", "?slot=1"])
def test_review_page_narasumber_boxes_are_not_each_required(client, review, coordinator, query):
    login_as(client, coordinator)
    response = client.get(f"/koordinator/permohonan/{review.id}{query}")
    boxes = checkboxes(response, "narasumber_ids")
    assert len(boxes) == 2
    assert_none_required(boxes)
    if query:
        assert any("checked" in box for box in boxes)


def test_schedule_without_narasumber_is_refused_with_a_message(client, review, coordinator):
    login_as(client, coordinator)
    response = client.post(
        f"/koordinator/permohonan/{review.id}/jadwalkan",
        data={"day": "2026-12-08", "start_time": "09:00", "end_time": "10:00"},
    )
    assert "Pilih paling sedikit satu narasumber." in text_of(response)
    assert_none_required(checkboxes(response, "narasumber_ids"))


def test_request_form_topic_boxes_are_not_each_required(client, app, frozen, pemda, dau):
    factories.topic("DBH", "Dana Bagi Hasil")
    db.session.commit()
    login_as(client, pemda)
    assert_none_required(checkboxes(client.get("/permohonan/baru"), "topics"))
    response = client.post("/permohonan/baru", data={"mode": "vc", "agenda": "x"})
    assert "Pilih paling sedikit satu topik." in text_of(response)
    assert_none_required(checkboxes(response, "topics"))


def test_admin_narasumber_topic_boxes_are_not_each_required(client, app, frozen, dau):
    profile = people.narasumber("Citra Narasumber", topics=[dau])
    admin = factories.user(Role.ADMIN)
    db.session.commit()
    login_as(client, admin)
    assert_none_required(checkboxes(client.get(f"/admin/narasumber/{profile.id}"), "topics"))


def test_desk_guest_boxes_are_not_each_required(client, app, frozen, pemda, receptionist):
    frozen.move_to(desk.NOW)
    req = desk.session(pemda)
    db.session.commit()
    login_as(client, receptionist)
    boxes = checkboxes(client.get(f"/resepsionis/kunjungan/{req.id}"), "present")
    assert len(boxes) == 5
    assert_none_required(boxes)
