"""A person as the reader may see them: the policy decides, and the masking
functions of ``juragan.domain.disclosure`` (one per kind of value) do the rest."""

from __future__ import annotations

from typing import Any

from juragan.domain.disclosure import Shown, address, birth_date, email, nik, phone
from juragan.policy import Action, can


def shown_place(value: str | None, returnee: Any, user: Any) -> str:
    """A district or village of a person's business or plan: an address like theirs
    (a warung is often the home), shown as their own address is."""
    full = bool(user is not None and can(user, Action.VIEW_CONTACT, returnee))
    return address(value, full)


def shown_person(returnee: Any, user: Any, *, nik_revealed: bool = False) -> Shown:
    """The person ``returnee`` as ``user`` may see them: in full for those who look
    after them (``VIEW_CONTACT``); for everyone else (a lender, an administrator)
    the NIK's last four digits, the year of birth, a masked phone and e-mail and no
    address below the regency. The NIK is whole for its owner, or after a reveal
    the caller has recorded."""
    full = bool(user is not None and can(user, Action.VIEW_CONTACT, returnee))
    own = (
        user is not None
        and returnee.user_id is not None
        and (returnee.user_id == getattr(user, "id", None))
    )
    nik_full = own or (nik_revealed and can(user, Action.REVEAL_NIK, returnee))
    place = ", ".join(p for p in (returnee.village, returnee.district) if p)
    return Shown(
        nik=nik(returnee.nik, nik_full),
        phone=phone(returnee.phone, full),
        email=email(returnee.email, full),
        birth_date=birth_date(returnee.birth_date, full),
        address=address(place, full),
        full=full,
        nik_full=nik_full,
    )
