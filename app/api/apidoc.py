"""What the API's own decorators (requires, idempotent, deprecated) add to an operation's
OpenAPI entry: flask-smorest reads `_apidoc["manual_doc"]` of the view it registers."""

from copy import deepcopy


def manual_doc(wrapped, view) -> dict:
    """`wrapped` (the decorator's function around `view`) with `view`'s documentation; the
    dict to add to, merged by flask-smorest into the operation."""
    wrapped._apidoc = deepcopy(getattr(view, "_apidoc", {}))
    return wrapped._apidoc.setdefault("manual_doc", {})
