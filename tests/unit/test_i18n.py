from datetime import date
from decimal import Decimal

import pytest
from flask_babel import force_locale, format_date

from juragan.i18n import format_rupiah


@pytest.mark.parametrize(
    ("amount", "locale", "expected"),
    [
        (1_250_000, "id", "Rp 1.250.000"),
        (1_250_000, "en", "Rp 1,250,000"),
        (0, "id", "Rp 0"),
        (999, "id", "Rp 999"),
        (-50_000, "id", "-Rp 50.000"),
        (Decimal("1521096.50"), "id", "Rp 1.521.097"),
        (Decimal("4759487.49"), "id", "Rp 4.759.487"),
        (500_000_000_000, "id", "Rp 500.000.000.000"),
    ],
)
def test_rupiah(amount, locale, expected):
    assert format_rupiah(amount, locale) == expected


def test_rupiah_refuses_float():
    with pytest.raises(TypeError):
        format_rupiah(1.5)


def test_indonesian_dates(app):
    with app.test_request_context(), force_locale("id"):
        assert format_date(date(2026, 8, 17), "long") == "17 Agustus 2026"
    with app.test_request_context(), force_locale("en"):
        assert format_date(date(2026, 8, 17), "long") == "August 17, 2026"
