"""The cell-key perturbation's promises, as properties (``juragan.domain.perturbation``)."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from juragan.domain import perturbation

counts = st.integers(min_value=0, max_value=10_000)
keys = st.integers(min_value=0, max_value=2**20)


@given(counts, keys)
def test_a_count_is_a_multiple_of_five_near_itself_and_fixed_by_its_key(n, key):
    shown = perturbation.count(n, key)
    assert shown % 5 == 0
    assert abs(shown - n) < 5
    assert shown == perturbation.count(n, key)  # the same group reads the same
    if 1 <= n <= 4:
        assert shown != n


@given(st.integers(min_value=1, max_value=500))
def test_the_rounding_is_unbiased_over_keys(n):
    mean = sum(perturbation.count(n, key) for key in range(0, 65536, 7)) / len(
        range(0, 65536, 7)
    )
    assert abs(mean - n) < 0.1


@given(st.integers(min_value=0, max_value=10**12), keys)
def test_amounts_move_by_at_most_a_tenth_and_round_to_a_hundred_thousand(total, key):
    shown = perturbation.amount(total, key)
    assert shown % 100_000 == 0
    assert abs(shown - total) <= total / 10 + 50_000


@given(st.integers(min_value=0, max_value=9), keys)
def test_no_statistic_for_a_group_shown_under_ten(shown_n, key):
    assert (
        perturbation.statistic(
            Decimal("0.5"), shown_n, key, "m", Decimal("0.02"), Decimal("0.01")
        )
        is None
    )
