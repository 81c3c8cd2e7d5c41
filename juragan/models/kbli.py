"""KBLI 2025 reference codes (Perba BPS 7/2025), filled by migration 0016 from
``juragan/data/kbli2025`` (see ``docs/kbli.md``)."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from juragan.domain.kbli import CATEGORIES, EDITION, LEVELS
from juragan.models.base import Base
from juragan.models.registry_codes import in_list


class KbliCode(Base):
    """One entry of KBLI 2025 at any level: a category letter, or 2 to 5 digits."""

    __tablename__ = "kbli_codes"

    code: Mapped[str] = mapped_column(String(5), primary_key=True)
    #: The edition the code belongs to (only 2025 is loaded).
    edition: Mapped[str] = mapped_column(String(4), default=EDITION)
    #: category, division, group, class or subclass (kategori, golongan pokok,
    #: golongan, subgolongan, kelompok): follows from the code's length.
    level: Mapped[str] = mapped_column(String(8))
    #: The Indonesian title, as the classification writes it.
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    parent_code: Mapped[str | None] = mapped_column(
        ForeignKey("kbli_codes.code", ondelete="RESTRICT")
    )
    #: The category letter (A–V) the code falls in.
    category: Mapped[str] = mapped_column(String(1))

    __table_args__ = (
        # Target of the plans' and businesses' (kbli_code, kbli_section) key.
        UniqueConstraint("code", "category"),
        CheckConstraint(f"edition = '{EDITION}'", name="edition_known"),
        CheckConstraint(in_list("level", LEVELS), name="level_known"),
        CheckConstraint(in_list("category", CATEGORIES), name="category_known"),
        CheckConstraint(
            "(level = 'category' AND parent_code IS NULL AND code = category)"
            " OR (level <> 'category' AND parent_code IS NOT NULL)",
            name="parent_by_level",
        ),
    )

    def __repr__(self) -> str:
        return f"<KbliCode {self.code} {self.title}>"
