"""Keyset pagination: page 500 costs what page 1 costs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select
from sqlalchemy.orm import Session

T = TypeVar("T")


@dataclass
class Page(Generic[T]):
    items: list[T]
    #: Pass as ``after`` to get the next page; ``None`` on the last page.
    next_after: int | None


def keyset_page(
    session: Session,
    stmt: Select[Any],
    id_column: Any,
    after: int | None,
    size: int,
    newest_first: bool = False,
) -> Page[Any]:
    """Return ``size`` rows of ``stmt`` that come after id ``after``."""
    if after is not None:
        stmt = stmt.where(id_column < after if newest_first else id_column > after)
    stmt = stmt.order_by(id_column.desc() if newest_first else id_column.asc())
    rows = list(session.scalars(stmt.limit(size + 1)))
    has_more = len(rows) > size
    rows = rows[:size]
    next_after = rows[-1].id if has_more and rows else None
    return Page(rows, next_after)
