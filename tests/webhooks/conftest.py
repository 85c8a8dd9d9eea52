"""The webhook tests use the API tests' fixtures (time frozen, a Pemda operator, topics)."""

from tests.api.conftest import frozen, operator  # noqa: F401
