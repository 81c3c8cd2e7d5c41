"""Figures that survive subtraction: cell-key perturbation for those who may not see
individuals (observers, and lenders' officers for people's figures).

The method is the Australian Bureau of Statistics' cell-key method (TableBuilder),
with unbiased random rounding to base 5 as its perturbation (see
``docs/disclosure-control.md``):

- every person, business and loan carries a random *record key* (0-65535, stored
  with the record, never shown);
- the *cell key* of any group is the sum of its members' keys, modulo 65536: the
  same people always give the same key, however the group was asked for;
- a count ``n`` is shown as a multiple of 5: ``n`` rounded down, or up with
  probability ``(n mod 5) / 5``, the draw taken from the cell key. It is unbiased
  (its expectation is ``n``), the same group always shows the same figure, and a
  group of 1 to 4 is never shown as itself;
- any sum or difference of shown counts is a multiple of 5 too, so subtracting
  figures (a total minus its parts, complementary filters, two cumulative ranges)
  can never give back a group of 1 to 4 exactly;
- amounts get a multiplicative noise of up to ±10 % from the cell key and are
  rounded to Rp100.000; means, medians and shares are given only for groups shown
  as 10 or more, with a noise of their own, so that two means over nested groups
  do not give one person's value.

These are pure functions; :mod:`juragan.dashboards.figures` applies them.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

KEY_SPACE = 65536
BASE = 5
#: Below this (as shown) a mean, median or share is not given at all.
MIN_FOR_STATISTICS = 10
AMOUNT_NOISE = Decimal("0.10")
AMOUNT_STEP = 100_000


def _draw(key: int, salt: str) -> float:
    """A number in [0, 1) drawn from a cell key (and what is being drawn for: the
    count of people and the count of businesses of one cell draw apart)."""
    mixed = (int(key) % KEY_SPACE) * 2654435761 + sum(map(ord, salt)) * 40503
    mixed ^= mixed >> 16
    return (mixed * 2246822519 % 2**32) / 2**32


def count(n: int, key: int, salt: str = "n") -> int:
    """``n`` as it may be shown: a multiple of 5, unbiased, fixed by the cell key."""
    n = int(n or 0)
    if n <= 0:
        return 0
    low = n - n % BASE
    if n % BASE == 0:
        return n
    return low + BASE if _draw(key, salt) < (n % BASE) / BASE else low


def amount(total: int | None, key: int, salt: str = "idr") -> int | None:
    """A sum of rupiah with up to ±10 % noise from the cell key, in Rp100.000s."""
    if total is None:
        return None
    factor = 1 + AMOUNT_NOISE * (2 * Decimal(_draw(key, salt)) - 1)
    noisy = Decimal(int(total)) * factor
    return int((noisy / AMOUNT_STEP).quantize(Decimal(1), ROUND_HALF_UP)) * AMOUNT_STEP


def statistic(
    value: Decimal | None,
    shown_n: int,
    key: int,
    salt: str,
    spread: Decimal,
    step: Decimal,
) -> Decimal | None:
    """A mean, median or share of a group shown as ``shown_n``: nothing under 10;
    otherwise the value moved by up to ``spread`` either way and rounded to
    ``step``."""
    if value is None or shown_n < MIN_FOR_STATISTICS:
        return None
    noisy = Decimal(value) + spread * (2 * Decimal(_draw(key, salt)) - 1)
    return ((noisy / step).quantize(Decimal(1), ROUND_HALF_UP) * step).normalize()


def share(part: int, whole: int, key: int, salt: str = "share") -> Decimal | None:
    """A share from two counts, each as it may be shown (4 decimals)."""
    shown_whole = count(whole, key, salt + ":whole")
    if shown_whole < MIN_FOR_STATISTICS:
        return None
    shown_part = min(count(part, key, salt + ":part"), shown_whole)
    return (Decimal(shown_part) / Decimal(shown_whole)).quantize(
        Decimal("0.0001"), ROUND_HALF_UP
    )


def ratio_of_amounts(
    part: int, whole: int, n: int, key: int, salt: str = "ratio"
) -> Decimal | None:
    """A ratio of two sums of rupiah (an NPL) over ``n`` loans: only for groups of
    10 or more, from the two noisy sums."""
    if count(n, key, salt + ":n") < MIN_FOR_STATISTICS:
        return None
    shown_whole = amount(whole, key, salt + ":whole") or 0
    if not shown_whole:
        return None
    shown_part = min(amount(part, key, salt + ":part") or 0, shown_whole)
    return (Decimal(shown_part) / Decimal(shown_whole)).quantize(
        Decimal("0.0001"), ROUND_HALF_UP
    )
