"""Reference data shipped with the package: Kemendagri regions and ISO countries.

Regions come from ``juragan/data/{provinces,regencies}.csv`` (idn-area-data 4.0.1,
ODbL, following Kepmendagri 300.2.2-2138/2025: 38 provinces, 514 regencies/cities).
``juragan/data/region_history.csv`` holds the regency codes and names no longer in
that list, with their successors (``docs/identifiers.md``).
"""

from __future__ import annotations

import csv
import gettext
from dataclasses import dataclass
from functools import cache
from importlib import resources

import pycountry
from sqlalchemy import select
from sqlalchemy.orm import Session

from juragan.models import Province, Regency


@dataclass(frozen=True)
class RegionRows:
    provinces: list[dict[str, str]]
    regencies: list[dict[str, str]]


def _read_csv(name: str) -> list[dict[str, str]]:
    with resources.files("juragan.data").joinpath(name).open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


@cache
def region_rows() -> RegionRows:
    """The shipped province and regency rows, as dictionaries keyed by column."""
    provinces = [
        {"code": r["code"], "name": r["name"]} for r in _read_csv("provinces.csv")
    ]
    regencies = [
        {"code": r["code"], "province_code": r["province_code"], "name": r["name"]}
        for r in _read_csv("regencies.csv")
    ]
    return RegionRows(provinces, regencies)


@dataclass(frozen=True)
class HistoricalCode:
    """A regency code or name that Kemendagri used before the current list."""

    code: str  # "91.01"
    name: str  # the name it had then
    valid_until: int  # the year it stopped being the code or name in use
    successors: tuple[str, ...]  # today's code(s) of the same area
    change: str  # why it changed, in English (the legal act)
    listed_in: str  # the Kemendagri lists that carried it


@cache
def region_history() -> tuple[HistoricalCode, ...]:
    """The shipped historical regency codes and names, oldest first per code."""
    return tuple(
        HistoricalCode(
            code=r["code"],
            name=r["name"],
            valid_until=int(r["valid_until"]),
            successors=tuple(r["successors"].split()),
            change=r["change"],
            listed_in=r["listed_in"],
        )
        for r in _read_csv("region_history.csv")
    )


def _upsert_names(
    session: Session, model: type[Province] | type[Regency], rows: list[dict[str, str]]
) -> tuple[int, int]:
    existing = {item.code: item for item in session.scalars(select(model))}
    added = renamed = 0
    for row in rows:
        item = existing.get(row["code"])
        if item is None:
            session.add(model(**row))
            added += 1
        elif item.name != row["name"]:
            item.name = row["name"]
            renamed += 1
    session.flush()
    return added, renamed


def load_regions(session: Session) -> tuple[int, int]:
    """Insert missing regions and rename changed ones; return (added, renamed).

    Codes are never deleted here: people and accounts point at them.
    """
    rows = region_rows()
    provinces = _upsert_names(session, Province, rows.provinces)
    regencies = _upsert_names(session, Regency, rows.regencies)
    return provinces[0] + regencies[0], provinces[1] + regencies[1]


@dataclass(frozen=True)
class Country:
    code: str  # ISO 3166-1 alpha-2
    name: str


@cache
def countries(locale: str = "id") -> tuple[Country, ...]:
    """ISO 3166 countries with names in ``locale`` (pycountry's catalogues), sorted."""
    translation = gettext.translation(
        "iso3166-1", pycountry.LOCALES_DIR, languages=[locale], fallback=True
    )
    items = [
        # common_name where ISO has one: "Taiwan", not "Taiwan, Province of China".
        Country(c.alpha_2, translation.gettext(getattr(c, "common_name", c.name)))
        for c in pycountry.countries
    ]
    return tuple(sorted(items, key=lambda c: c.name.casefold()))


def country_name(code: str, locale: str = "id") -> str:
    for country in countries(locale):
        if country.code == code:
            return country.name
    return code
