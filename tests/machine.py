"""What tests that start real processes share: a free loopback port, a tool they need (fail
under CI, skip elsewhere), and a scratch PostgreSQL database of their own."""

import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def missing(what: str) -> None:
    """A tool or service the test needs is not there: fail under CI, skip elsewhere."""
    if os.environ.get("CI"):
        pytest.fail(f"{what} (CI is set: this test must run)")
    pytest.skip(what)


@contextmanager
def scratch_database(postgres_url: str, suffix: str) -> Iterator[str]:
    """The URL of a new, empty database `<database of postgres_url><suffix>` on the same
    server (so the suite's own database is never touched), dropped afterwards."""
    name = f"{make_url(postgres_url).database}{suffix}"
    admin = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(postgres_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
