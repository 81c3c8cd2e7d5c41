"""SQL for the CHECKs that keep a column to a fixed code list.

The lists themselves are enums in ``juragan.domain.codes``.
"""

from __future__ import annotations

from collections.abc import Iterable


def in_list(column: str, values: Iterable[str]) -> str:
    """SQL for a CHECK that ``column`` holds one of ``values`` (a code enum or a
    tuple of strings), in their order."""
    quoted = ", ".join(f"'{value}'" for value in values)
    return f"{column} IN ({quoted})"
