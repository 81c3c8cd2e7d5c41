"""Amounts in words: worked examples spelt by hand from the Indonesian rules.

The rules (docs/plan-figures.md, "Amounts in words"): se- for one ten, eleven,
hundred and thousand (sepuluh, sebelas, seratus, seribu); "satu" before juta,
miliar and triliun; -belas for the teens, puluh, ratus, ribu, juta, miliar. Each
example below is composed group by group (thousands) from those rules, not
copied from the library's output.
"""

from decimal import Decimal

import pytest

from juragan.domain.terbilang import rupiah_in_words


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (0, "nol rupiah"),
        (1, "satu rupiah"),
        (10, "sepuluh rupiah"),
        (11, "sebelas rupiah"),
        (12, "dua belas rupiah"),
        (100, "seratus rupiah"),
        (111, "seratus sebelas rupiah"),
        (1_000, "seribu rupiah"),
        (1_001, "seribu satu rupiah"),
        (11_000, "sebelas ribu rupiah"),
        (21_000, "dua puluh satu ribu rupiah"),
        (100_100, "seratus ribu seratus rupiah"),
        # 1 | 250 | 000: satu juta, dua ratus lima puluh ribu.
        (1_250_000, "satu juta dua ratus lima puluh ribu rupiah"),
        # 1 | 001 | 000: the thousands group is one thousand, "seribu", after juta
        # too (num2words 0.5.14 alone writes "satu ribu" here).
        (1_001_000, "satu juta seribu rupiah"),
        (1_001_234, "satu juta seribu dua ratus tiga puluh empat rupiah"),
        # The KUR of the domain reference's example and its instalment.
        (50_000_000, "lima puluh juta rupiah"),
        (
            1_521_097,
            "satu juta lima ratus dua puluh satu ribu sembilan puluh tujuh rupiah",
        ),
        (100_000_000, "seratus juta rupiah"),
        (1_000_000_000, "satu miliar rupiah"),
        (2_001_000_000, "dua miliar satu juta rupiah"),
        (5_000_001_000, "lima miliar seribu rupiah"),
        (1_000_000_000_000, "satu triliun rupiah"),
    ],
)
def test_indonesian(amount, expected):
    assert rupiah_in_words(amount, "id") == expected


def test_never_se_before_juta():
    for millions in (1, 11, 101, 1001):
        words = rupiah_in_words(millions * 1_000_000, "id")
        assert "se juta" not in words, words
        assert "sejuta" not in words, words


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        # English, spelt by hand (British "and" before the tens, as num2words does).
        (1_250_000, "one million, two hundred and fifty thousand rupiah"),
        (50_000_000, "fifty million rupiah"),
        (1_001_000, "one million, one thousand rupiah"),
        (115, "one hundred and fifteen rupiah"),
    ],
)
def test_english(amount, expected):
    assert rupiah_in_words(amount, "en") == expected


def test_rounding_and_refusals():
    assert rupiah_in_words(Decimal("999.5"), "id") == "seribu rupiah"
    with pytest.raises(TypeError):
        rupiah_in_words(1.5)
    with pytest.raises(ValueError):
        rupiah_in_words(-1)
