"""Accounts, roles and each account's region scope."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    Enum,
    ForeignKey,
    ForeignKeyConstraint,
    Integer,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from juragan.domain.codes import Language
from juragan.models.base import Audited, Base, Timestamped, Versioned
from juragan.models.lender import Lender, LenderBranch
from juragan.models.region import Province, Regency
from juragan.models.registry_codes import in_list


class Role(enum.StrEnum):
    RETURNEE = "returnee"
    MENTOR = "mentor"
    OFFICIAL = "official"
    BANK_OFFICER = "bank_officer"
    ADMIN = "admin"
    #: Local government planners, ministries' statistics desks, researchers: the
    #: programme's figures for a region, never a person (small groups are hidden).
    OBSERVER = "observer"


#: Roles whose work is bounded by a region.
REGIONAL_ROLES = frozenset(
    {Role.MENTOR, Role.OFFICIAL, Role.BANK_OFFICER, Role.OBSERVER}
)
#: Regional roles that must name a province; an official without one is national
#: (a ministry desk), everyone else works in one province.
PROVINCE_REQUIRED_ROLES = frozenset({Role.MENTOR, Role.BANK_OFFICER})

LOCALES = Language.values()


def _enum_values(enum_class: type[enum.Enum]) -> list[str]:
    return [member.value for member in enum_class]


class User(Audited, Versioned, Timestamped, UserMixin, Base):
    __tablename__ = "users"
    __audit_redacted__ = ("password_hash",)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: Lower-case sign-in name; unique.
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(
        Enum(
            Role,
            name="role",
            native_enum=False,
            create_constraint=True,
            length=20,
            values_callable=_enum_values,
            validate_strings=True,
        ),
        index=True,
    )
    locale: Mapped[str] = mapped_column(String(5), default="id")
    is_active_account: Mapped[bool] = mapped_column(
        "is_active", Boolean, default=True, server_default="1"
    )
    scope_province_code: Mapped[str | None] = mapped_column(String(2), index=True)
    scope_regency_code: Mapped[str | None] = mapped_column(String(5), index=True)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: A bank officer's lender and branch; their region is the branch's.
    lender_code: Mapped[str | None] = mapped_column(
        ForeignKey("lenders.code", ondelete="RESTRICT"), index=True
    )
    lender_branch_id: Mapped[int | None] = mapped_column(Integer)

    scope_province: Mapped[Province | None] = relationship(
        foreign_keys=[scope_province_code], viewonly=True
    )
    scope_regency: Mapped[Regency | None] = relationship(
        foreign_keys=[scope_regency_code], viewonly=True
    )
    lender: Mapped[Lender | None] = relationship(viewonly=True)
    lender_branch: Mapped[LenderBranch | None] = relationship(
        foreign_keys=[lender_branch_id],
        primaryjoin="LenderBranch.id == User.lender_branch_id",
        viewonly=True,
    )

    __table_args__ = (
        ForeignKeyConstraint(
            ["scope_province_code"], ["provinces.code"], ondelete="RESTRICT"
        ),
        # Composite key: the regency must lie inside the scope province.
        ForeignKeyConstraint(
            ["scope_province_code", "scope_regency_code"],
            ["regencies.province_code", "regencies.code"],
            ondelete="RESTRICT",
            name="fk_users_scope_regency_in_province",
        ),
        # A bank officer's lender and province are those of their branch.
        ForeignKeyConstraint(
            ["lender_branch_id", "lender_code", "scope_province_code"],
            [
                "lender_branches.id",
                "lender_branches.lender_code",
                "lender_branches.province_code",
            ],
            ondelete="RESTRICT",
            name="fk_users_branch_lender_province",
        ),
        CheckConstraint(
            "role = 'bank_officer' OR (lender_code IS NULL AND lender_branch_id IS NULL)",
            name="lender_only_for_bank_officers",
        ),
        CheckConstraint(
            "(lender_code IS NULL) = (lender_branch_id IS NULL)",
            name="lender_with_branch",
        ),
        CheckConstraint(in_list("locale", Language), name="locale_known"),
        CheckConstraint("username = lower(username)", name="username_lowercase"),
        CheckConstraint(
            "role IN ('mentor', 'official', 'bank_officer', 'observer') "
            "OR (scope_province_code IS NULL AND scope_regency_code IS NULL)",
            name="scope_only_for_regional_roles",
        ),
        CheckConstraint(
            "role NOT IN ('mentor', 'bank_officer') OR scope_province_code IS NOT NULL",
            name="scope_province_required",
        ),
        CheckConstraint(
            "scope_regency_code IS NULL OR scope_province_code IS NOT NULL",
            name="scope_regency_needs_province",
        ),
    )

    # Flask-Login reads ``is_active``; the column keeps the conventional name.
    @property
    def is_active(self) -> bool:  # type: ignore[override]
        return self.is_active_account

    #: The token of the signed-in session this object was loaded for (not stored).
    session_token = None  # str | None; an instance attribute, not a column

    def get_id(self) -> str | None:
        """What Flask-Login keeps in the cookie: the session's token, never the id.

        The server holds the session (``user_sessions``); ending it there ends it
        for every copy of the cookie.
        """
        return self.session_token

    @property
    def is_regional(self) -> bool:
        return self.role in REGIONAL_ROLES

    @property
    def is_national(self) -> bool:
        """Admins, and officials and observers without a province, see the whole
        country."""
        return self.role == Role.ADMIN or (
            self.role in (Role.OFFICIAL, Role.OBSERVER)
            and self.scope_province_code is None
        )

    def __repr__(self) -> str:
        return f"<User {self.username} {self.role}>"


#: Why a session ended.
SESSION_END_REASONS = ("logout", "password", "deactivated", "idle", "expired")


class UserSession(Base):
    """A signed-in session, held on the server so that ending it is final."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    #: SHA-256 of the token in the cookie; the token itself is never stored.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    #: The latest request (written at most once a minute).
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    #: When the password was last given in this session (sign-in or confirmation).
    authenticated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    end_reason: Mapped[str | None] = mapped_column(String(12))
    #: The browser, as it describes itself (truncated), so a person can tell
    #: their sessions apart.
    user_agent: Mapped[str | None] = mapped_column(String(200))

    user: Mapped[User] = relationship()

    __table_args__ = (
        CheckConstraint(
            "end_reason IS NULL OR end_reason IN ("
            + ", ".join(f"'{r}'" for r in SESSION_END_REASONS)
            + ")",
            name="end_reason_known",
        ),
        CheckConstraint(
            "(ended_at IS NULL) = (end_reason IS NULL)", name="ended_with_reason"
        ),
    )
