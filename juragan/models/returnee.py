"""The returnee (Purna PMI) and their journey: placements abroad and trainings."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    Numeric,
    SmallInteger,
    String,
    Text,
    text,
)
from sqlalchemy.ext.hybrid import Comparator, hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.sql import operators

from juragan.db import vault
from juragan.domain.codes import (
    EducationLevel,
    MaritalStatus,
    ReturnReason,
    Sector,
    Sex,
    TrainingKind,
    TrainingStage,
)
from juragan.models.account import User
from juragan.models.base import Audited, Base, Timestamped, Versioned, random_key
from juragan.models.region import Province, Regency
from juragan.models.registry_codes import in_list

if TYPE_CHECKING:
    from juragan.models.consent import ConsentRecord
    from juragan.models.loan import LoanApplication


class NikComparator(Comparator[str]):
    """``Returnee.nik == "3507..."`` and ``Returnee.nik.in_([...])`` in a query
    compare keyed hashes: the database never sees a NIK."""

    def operate(self, op: Any, *other: Any, **kwargs: Any) -> Any:
        column = self.__clause_element__()
        if op is operators.eq:
            return column.in_(vault.current().lookup_hashes(other[0]))
        if op is operators.in_op:
            return column.in_(
                [h for nik in other[0] for h in vault.current().lookup_hashes(nik)]
            )
        raise NotImplementedError(f"a NIK can only be compared for equality, not {op}")


class Returnee(Audited, Versioned, Timestamped, Base):
    __tablename__ = "returnees"
    __audit_redacted__ = ("nik_ciphertext", "nik_hash")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: The returnee's own account, if they have signed up; one account, one person.
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), unique=True
    )
    #: The Nomor Induk Kependudukan (16 digits, checked by ``juragan.domain.identifiers``)
    #: never stored in clear: encrypted, and keyed-hashed for lookups and uniqueness
    #: (``juragan.db.vault``). Read and written through :attr:`nik`.
    nik_ciphertext: Mapped[str] = mapped_column(String(200))
    nik_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: Set when an official has checked the NIK against the KTP/KK; then the
    #: returnee can no longer change it themselves.
    nik_verified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    nik_verified_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    full_name: Mapped[str] = mapped_column(String(120))
    #: ``F`` or ``M``, as on the KTP (a NIK encodes it too).
    sex: Mapped[str] = mapped_column(String(1))
    birth_date: Mapped[date] = mapped_column(Date)
    #: E.164, e.g. ``+6281234567890``.
    phone: Mapped[str | None] = mapped_column(String(20), index=True)
    email: Mapped[str | None] = mapped_column(String(254))
    #: Home address, as Kemendagri codes, then free text below the regency.
    province_code: Mapped[str] = mapped_column(String(2))
    regency_code: Mapped[str] = mapped_column(String(5))
    district: Mapped[str | None] = mapped_column(String(80))
    village: Mapped[str | None] = mapped_column(String(80))
    education: Mapped[str] = mapped_column(String(10))
    marital_status: Mapped[str] = mapped_column(String(10))
    dependants: Mapped[int] = mapped_column(SmallInteger, default=0)
    #: The mentor (pendamping) whose caseload holds this returnee.
    mentor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    #: Set when the person's data was erased at their request (UU PDP): what is
    #: left is what the programme's figures need, with nothing to identify them.
    erased_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: Random, never shown: what the dashboards' figures are perturbed by for those
    #: who may not see individuals (``juragan.domain.perturbation``).
    disclosure_key: Mapped[int] = mapped_column(Integer, default=random_key)
    #: Who entered the record (the returnee themselves, a mentor or an official).
    registered_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )

    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    mentor: Mapped[User | None] = relationship(foreign_keys=[mentor_id])
    nik_verified_by: Mapped[User | None] = relationship(
        foreign_keys=[nik_verified_by_id], viewonly=True
    )
    province: Mapped[Province] = relationship(viewonly=True)
    regency: Mapped[Regency] = relationship(
        viewonly=True,
        foreign_keys=[regency_code],
        primaryjoin="Regency.code == Returnee.regency_code",
    )
    placements: Mapped[list[Placement]] = relationship(
        back_populates="returnee",
        order_by="Placement.departure_date",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    trainings: Mapped[list[Training]] = relationship(
        back_populates="returnee",
        order_by="Training.start_date",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    #: Consent per purpose, history included (``juragan.models.consent``), as far
    #: as the reader may see it.
    consents: Mapped[list[ConsentRecord]] = relationship(
        "ConsentRecord", viewonly=True, order_by="ConsentRecord.given_at"
    )
    #: The KUR applications the reader may see (loaded through their scope).
    applications: Mapped[list[LoanApplication]] = relationship(
        "LoanApplication", viewonly=True, order_by="LoanApplication.id"
    )

    __table_args__ = (
        ForeignKeyConstraint(
            ["province_code"], ["provinces.code"], ondelete="RESTRICT"
        ),
        ForeignKeyConstraint(
            ["province_code", "regency_code"],
            ["regencies.province_code", "regencies.code"],
            ondelete="RESTRICT",
            name="fk_returnees_regency_in_province",
        ),
        CheckConstraint(in_list("sex", Sex), name="sex_known"),
        CheckConstraint("length(nik_hash) = 64", name="nik_hash_length"),
        CheckConstraint(in_list("education", EducationLevel), name="education_known"),
        CheckConstraint(
            in_list("marital_status", MaritalStatus), name="marital_status_known"
        ),
        CheckConstraint("dependants BETWEEN 0 AND 30", name="dependants_range"),
        # Lists scoped to a province or a regency, paged by id (keyset).
        Index("ix_returnees_province_id", "province_code", "id"),
        Index("ix_returnees_region", "province_code", "regency_code", "id"),
        # Duplicate warnings look people up by birth date and regency.
        Index("ix_returnees_birth_regency", "birth_date", "regency_code"),
        # The people without a mentor, by name, for the country, a province and a
        # regency (the assignment page's first view: a page of names, not a sort
        # of everyone in the region).
        *(
            Index(
                name,
                *columns,
                "full_name",
                "id",
                postgresql_where=text("mentor_id IS NULL"),
                sqlite_where=text("mentor_id IS NULL"),
            )
            for name, columns in (
                ("ix_returnees_unassigned_name", ()),
                ("ix_returnees_unassigned_province_name", ("province_code",)),
                (
                    "ix_returnees_unassigned_region_name",
                    ("province_code", "regency_code"),
                ),
            )
        ),
    )

    @hybrid_property
    def nik(self) -> str:
        return vault.current().decrypt(self.nik_ciphertext)

    @nik.inplace.setter
    def _nik_setter(self, value: str) -> None:
        stored = vault.current().stored(value)
        self.nik_ciphertext = stored["nik_ciphertext"]
        self.nik_hash = stored["nik_hash"]

    @nik.inplace.comparator
    @classmethod
    def _nik_comparator(cls) -> NikComparator:
        return NikComparator(cls.nik_hash)

    @property
    def is_nik_verified(self) -> bool:
        return self.nik_verified_at is not None

    def __repr__(self) -> str:
        return f"<Returnee {self.id} {self.full_name}>"


class Placement(Audited, Versioned, Timestamped, Base):
    """One period of work abroad (an episode of the migration history)."""

    __tablename__ = "placements"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    returnee_id: Mapped[int] = mapped_column(
        ForeignKey("returnees.id", ondelete="CASCADE")
    )
    #: ISO 3166-1 alpha-2 destination.
    country_code: Mapped[str] = mapped_column(String(2), index=True)
    sector: Mapped[str] = mapped_column(String(20))
    occupation: Mapped[str | None] = mapped_column(String(120))
    #: The placement agency (P3MI); empty when the worker went independently.
    agency_name: Mapped[str | None] = mapped_column(String(160))
    is_independent: Mapped[bool] = mapped_column(Boolean, default=False)
    departure_date: Mapped[date] = mapped_column(Date)
    contract_months: Mapped[int] = mapped_column(SmallInteger)
    #: Empty while the person is still abroad.
    return_date: Mapped[date | None] = mapped_column(Date, index=True)
    return_reason: Mapped[str | None] = mapped_column(String(20))
    #: Monthly salary in the destination's currency (ISO 4217) and in rupiah.
    salary_foreign: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    salary_currency: Mapped[str | None] = mapped_column(String(3))
    salary_idr: Mapped[int | None] = mapped_column(BigInteger)
    remittances_idr: Mapped[int | None] = mapped_column(BigInteger)
    savings_idr: Mapped[int | None] = mapped_column(BigInteger)
    skills: Mapped[str | None] = mapped_column(Text)

    returnee: Mapped[Returnee] = relationship(back_populates="placements")

    __table_args__ = (
        CheckConstraint(in_list("sector", Sector), name="sector_known"),
        CheckConstraint(
            "return_reason IS NULL OR " + in_list("return_reason", ReturnReason),
            name="return_reason_known",
        ),
        CheckConstraint(
            "return_date IS NULL OR return_date >= departure_date",
            name="return_after_departure",
        ),
        CheckConstraint(
            "(return_date IS NULL) = (return_reason IS NULL)",
            name="return_reason_with_return",
        ),
        CheckConstraint(
            "is_independent OR agency_name IS NOT NULL", name="agency_or_independent"
        ),
        CheckConstraint("contract_months BETWEEN 1 AND 120", name="contract_range"),
        CheckConstraint(
            "(salary_foreign IS NULL OR salary_foreign >= 0)"
            " AND (salary_idr IS NULL OR salary_idr >= 0)"
            " AND (remittances_idr IS NULL OR remittances_idr >= 0)"
            " AND (savings_idr IS NULL OR savings_idr >= 0)",
            name="amounts_not_negative",
        ),
        CheckConstraint(
            "(salary_foreign IS NULL) = (salary_currency IS NULL)",
            name="salary_has_currency",
        ),
        Index("ix_placements_returnee_departure", "returnee_id", "departure_date"),
    )


class Training(Audited, Versioned, Timestamped, Base):
    """A course taken before departure, abroad or after return."""

    __tablename__ = "trainings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    returnee_id: Mapped[int] = mapped_column(
        ForeignKey("returnees.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(160))
    kind: Mapped[str] = mapped_column(String(20))
    stage: Mapped[str] = mapped_column(String(20))
    organiser: Mapped[str] = mapped_column(String(160))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    #: Certificate name or number, if one was given.
    certificate: Mapped[str | None] = mapped_column(String(160))

    returnee: Mapped[Returnee] = relationship(back_populates="trainings")

    __table_args__ = (
        CheckConstraint(in_list("kind", TrainingKind), name="kind_known"),
        CheckConstraint(in_list("stage", TrainingStage), name="stage_known"),
        CheckConstraint(
            "end_date IS NULL OR end_date >= start_date", name="end_after_start"
        ),
    )


ERASURE_STATUSES = ("pending", "done", "refused")


class ErasureRequest(Base):
    """A returnee's request to be erased, and what became of it."""

    __tablename__ = "erasure_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    returnee_id: Mapped[int] = mapped_column(
        ForeignKey("returnees.id", ondelete="CASCADE"), index=True
    )
    requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    #: In the person's words, optional.
    reason: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(8), default="pending")
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    #: Why a request was refused (required then), or a note on the erasure.
    decision_note: Mapped[str | None] = mapped_column(Text)

    returnee: Mapped[Returnee] = relationship()
    decided_by: Mapped[User | None] = relationship(viewonly=True)

    __table_args__ = (
        CheckConstraint(in_list("status", ERASURE_STATUSES), name="status_known"),
        CheckConstraint(
            "(status = 'pending') = (decided_at IS NULL)", name="decided_unless_pending"
        ),
        CheckConstraint(
            "status <> 'refused' OR decision_note IS NOT NULL",
            name="refusal_has_reason",
        ),
        # At most one open request per person.
        Index(
            "uq_erasure_requests_one_pending",
            "returnee_id",
            unique=True,
            postgresql_where=text("status = 'pending'"),
            sqlite_where=text("status = 'pending'"),
        ),
    )


