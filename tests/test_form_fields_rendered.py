"""Every field of every form a page builds is in the HTML it sends.

A field the form class has but the template forgets (the policy page once left out
`late_arrival_minutes`) makes every submit fail, and the test client, which posts whatever
the test says, never notices. Here the demo data is loaded, each role (and a visitor) walks
every page it can reach by following links, and for each page every form instance built
while rendering it is compared with the names of the controls in the HTML. A last test asks
that each form class of the application was met on some page, so a new form cannot slip by.
"""

import io
from collections import deque
from datetime import datetime, timedelta
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
import time_machine
from sqlalchemy import select
from wtforms import Field, FieldList, FormField, SubmitField
from wtforms.fields.choices import SelectFieldBase

from app.auth.models import UnitType, User
from app.auth.tokens import reset_token
from app.catalog.models import NarasumberProfile
from app.checkin.services import GuestRow, walk_in
from app.compliance.models import Breach
from app.compliance.services import void_breach
from app.core.clock import WIB, now_utc
from app.core.forms import BaseForm
from app.domain.booking_codes import new_code
from app.domain.policy import Mode
from app.domain.states import RequestState
from app.extensions import db
from app.scheduling.models import AssignmentStatus, NarasumberAssignment
from app.seed import seed_demo
from app.seed_data import DEMO_PASSWORD
from tests import factories

ROLES = {
    "pemda": "operator.brebes@demo.go.id",
    "pemda (WITA, DPRD)": "operator.dprd.balikpapan@demo.go.id",
    "pemda (WIT)": "operator.jayapura@demo.go.id",
    "coordinator": "koordinator@demo.djpk.go.id",
    "narasumber": "narasumber1@demo.djpk.go.id",
    "receptionist": "resepsionis@demo.djpk.go.id",
    "admin": "admin@demo.djpk.go.id",
}
# Pages of one endpoint visited at most (a calendar's "next week" goes on for ever), and
# variants of one page (its filters) at most.
PER_ENDPOINT = 30
VARIANTS = 12
SKIP_PATHS = ("/keluar", "/bahasa/", "/static/", "/bootstrap/")
# Form classes no page renders, with the reason. Everything else must be met by the crawl.
NOT_RENDERED: dict[str, str] = {}
# (form class, field): left out of the page on purpose in some states; each is optional then.
LEFT_OUT: dict[tuple[str, str], str] = {
    ("ScheduleForm", "meeting_url"): "video conference only; a face-to-face session has a room",
    ("ScheduleForm", "room_id"): "face to face only",
    ("RescheduleForm", "room_id"): "face to face only",
    ("ScheduleForm", "breach_override_reason"): "only for a Pemda over the breach threshold",
    ("ConvertForm", "meeting_url"): "only once scheduled: the link goes out with the new invite",
}


class _Controls(HTMLParser):
    """The names of the controls of each <form> of a page, and the page's links."""

    def __init__(self):
        super().__init__()
        self.forms: list[set[str]] = []
        self._by_id: dict[str, set[str]] = {}
        self._current: set[str] | None = None
        self._owned: list[tuple[str, str]] = []  # controls outside their form: (form id, name)
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._current = set()
            self.forms.append(self._current)
            if attrs.get("id"):
                self._by_id[attrs["id"]] = self._current
        elif tag in ("input", "select", "textarea", "button") and attrs.get("name"):
            if attrs.get("form"):
                self._owned.append((attrs["form"], attrs["name"]))
            elif self._current is not None:
                self._current.add(attrs["name"])
        elif tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None

    def close(self):
        super().close()
        for form_id, name in self._owned:
            self._by_id.get(form_id, set()).add(name)


def _leaves(field):
    """The fields a browser sends (each row of a list, each part of a sub-form). Submit
    buttons are left out: the pages use plain buttons, and no route reads them."""
    if isinstance(field, FieldList):
        for entry in field:
            yield from _leaves(entry)
    elif isinstance(field, FormField):
        for sub in field:
            yield from _leaves(sub)
    elif not isinstance(field, SubmitField):
        yield field


def _missing(form, html_forms: list[set[str]], rendered: set[int]) -> list[str] | None:
    """The fields of a form the page shows that are not on the page; None when the page
    shows none of its fields (a page may build a form it shows only in some states).

    A form is shown when the template rendered one of its fields; a field is on the page
    when the template rendered it or a <form> of the page has a control of its name."""
    leaves = [f for field in form for f in _leaves(field)]
    if not any(id(f) in rendered for f in leaves):  # its hidden_tag() renders the CSRF field
        return None
    names = set().union(*html_forms) if html_forms else set()
    return [f.name for f in leaves if id(f) not in rendered and f.name not in names]


