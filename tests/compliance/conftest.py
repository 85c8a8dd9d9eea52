from tests.compliance.helpers import dprd, frozen, other  # noqa: F401
