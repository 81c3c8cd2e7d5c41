"""The catalogue the app keeps in its database: Kemendagri's provinces and
regencies, loaded from the shipped rows (``juragan.domain.regions``)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from juragan.domain.regions import region_rows
from juragan.models import Province, Regency


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
