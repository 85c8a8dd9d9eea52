"""Helpers of the command tests."""

import re

STRONG = "lembayung-senja-42"


def link_path(output: str) -> str:
    """The path of the one-time link a command printed."""
    match = re.search(r"https?://[^/\s]+(/atur-ulang-kata-sandi/\S+)", output)
    assert match, output
    return match.group(1)


def typed_twice(password: str) -> str:
    return f"{password}\n{password}\n"
