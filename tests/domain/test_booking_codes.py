"""Booking codes: readable aloud, typeable, at least 40 random bits, never sequential."""

import math

import pytest

from app.domain import booking_codes as bc


def test_alphabet_has_no_look_alikes():
    assert not set("0O1IL") & set(bc.ALPHABET)
    assert len(set(bc.ALPHABET)) == len(bc.ALPHABET) == 31
    assert bc.ALPHABET == bc.ALPHABET.upper()


def test_at_least_forty_bits_of_randomness():
    assert bc.LENGTH * math.log2(len(bc.ALPHABET)) >= 40


def test_new_codes_use_the_alphabet_and_length():
    for _ in range(200):
        code = bc.new_code()
        assert len(code) == bc.LENGTH and set(code) <= set(bc.ALPHABET)


def _as_number(code: str) -> int:
    n = 0
    for ch in code:
        n = n * len(bc.ALPHABET) + bc.ALPHABET.index(ch)
    return n


def test_codes_are_not_sequential():
    codes = [bc.new_code() for _ in range(500)]
    assert len(set(codes)) == len(codes)
    numbers = [_as_number(c) for c in codes]
    steps = {b - a for a, b in zip(numbers, numbers[1:], strict=False)}
    assert len(steps) > 400  # no fixed step between one code and the next
    assert all(abs(s) > 1_000 for s in steps)
    # Every position varies (no fixed prefix, as a counter would leave).
    for i in range(bc.LENGTH):
        assert len({c[i] for c in codes}) > 20


def test_display_groups_in_fives():
    assert bc.display("K7Q2MX9RTA") == "K7Q2M-X9RTA"
    assert bc.display(None) == "" and bc.display("") == ""


@pytest.mark.parametrize(
    "typed",
    ["K7Q2M-X9RTA", "k7q2m-x9rta", "K7Q2M X9RTA", " k7q2mx9rta ", "k7q2m_x9.rta"],
)
def test_normalize_accepts_what_people_type(typed):
    assert bc.normalize(typed) == "K7Q2MX9RTA"


def test_round_trip_of_fresh_codes():
    for _ in range(100):
        code = bc.new_code()
        assert bc.normalize(bc.display(code)) == code
        assert bc.normalize(bc.display(code).lower()) == code
        assert bc.normalize(" ".join(code)) == code


def test_look_alikes_read_as_meant():
    assert bc.normalize("ABCD0-FGHJ1") == "ABCDDFGHJJ"
    assert bc.normalize("abcdo-fghji") == "ABCDDFGHJJ"
    assert bc.normalize("ABCDL-FGHJK") == "ABCDJFGHJK"


@pytest.mark.parametrize(
    "typed",
    [None, "", "   ", "ABCDE", "ABCDE-FGHJK-M", "ABCDE-FGHJ!", "ÄBCDE-FGHJK", "KNS-2026-00001", "x" * 500],
)
def test_malformed_is_none(typed):
    assert bc.normalize(typed) is None
