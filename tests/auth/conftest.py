"""Helpers of the accounts tests: captured mail, links read from it, a valid registration."""

import re

import pytest

from app.extensions import mail
from tests import factories

LINK = re.compile(r"https?://\S+")


@pytest.fixture
def outbox(app):
    with mail.record_messages() as messages:
        yield messages


def link_in(message, path: str) -> str:
    """The absolute link to `path` in the plain-text body of `message`, as a client path."""
    for url in LINK.findall(message.body):
        if path in url:
            assert url.startswith("http://localhost/"), url
            assert url in message.html
            return url[len("http://localhost") :]
    raise AssertionError(f"no link to {path} in:\n{message.body}")


def registration(**changes) -> dict:
    data = {
        "name": "Siti Rahmawati",
        "email": "siti.rahmawati@brebeskab.go.id",
        "phone": "0812-3456-7890",
        "region_id": str(factories.region(factories.BREBES).id),
        "unit_type": "pemda",
        "password": "kebun teh di lereng slamet",
        "confirm": "kebun teh di lereng slamet",
    }
    data.update(changes)
    return data
