"""Build an app from a given environment: config.py reads os.environ when it is imported, so
the module is reloaded with the environment set, and reloaded again once it is restored."""

import contextlib
import importlib
import logging
import os

import pytest

import config
from app.core import logs

PUBLIC = "https://konsultasi.djpk.kemenkeu.go.id"
# What production needs; nothing here is contacted by creating the app.
VALID_PRODUCTION = {
    "SECRET_KEY": "9f2c4e7a1b8d3f6e0c5a2b9d7e4f1a3c",  # 32 characters
    "PUBLIC_URL": PUBLIC,
    "DATABASE_URL": "postgresql://konsultasi@127.0.0.1:9/konsultasi",
    "REDIS_URL": "redis://127.0.0.1:9/0",
}
# Names that would leak into the app from the environment running the tests.
CONTROLLED = (*VALID_PRODUCTION, "EXTRA_HOSTS", "PROXY_COUNT", "APP_ENV", "FLASK_RUN_HOST", "FLASK_RUN_PORT")


@contextlib.contextmanager
def environment(**env: str | None):
    """os.environ with CONTROLLED names unset, then `env` (None: unset), and config reloaded."""
    saved = dict(os.environ)
    try:
        for name in CONTROLLED:
            os.environ.pop(name, None)
        for name, value in env.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        importlib.reload(config)
        yield config
    finally:
        os.environ.clear()
        os.environ.update(saved)
        importlib.reload(config)


def production_app(tmp_path, env: dict | None = None, **overrides):
    """create_app("production") from VALID_PRODUCTION changed by `env`."""
    from app import create_app

    values = {**VALID_PRODUCTION, **(env or {})}
    with environment(**values):
        return create_app("production", UPLOAD_DIR=str(tmp_path / "uploads"), **overrides)


@pytest.fixture(autouse=True)
def keep_app_logger():
    """A development app configures the global `konsultasi` logger (app.core.logs): restored
    afterwards, or later tests would not capture its records."""
    logger = logging.getLogger(logs.APP_LOGGER)
    saved = (list(logger.handlers), logger.level, logger.propagate)
    yield
    logger.handlers[:], logger.level, logger.propagate = saved
