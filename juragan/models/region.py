"""Kemendagri reference regions: provinces and regencies/cities (kabupaten/kota)."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from juragan.models.base import Base


class Province(Base):
    __tablename__ = "provinces"

    #: Two-digit Kemendagri code, e.g. ``32`` (Jawa Barat); also a NIK's first digits.
    code: Mapped[str] = mapped_column(String(2), primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)

    regencies: Mapped[list[Regency]] = relationship(
        back_populates="province", order_by="Regency.code"
    )

    __table_args__ = (CheckConstraint("length(code) = 2", name="code_length"),)

    def __repr__(self) -> str:
        return f"<Province {self.code} {self.name}>"


class Regency(Base):
    __tablename__ = "regencies"

    #: Kemendagri code ``PP.KK``; KK 01-69 is a kabupaten, 71-99 a kota.
    code: Mapped[str] = mapped_column(String(5), primary_key=True)
    province_code: Mapped[str] = mapped_column(
        ForeignKey("provinces.code", ondelete="RESTRICT")
    )
    name: Mapped[str] = mapped_column(String(80))

    province: Mapped[Province] = relationship(back_populates="regencies")

    __table_args__ = (
        # Target of composite foreign keys that keep a regency inside its province.
        UniqueConstraint("province_code", "code"),
        CheckConstraint(
            "substr(code, 1, 2) = province_code", name="code_within_province"
        ),
        CheckConstraint("length(code) = 5", name="code_length"),
    )

    @property
    def is_city(self) -> bool:
        return int(self.code[3:]) >= 71

    def __repr__(self) -> str:
        return f"<Regency {self.code} {self.name}>"
