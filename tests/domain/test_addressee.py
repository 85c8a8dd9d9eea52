"""Recognising a letter addressed to the Director General of Fiscal Balance, as people write it."""

import pytest

from app.domain.policy import addressed_to_director_general


@pytest.mark.parametrize(
    "addressee",
    [
        "Direktur Jenderal Perimbangan Keuangan",
        "Dirjen Perimbangan Keuangan",
        "Yth. Direktur Jenderal Perimbangan Keuangan",
        "Kepada Yth. Bapak Direktur Jenderal Perimbangan Keuangan, Kementerian Keuangan",
        "DIREKTUR JENDERAL PERIMBANGAN KEUANGAN",
        "direktur  jenderal perimbangan keuangan",
        "Direktur Jendral Perimbangan Keuangan",
        "Yth. Dirjen PK",
        "Direktur Jenderal Perimbangan Keuangan (DJPK)",
        "Menteri Keuangan c.q. Direktur Jenderal Perimbangan Keuangan",
        "Director General of Fiscal Balance",
    ],
)
def test_addressee_recognised(addressee):
    assert addressed_to_director_general(addressee)


@pytest.mark.parametrize(
    "addressee",
    [
        "Kepala Biro Umum",
        "",
        None,
        "Direktur Jenderal Pajak",
        "Dirjen Bina Keuangan Daerah",
        "Sekretaris Direktorat Jenderal Perimbangan Keuangan",
        "Direktur Dana Transfer Umum",
        "Perimbangan Keuangan",
    ],
)
def test_addressee_not_recognised(addressee):
    assert not addressed_to_director_general(addressee)