class _Built(list):
    """The BaseForm instances built and the fields rendered (by id) during one request."""

    rendered: set[int]

    def clear(self):
        super().clear()
        self.rendered = set()


@pytest.fixture
def built_forms(monkeypatch):
    forms = _Built()
    forms.clear()
    original_init, original_call = BaseForm.__init__, Field.__call__
    original_iter = SelectFieldBase.__iter__

    def recording_init(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        forms.append(self)

    def recording_call(self, **kwargs):
        forms.rendered.add(id(self))
        return original_call(self, **kwargs)

    def recording_iter(self):  # radio buttons and checkbox groups render option by option
        forms.rendered.add(id(self))
        return original_iter(self)

    monkeypatch.setattr(BaseForm, "__init__", recording_init)
    monkeypatch.setattr(Field, "__call__", recording_call)
    monkeypatch.setattr(SelectFieldBase, "__iter__", recording_iter)
    return forms


HISTORY_CSV = b"Mode,Pengguna Layanan,Tanggal,Topik\nVC,Kab. Bandung Raya,3-Apr-23,DAU\n"
# A working Tuesday, 09:00 WIB: the demo's visit is due at the desk today, the Jayapura
# session's confirmation window is open.
MOMENT = datetime(2026, 12, 8, 9, 0, tzinfo=WIB)


@pytest.fixture
def demo(app):
    with time_machine.travel(MOMENT, tick=False):
        seed_demo()
        extra = _states_the_demo_lacks()
        db.session.commit()
        yield extra


def _by_email(email: str) -> User:
    return db.session.scalars(select(User).where(User.email == email)).one()


def _states_the_demo_lacks() -> dict[str, list[str]]:
    """Rows for forms the demo shows nowhere; returns pages to start from, per role."""
    brebes, receptionist = _by_email(ROLES["pemda"]), _by_email(ROLES["receptionist"])
    first, second = (
        db.session.scalars(
            select(NarasumberProfile).where(NarasumberProfile.user_id == _by_email(email).id)
        ).one()
        for email in (ROLES["narasumber"], "narasumber2@demo.djpk.go.id")
    )
    now = now_utc()
    # A held video conference not rated yet (the rating form).
    start = now - timedelta(days=6)
    factories.consultation(
        brebes, mode=Mode.VC, state=RequestState.HELD, start=start, scheduled_start=start,
        scheduled_end=start + timedelta(hours=1), booking_code=new_code(),
        meeting_url="https://teams.example.org/rapat",
    )  # fmt: skip
    # A session with one narasumber still to answer and one who declined (accept, replace).
    start = now + timedelta(days=15)
    future = factories.consultation(
        brebes, mode=Mode.VC, state=RequestState.SCHEDULED, start=start, scheduled_start=start,
        scheduled_end=start + timedelta(hours=1), booking_code=new_code(),
        meeting_url="https://teams.example.org/rapat",
    )  # fmt: skip
    for person, status in ((first, AssignmentStatus.ASSIGNED), (second, AssignmentStatus.DECLINED)):
        db.session.add(
            NarasumberAssignment(
                request_id=future.id, narasumber_id=person.id, start=start, end=start + timedelta(hours=1),
                active=status != AssignmentStatus.DECLINED, status=status, assigned_at=now,
                responded_at=now if status == AssignmentStatus.DECLINED else None,
                decline_reason="Dinas luar kota" if status == AssignmentStatus.DECLINED else None,
            )
        )  # fmt: skip
    # A registration waiting for activation (reject a registration).
    factories.pemda_user(factories.JAYAPURA, email="baru@jayapurakota.go.id", active=False)
    # A walk-in with a breach, checked in at the desk (its record: check-out, a note).
    visit, _breaches = walk_in(
        region_id=factories.region(factories.BREBES).id, unit_type=UnitType.PEMDA,
        guests=[GuestRow("Tamu Tanpa Jadwal", "Staf", False, True)], regional_head_present=False,
        arrived_at=now, actor=receptionist,
    )  # fmt: skip
    # A voided breach (restore it).
    breach = db.session.scalars(select(Breach).where(Breach.voided_at.is_(None))).first()
    void_breach(breach, reason="Dicatat keliru", actor=_by_email(ROLES["coordinator"]))
    # A Pemda operator who turned the second factor on (the code at login, turning it off).
    jayapura = _by_email(ROLES["pemda (WIT)"])
    jayapura.mfa_secret, jayapura.mfa_enabled_at = factories.TOTP_SECRET, now
    db.session.flush()
    return {"receptionist": [f"/resepsionis/tamu/{visit.id}"]}


def _crawl(client, start: list[str], built_forms: list, report: dict) -> int:
    """Follow links from `start`; check each HTML page's forms. Returns pages visited."""
    queue, seen, per_endpoint = deque(start), set(), {}
    adapter = client.application.url_map.bind("localhost")
    visited = 0
    while queue:
        url = queue.popleft()
        path = urlsplit(url).path
        if url in seen or any(path.startswith(p) for p in SKIP_PATHS):
            continue
        seen.add(url)
        try:
            endpoint, _ = adapter.match(path, method="GET")
        except Exception:
            continue
        # Each object's page once or twice (a filter or a month more), not every variant.
        variants = (endpoint, path)
        if per_endpoint.get(endpoint, 0) >= PER_ENDPOINT or per_endpoint.get(variants, 0) >= VARIANTS:
            continue
        per_endpoint[endpoint] = per_endpoint.get(endpoint, 0) + 1
        per_endpoint[variants] = per_endpoint.get(variants, 0) + 1
        built_forms.clear()
        response = client.get(url)
        response.close()  # a file download holds its file open until closed
        if response.status_code != 200 or not response.mimetype == "text/html":
            continue
        visited += 1
        report.setdefault("__pages__", []).append(url)
        parser = _Controls()
        parser.feed(response.get_data(as_text=True))
        parser.close()
        report.setdefault("__html_forms__", []).extend((url, names) for names in parser.forms)
        for form in list(built_forms):
            name = type(form).__name__
            missing = _missing(form, parser.forms, built_forms.rendered)
            if missing is None:
                continue
            report.setdefault(name, url)
            missing = [n for n in missing if (name, n.split("-")[0]) not in LEFT_OUT]
            if missing:
                report.setdefault("__missing__", []).append(f"{url}: {name} lacks {missing}")
        for href in parser.links:
            target = urljoin(url, href)
            if urlsplit(target).netloc in ("", "localhost"):
                queue.append(urlsplit(target)._replace(scheme="", netloc="", fragment="").geturl())
    return visited


def test_every_form_field_is_on_the_page_and_every_form_is_met(app, demo, built_forms, monkeypatch):
    report: dict = {}
    visited = 0
    # A visitor: the pages reachable without an account, and an emailed reset link.
    with app.test_client() as client:
        owner = db.session.scalars(select(User).where(User.email == ROLES["pemda"])).one()
        reset = "/atur-ulang-kata-sandi/" + reset_token(owner)
        monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
        with time_machine.travel(MOMENT, tick=False):
            visited += _crawl(
                client, ["/", "/masuk", "/daftar", "/lupa-kata-sandi", reset], built_forms, report
            )
    for role, email in ROLES.items():
        monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)
        with app.test_client() as client, time_machine.travel(MOMENT, tick=False):
            answer = client.post("/masuk", data={"email": email, "password": DEMO_PASSWORD})
            assert answer.status_code == 302, f"{role} cannot log in"
            step = answer.headers["Location"]
            if step in ("/masuk/kode", "/masuk/daftarkan-kode"):  # demo staff enrol at first login
                monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
                visited += _crawl(client, [step], built_forms, report)
                monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)
                answer = factories.pass_code_step(client, answer, email)
            if role == "coordinator":  # a history file with a name to decide on: the preview
                upload = {"file": (io.BytesIO(HISTORY_CSV), "riwayat.csv")}
                answer = client.post("/koordinator/impor", data=upload, content_type="multipart/form-data")
                demo.setdefault(role, []).append(answer.headers["Location"])
            # Logged in; the pages are read as a browser gets them, with their CSRF fields.
            monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
            start = ["/", "/beranda", "/akun", "/masuk/konfirmasi", *demo.get(role, [])]
            visited += _crawl(client, start, built_forms, report)
    assert visited > 80, f"only {visited} pages reached: the crawl lost its way"
    report.pop("__pages__", [])
    html_forms = report.pop("__html_forms__", [])
    missing = report.pop("__missing__", [])
    assert not missing, "fields missing from their page:\n" + "\n".join(missing)
    classes = {cls.__name__: cls for cls in _subclasses(BaseForm) if not cls.__name__.startswith("_")}
    # A form some pages write out by hand (a row's own small form) is met when one <form> of
    # a page has a control for each of its fields.
    for name in set(classes) - set(report) - set(NOT_RENDERED):
        with app.test_request_context("/"):
            wanted = {f.name for field in classes[name](formdata=None) for f in _leaves(field)}
        page = next((url for url, names in html_forms if wanted <= names), None)
        if page is not None:
            report[name] = page
    never_met = sorted(set(classes) - set(report) - set(NOT_RENDERED))
    assert not never_met, f"form classes on no page reached by the crawl: {never_met}"


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)
