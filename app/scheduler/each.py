"""The loop every job shares: each item (a session id) in a transaction of its own.

work(item) does its changes in the current transaction and returns what it did, or something
falsy when there was nothing to do (the transaction is then rolled back). A unique-key clash
means another run did the same thing a moment earlier; any other error is logged. Either way
that item is rolled back (with its queued email) and the others go on. The email of each
committed item is sent at once (app.core.mail.send_queued).
"""

import logging
from collections.abc import Callable, Iterable

from sqlalchemy.exc import IntegrityError

from app.core.mail import drop_queued, send_queued
from app.extensions import db


def each_in_own_transaction(
    items: Iterable,
    work: Callable,
    *,
    log: logging.Logger,
    failed: str,
    already: str = "item %s: done a moment ago by another run",
) -> list:
    """The results of the items committed, in order. `failed` and `already` are log formats
    taking the item."""
    results = []
    for item in items:
        try:
            result = work(item)
            if not result:
                _rollback()
                continue
            db.session.commit()
        except IntegrityError:
            _rollback()
            log.info(already, item)
            continue
        except Exception:
            _rollback()
            log.exception(failed, item)
            continue
        send_queued()
        results.append(result)
    return results


def _rollback() -> None:
    db.session.rollback()
    drop_queued()
