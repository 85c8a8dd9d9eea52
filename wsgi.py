"""Entry point for gunicorn and `flask`: `app = create_app()`."""

import gc

from app import create_app

app = create_app()
# What start-up made (modules, models, templates, catalogues) lives as long as the process:
# keep it out of the collector's full passes, which otherwise pause a request for tens of ms.
gc.freeze()
