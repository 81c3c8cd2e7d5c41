"""Searching the registry: the filters of the returnee list and its exports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, exists, select
from sqlalchemy.orm import Session, selectinload

from juragan.dashboards.summaries import ensure_current
from juragan.db import scope
from juragan.db.pagination import Page, keyset_page
from juragan.domain.identifiers import InvalidIdentifier, compact_nik, normalise_phone
from juragan.domain.loan_lifecycle import LoanStatus
from juragan.domain.perturbation import MIN_FOR_STATISTICS
from juragan.models import Placement, Returnee, Role
from juragan.models.dashboard import DestinationCount, LoanFact
from juragan.policy import scoped, summary_clause

#: Journey status filters.
STATUS_ABROAD = "abroad"  # a placement without a return date
STATUS_RETURNED = "returned"  # has placements, all with a return date
STATUS_NO_PLACEMENT = "no_placement"
STATUS_VERIFIED = "verified"  # NIK checked by an official
STATUS_UNVERIFIED = "unverified"
STATUSES = (
    STATUS_ABROAD,
    STATUS_RETURNED,
    STATUS_NO_PLACEMENT,
    STATUS_VERIFIED,
    STATUS_UNVERIFIED,
)


@dataclass
class RegistrySearch:
    name: str | None = None
    nik: str | None = None  # exact
    phone: str | None = None  # exact, any common writing
    province_code: str | None = None
    regency_code: str | None = None
    country_code: str | None = None  # any placement in this country
    return_year: int | None = None  # any placement that ended in this year
    status: str | None = None


def _open_placement() -> Any:
    return exists().where(
        Placement.returnee_id == Returnee.id, Placement.return_date.is_(None)
    )


def _any_placement() -> Any:
    return exists().where(Placement.returnee_id == Returnee.id)


def search_statement(user: Any, search: RegistrySearch) -> Select[tuple[Returnee]]:
    """Returnees ``user`` may see that match ``search`` (unordered, unpaged)."""
    stmt = scoped(select(Returnee), user, Returnee).options(
        selectinload(Returnee.regency), selectinload(Returnee.mentor)
    )
    if search.name:
        stmt = stmt.where(
            Returnee.full_name.icontains(search.name.strip(), autoescape=True)
        )
    if search.nik:
        stmt = stmt.where(Returnee.nik == compact_nik(search.nik))
    if search.phone:
        try:
            phone = normalise_phone(search.phone)
        except InvalidIdentifier:
            phone = search.phone.strip()
        stmt = stmt.where(Returnee.phone == phone)
    if search.province_code:
        stmt = stmt.where(Returnee.province_code == search.province_code)
    if search.regency_code:
        stmt = stmt.where(Returnee.regency_code == search.regency_code)
    if search.country_code:
        stmt = stmt.where(
            exists().where(
                Placement.returnee_id == Returnee.id,
                Placement.country_code == search.country_code.upper(),
            )
        )
    if search.return_year:
        stmt = stmt.where(
            exists().where(
                Placement.returnee_id == Returnee.id,
                Placement.return_date >= date(search.return_year, 1, 1),
                Placement.return_date <= date(search.return_year, 12, 31),
            )
        )
    if search.status == STATUS_ABROAD:
        stmt = stmt.where(_open_placement())
    elif search.status == STATUS_RETURNED:
        stmt = stmt.where(_any_placement(), ~_open_placement())
    elif search.status == STATUS_NO_PLACEMENT:
        stmt = stmt.where(~_any_placement())
    elif search.status == STATUS_VERIFIED:
        stmt = stmt.where(Returnee.nik_verified_at.is_not(None))
    elif search.status == STATUS_UNVERIFIED:
        stmt = stmt.where(Returnee.nik_verified_at.is_(None))
    return stmt


__all__ = [
    "STATUSES",
    "RegistrySearch",
    "common_destinations",
    "registry_page",
    "search_statement",
]


#: At most this many countries come first in a country list.
def registry_page(
    session: Session, user: Any, search: RegistrySearch, after: int | None, size: int
) -> Page[Returnee]:
    """A page of the returnee list, by id, of the people ``user`` may see who
    match ``search``.

    A bank officer's people are the borrowers of the lender's applications. With
    no filter, the page is found on the loan facts first (the lender's loans of
    the branch's province, from an index), then loaded through the scope, so that
    a fact can only leave someone out: through the scope alone every borrower of
    the lender was looked up for each page (74 ms at a million returnees). A
    filter goes the scope's way, whose rows it narrows."""
    stmt = search_statement(user, search)
    if user.role == Role.BANK_OFFICER and search == RegistrySearch():
        ensure_current(session)
        fact = LoanFact
        candidates = select(fact.returnee_id).where(
            summary_clause(user, fact), fact.status != LoanStatus.DRAFT
        )
        if after is not None:
            candidates = candidates.where(fact.returnee_id > after)
        candidates = (
            candidates.group_by(fact.returnee_id)
            .order_by(fact.returnee_id)
            .limit(size + 1)
        )
        stmt = stmt.where(Returnee.id.in_(candidates))
    return keyset_page(session, stmt, Returnee.id, after, size)


MOST_COMMON_DESTINATIONS = 15


def common_destinations(session: Session, known: tuple[str, ...]) -> list[str]:
    """The countries the programme's returnees went to most, most first: those of
    the national summary with at least ``MIN_FOR_STATISTICS`` people (so that the
    order tells nothing of a small group), then the ``known`` main destinations
    the registry does not show yet. It reads the programme's count per country
    (kept by the writes), not the people."""
    with scope.system("destinations"):
        counts = _destination_counts(session)
    shown = [code for code, _count in counts if code != "ID"]
    return shown + [code for code in known if code not in shown]


def _destination_counts(session: Session) -> list[Any]:
    counted = DestinationCount
    return session.execute(
        select(counted.country_code, counted.returnees)
        .where(counted.returnees >= MIN_FOR_STATISTICS)
        .order_by(counted.returnees.desc(), counted.country_code)
        .limit(MOST_COMMON_DESTINATIONS)
    ).all()