class Invitation(Base):
    """A one-time link that lets a registered returnee create their account."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    returnee_id: Mapped[int] = mapped_column(
        ForeignKey("returnees.id", ondelete="CASCADE"), index=True
    )
    #: SHA-256 of the token; the token itself is shown once and never stored.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    returnee: Mapped[Returnee] = relationship()


CHECK_REASONS = ("nik", "similar")
CHECK_STATUSES = ("pending", "linked", "registered", "rejected")


class RegistrationCheck(Base):
    """A self-registration that could not become a record by itself: its NIK is
    registered already, or someone alike is. The person is told only that their
    registration will be checked (as everyone is); an official of the address's
    region links the account to the existing record, registers the person, or
    refuses, saying why."""

    __tablename__ = "registration_checks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: The account the person made (it holds no record until the check is done).
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    reason: Mapped[str] = mapped_column(String(8))
    #: Who the NIK or the likeness points at; never shown to the person.
    matched_returnee_id: Mapped[int | None] = mapped_column(
        ForeignKey("returnees.id", ondelete="SET NULL")
    )
    #: The address given: the region whose officials do the check.
    province_code: Mapped[str] = mapped_column(String(2))
    regency_code: Mapped[str] = mapped_column(String(5))
    #: The profile as entered (NIK included), encrypted under the NIK keys; emptied
    #: once the check is done.
    profile_ciphertext: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: Why it was refused (required then), for the person to read.
    note: Mapped[str | None] = mapped_column(Text)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    matched: Mapped[Returnee | None] = relationship(viewonly=True)
    regency: Mapped[Regency] = relationship(
        viewonly=True,
        foreign_keys=[regency_code],
        primaryjoin="Regency.code == RegistrationCheck.regency_code",
    )

    __table_args__ = (
        ForeignKeyConstraint(
            ["province_code", "regency_code"],
            ["regencies.province_code", "regencies.code"],
            ondelete="RESTRICT",
            name="fk_registration_checks_regency_in_province",
        ),
        CheckConstraint(in_list("reason", CHECK_REASONS), name="reason_known"),
        CheckConstraint(in_list("status", CHECK_STATUSES), name="status_known"),
        CheckConstraint(
            "(status = 'pending') = (decided_at IS NULL)", name="decided_unless_pending"
        ),
        CheckConstraint(
            "status <> 'rejected' OR note IS NOT NULL", name="refusal_has_reason"
        ),
        CheckConstraint(
            "status = 'pending' OR profile_ciphertext IS NULL",
            name="profile_kept_only_while_pending",
        ),
        Index("ix_registration_checks_region", "province_code", "regency_code"),
    )
