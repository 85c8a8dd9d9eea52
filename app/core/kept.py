"""Results kept in the process, under a key that changes whenever the result would.

A page that counts or formats the same thing for every visitor (the ledger's counts per
type, a stored report's XLSX) keeps what it made under a key naming everything it depends
on, usually the report data version (app.reports.snapshots.data_version), which every commit
changing breaches, sessions, ratings, regions or topics raises. Nothing is ever invalidated:
a change makes a new key, and the least recently used keys go when a store is full.

Each application keeps its own stores (app.extensions), each worker process its own copy:
nothing is shared, so nothing needs locking across processes. Writes that bypass the ORM
(SQL typed in a console, a test's table wipe) do not raise the version: `forget(app)` empties
the stores (the version is raised for other processes by `flask report clear-snapshots`).
"""

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from flask import Flask, current_app


class Store:
    """A bounded, least-recently-used map, safe for the threads of one process."""

    def __init__(self, size: int):
        self.size = size
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Any | None:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key: Hashable, value: Any) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def get_or_make(self, key: Hashable, make: Callable[[], Any]) -> Any:
        found = self.get(key)
        if found is None:
            found = make()
            self.put(key, found)
        return found

    def __len__(self) -> int:
        return len(self._items)


def store(name: str, size: int) -> Store:
    """The current application's store `name` (made on first use, holding `size` items)."""
    stores = current_app.extensions.setdefault("kept", {})
    found = stores.get(name)
    if found is None:
        found = stores.setdefault(name, Store(size))
    return found


def forget(app: Flask) -> None:
    """Empty every store of `app`."""
    app.extensions.pop("kept", None)
