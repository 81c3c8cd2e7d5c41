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
from typing import Any

import pycountry
from babel import Locale


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


@dataclass(frozen=True)
class Country:
    code: str  # ISO 3166-1 alpha-2
    name: str


@cache
def countries(locale: str = "id") -> tuple[Country, ...]:
    """ISO 3166 countries with names in ``locale``, sorted: pycountry's catalogues,
    and the CLDR's name (through Babel) where pycountry's Indonesian keeps the
    English one ("Belanda Karibia", not "Bonaire, Sint Eustatius and Saba"). Only
    there: the CLDR's other names are long forms ("Hong Kong DAK Tiongkok")."""
    translation = gettext.translation(
        "iso3166-1", pycountry.LOCALES_DIR, languages=[locale], fallback=True
    )
    cldr = Locale.parse(locale).territories if locale != "en" else {}

    def name(country: Any) -> str:
        # common_name where ISO has one: "Taiwan", not "Taiwan, Province of China".
        english = getattr(country, "common_name", country.name)
        translated = translation.gettext(english)
        if translated == english and " and " in english:
            return str(cldr.get(country.alpha_2, english))
        return str(translated)

    items = [Country(c.alpha_2, name(c)) for c in pycountry.countries]
    return tuple(sorted(items, key=lambda c: c.name.casefold()))


def country_name(code: str, locale: str = "id") -> str:
    for country in countries(locale):
        if country.code == code:
            return country.name
    return code
