"""Entry point for gunicorn and `flask`: `app = create_app()`."""

import gc
import tempfile

from app import create_app

app = create_app()
# Uploads over 500 KB are spooled to TMPDIR. tempfile settles on its folder at first use, and
# only if it can write there at that moment: chosen now, so that a TMPDIR that fills up later
# gives a clear 503 (app/core/unavailable.py) rather than a silent move to another folder.
tempfile.gettempdir()
# What start-up made (modules, models, templates, catalogues) lives as long as the process:
# keep it out of the collector's full passes, which otherwise pause a request for tens of ms.
gc.freeze()
