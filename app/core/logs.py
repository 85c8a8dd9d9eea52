"""Where the app's log goes.

Production: INFO and up of every logger to stderr (gunicorn and systemd collect it).
Development (DEBUG): the `konsultasi.*` loggers at INFO to the terminal of `make run`. Nothing
else configures them there (Flask only sets up its own app logger, werkzeug its own), and
with MAIL_TO_LOG the email is written to `konsultasi.mail`: without this handler a
verification or reset link would be written nowhere. Tests configure nothing (pytest
captures the log itself).
"""

import logging

from flask import Flask

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
APP_LOGGER = "konsultasi"


class _DevelopmentHandler(logging.StreamHandler):
    """Marks the handler this module added, so a second create_app() adds no second one."""


def configure(app: Flask) -> None:
    if app.testing:
        return
    if not app.debug:
        logging.basicConfig(level=logging.INFO, format=FORMAT)
        return
    logger = logging.getLogger(APP_LOGGER)
    logger.setLevel(logging.INFO)
    if not any(isinstance(h, _DevelopmentHandler) for h in logger.handlers):
        handler = _DevelopmentHandler()  # stderr: the terminal of `make run`
        handler.setFormatter(logging.Formatter(FORMAT))
        logger.addHandler(handler)
    # Once per record: `flask scheduler run` also configures the root logger.
    logger.propagate = False
