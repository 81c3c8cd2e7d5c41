"""The arithmetic of late penalties (denda) and of a written-off loan's loss, over
``int`` rupiah and ``Decimal`` (``docs/loan-checks.md``).

**Penalties** are a balance of their own, apart from the instalments: a charge adds
to it, a waiver or a penalty payment takes from it. They never change how a
payment is allocated to the instalments, nor the days past due.

- ``per_day``: overdue amount x rate% x days late;
- ``per_month``: overdue amount x rate% x months late, a started month counting
  whole (1-30 days is one month, 31-60 two);
- ``fixed``: the fixed amount for each overdue instalment.

Each is rounded to the rupiah, half up.

**A written-off loan's loss.** ``written_off`` is the principal outstanding when it
was written off. Recoveries (money collected afterwards) lower what the borrower
still owes; a guarantee claim paid does not (it moves the loss from the lender to
the guarantor, who takes over the claim: subrogation). Of each recovery, the share
passed on to the guarantor is the guarantor's; the rest is the lender's.

- borrower's balance = written_off - recoveries
- guarantor's net loss = claims paid - shares passed on
- lender's net loss = written_off - claims paid - (recoveries - shares passed on)

so the two losses add up to the borrower's balance.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

#: Events that add to the penalty balance, and those that take from it.
CHARGES = frozenset({"penalty_charge"})
CREDITS = frozenset({"penalty_waiver", "penalty_payment"})


def _rupiah(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def months_late(days: int) -> int:
    """Months late counting a started month whole: 0 days 0, 1-30 days 1, 31-60 2."""
    return 0 if days <= 0 else (days + 29) // 30


def penalty_amount(
    basis: str,
    overdue_idr: int,
    days_late: int,
    overdue_instalments: int,
    rate_percent: Decimal | None = None,
    fixed_idr: int | None = None,
) -> int:
    """The penalty a lender's terms give for an overdue amount (see the module).

    :raises ValueError: for an unknown basis or a basis without its figure.
    """
    if basis not in ("none", "fixed", "per_day", "per_month"):
        raise ValueError(f"unknown penalty basis {basis!r}")
    if basis == "none" or overdue_idr <= 0 or days_late <= 0:
        return 0
    if basis == "fixed":
        if fixed_idr is None:
            raise ValueError("a fixed penalty needs its amount")
        return fixed_idr * overdue_instalments
    if rate_percent is None:
        raise ValueError("a rate penalty needs its rate")
    periods = days_late if basis == "per_day" else months_late(days_late)
    return _rupiah(Decimal(overdue_idr) * Decimal(rate_percent) / 100 * periods)


def penalty_balance(events: Iterable[tuple[str, date, int]], on: date) -> int:
    """Penalties owed on ``on``: charges less waivers and payments made by then."""
    owed = 0
    for kind, day, amount in events:
        if day > on:
            continue
        if kind in CHARGES:
            owed += amount
        elif kind in CREDITS:
            owed -= amount
    return owed


@dataclass(frozen=True)
class Loss:
    """The figures of a written-off loan (see the module docstring)."""

    written_off_idr: int
    claims_paid_idr: int
    recoveries_idr: int
    passed_to_guarantor_idr: int

    @property
    def borrower_balance_idr(self) -> int:
        return self.written_off_idr - self.recoveries_idr

    @property
    def kept_recoveries_idr(self) -> int:
        return self.recoveries_idr - self.passed_to_guarantor_idr

    @property
    def guarantor_net_loss_idr(self) -> int:
        return self.claims_paid_idr - self.passed_to_guarantor_idr

    @property
    def lender_net_loss_idr(self) -> int:
        return self.written_off_idr - self.claims_paid_idr - self.kept_recoveries_idr

    def __add__(self, other: Loss) -> Loss:
        return Loss(
            self.written_off_idr + other.written_off_idr,
            self.claims_paid_idr + other.claims_paid_idr,
            self.recoveries_idr + other.recoveries_idr,
            self.passed_to_guarantor_idr + other.passed_to_guarantor_idr,
        )


NO_LOSS = Loss(0, 0, 0, 0)


def claimable_idr(outstanding_idr: int, cover_percent: Decimal) -> int:
    """What the guarantee pays of a loss: ``cover_percent`` of the outstanding
    principal, rounded down to the rupiah (a claim never asks for more)."""
    return int(Decimal(outstanding_idr) * Decimal(cover_percent) / 100)
