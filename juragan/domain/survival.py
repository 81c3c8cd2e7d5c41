"""Kaplan-Meier survival curves from grouped counts (plain Python).

Input: for each duration ``t`` (whole months since opening), how many businesses
closed at ``t`` (events) and how many were last seen open at ``t`` (censored). The
curve steps at every duration with an event:

    S(t) = product over durations u <= t of (1 - d_u / n_u)

where ``d_u`` is the number closed at ``u`` and ``n_u`` the number still at risk
just before ``u``: every business whose time is ``u`` or longer. Censoring at the
same duration as an event counts as happening after it (the usual convention), so
those businesses are in ``n_u``.

Worked example: durations 2 (closed), 3 (open), 5 (closed), 5 (open), 8 (closed).
n = 5 at t=2: S = 4/5 = 0.8; n = 3 at t=5: S = 0.8 x 2/3 = 0.5333; n = 1 at t=8:
S = 0.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal


@dataclass(frozen=True)
class Step:
    months: int
    at_risk: int
    closed: int
    survival: Decimal


def kaplan_meier(counts: Iterable[tuple[int, int, int]]) -> list[Step]:
    """The curve's steps, starting with ``Step(0, n, 0, 1)``.

    :param counts: ``(months, closed, censored)``, in any order, durations may repeat.
    """
    by_time: dict[int, list[int]] = {}
    for months, closed, censored in counts:
        slot = by_time.setdefault(int(months), [0, 0])
        slot[0] += closed
        slot[1] += censored
    at_risk = sum(closed + censored for closed, censored in by_time.values())
    survival = Decimal(1)
    steps = [Step(0, at_risk, 0, survival)]
    for months in sorted(by_time):
        closed, censored = by_time[months]
        if closed:
            survival *= Decimal(at_risk - closed) / Decimal(at_risk)
            steps.append(Step(months, at_risk, closed, _rounded(survival)))
        at_risk -= closed + censored
    return steps


def _rounded(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.0001"), ROUND_HALF_UP)


def survival_at(steps: list[Step], months: int) -> Decimal | None:
    """S(months): the last step at or before ``months``; ``None`` beyond follow-up."""
    if not steps:
        return None
    value = steps[0].survival
    for step in steps:
        if step.months > months:
            break
        value = step.survival
    return value
