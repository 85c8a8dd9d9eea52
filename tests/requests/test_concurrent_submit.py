"""Fifty identical posts of one request form at the same moment, against a real threaded server on
PostgreSQL: one request, one stored letter and one email; every other post is sent to that
request, none fails. (On SQLite the write lock serialises the posts; tests/requests/test_submit.py
covers the form sent twice there.)"""

import html
import re
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from sqlalchemy import func, select

from app.extensions import db
from app.outbox.models import OutboxMessage
from app.requests.models import ConsultationRequest, RequestLetter
from tests import factories
from tests.files import PDF, stored
from tests.live import serving
from tests.requests.helpers import ftf_data

POSTS = 50
HIDDEN = r'name="{}"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="{}"'


@pytest.fixture
def server(app, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)  # as in production
    with serving(app) as url:
        yield url


def hidden(page: str, name: str) -> str:
    found = re.search(HIDDEN.format(name, name), page)
    assert found, f"no hidden field {name}"
    return found[1] or found[2]


def count(model, *where) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def letter_files(app) -> list[bytes]:
    db.session.expire_all()
    return stored("letter")


def open_form(server: str, pemda, topics) -> tuple[dict, dict]:
    """Log in as `pemda` and open the request form: (the filled form with its CSRF and
    one-time tokens, the session cookie)."""
    browser = requests.Session()
    login_page = browser.get(f"{server}/masuk", timeout=30).text
    answer = browser.post(
        f"{server}/masuk",
        data={
            "email": pemda.email,
            "password": factories.PASSWORD,
            "csrf_token": hidden(login_page, "csrf_token"),
        },
        allow_redirects=False,
        timeout=30,
    )
    assert answer.status_code == 302, answer.text
    form_page = browser.get(f"{server}/permohonan/baru", timeout=30)
    assert form_page.status_code == 200
    data = ftf_data(topics, upload=None)
    data.update(csrf_token=hidden(form_page.text, "csrf_token"), token=hidden(form_page.text, "token"))
    return data, browser.cookies.get_dict()


def post_at_once(server: str, forms: list[dict], cookies: dict) -> list[tuple[int, str]]:
    """Each form posted from its own thread, all released at the same moment: (status, Location
    or the page's text)."""
    start = threading.Barrier(len(forms))

    def post(data):
        with requests.Session() as one:  # one browser tab each, the same cookie
            one.cookies.update(cookies)
            start.wait(timeout=30)
            response = one.post(
                f"{server}/permohonan/baru",
                data=data,
                files={"letter_file": ("surat.pdf", PDF, "application/pdf")},
                allow_redirects=False,
                timeout=120,
            )
            return response.status_code, response.headers.get("Location") or html.unescape(response.text)

    with ThreadPoolExecutor(len(forms)) as pool:
        return list(pool.map(post, forms))


@pytest.mark.postgres
def test_fifty_identical_posts_make_one_request_one_letter_one_email(app, server, pemda, topics):
    data, cookies = open_form(server, pemda, topics)
    letters_before = letter_files(app)

    answers = post_at_once(server, [data] * POSTS, cookies)

    (req,) = db.session.scalars(select(ConsultationRequest)).all()
    assert answers == [(302, f"/permohonan/{req.id}")] * POSTS  # no 500, no second request
    assert req.submission_token == data["token"]
    assert count(RequestLetter) == 1
    assert len(letter_files(app)) == len(letters_before) + 1
    assert count(OutboxMessage, OutboxMessage.kind == "requests/received") == 1


@pytest.mark.postgres
def test_the_daily_limit_holds_for_posts_at_the_same_moment(app, server, pemda, topics, monkeypatch):
    # Twenty different forms (tokens) at once: the count is taken under the Pemda's lock.
    monkeypatch.setitem(app.config, "REQUESTS_PER_PEMDA_PER_DAY", 3)
    data, cookies = open_form(server, pemda, topics)
    forms = [{**data, "token": uuid.uuid4().hex} for _ in range(20)]

    answers = post_at_once(server, forms, cookies)

    assert sorted(status for status, _ in answers) == [200] * 17 + [302] * 3
    refused = [page for status, page in answers if status == 200]
    assert all("batas per hari adalah 3 permohonan" in page for page in refused)
    assert count(ConsultationRequest) == 3 and count(RequestLetter) == 3
    assert count(OutboxMessage, OutboxMessage.kind == "requests/received") == 3
