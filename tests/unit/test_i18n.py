from datetime import date
from decimal import Decimal

import pytest
from flask_babel import force_locale, format_date

from juragan.domain.money import format_rupiah


# The Indonesian spelling guide (docs/plan-figures.md, "Rupiah"): "Rp" first, no
# full stop, no space, a dot between thousands; its own example is Rp1.500.000.
# The English interface writes money as CLDR's en_ID (English in Indonesia) does,
# the same way, and never Babel's plain-English "IDR1,250,000".
@pytest.mark.parametrize(
    ("amount", "locale", "expected"),
    [
        (1_500_000, "id", "Rp1.500.000"),  # the guide's example
        (1_250_000, "id", "Rp1.250.000"),
        (1_250_000, "en", "Rp1.250.000"),
        (0, "id", "Rp0"),
        (999, "id", "Rp999"),
        (1_000, "en", "Rp1.000"),
        # Negative: the minus before the symbol, as CLDR's id pattern puts it.
        (-50_000, "id", "-Rp50.000"),
        (-1_250_000, "en", "-Rp1.250.000"),
        # A fraction is rounded half up to the rupiah, and -0,4 is no "-Rp0".
        (Decimal("1521096.50"), "id", "Rp1.521.097"),
        (Decimal("4759487.49"), "id", "Rp4.759.487"),
        (Decimal("-0.4"), "id", "Rp0"),
        (500_000_000_000, "id", "Rp500.000.000.000"),
    ],
)
def test_rupiah(amount, locale, expected):
    assert format_rupiah(amount, locale) == expected


def test_no_space_or_full_stop_after_rp():
    for amount in (1, 12_345, 987_654_321):
        for locale in ("id", "en"):
            written = format_rupiah(amount, locale)
            assert written.startswith("Rp"), written
            assert written[2].isdigit(), written
            assert "\u00a0" not in written
            assert " " not in written


def test_rupiah_refuses_float():
    with pytest.raises(TypeError):
        format_rupiah(1.5)


def test_indonesian_dates(app):
    with app.test_request_context(), force_locale("id"):
        assert format_date(date(2026, 8, 17), "long") == "17 Agustus 2026"
    with app.test_request_context(), force_locale("en"):
        assert format_date(date(2026, 8, 17), "long") == "August 17, 2026"
