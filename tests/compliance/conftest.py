from tests.compliance.helpers import coordinator, dprd, frozen, other, pemda  # noqa: F401
