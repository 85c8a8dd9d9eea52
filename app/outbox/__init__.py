"""The email outbox: every email is a row written with the change it is about, delivered by
a sender job with retries (app.outbox.sender), and watched by administrators (routes).

The blueprint lives in app.outbox.routes, so that importing the models (as app.core.mail
does) does not import the pages.
"""
