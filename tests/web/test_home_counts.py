"""The region home's counts (how many returnees, per regency, how many women) are
read from the summary tables for officials and bank officers. They must be the
counts of the people the reader may see on every other path: the region, the
lender's applicants (never a draft, only while the consent to sharing holds
before the money goes out)."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import select

from juragan import clock
from juragan.db import scope
from juragan.models import ConsentPurpose, Returnee, utcnow
from juragan.policy import scoped
from juragan.reports import overview
from juragan.services import consent
from tests.factories import login


def _seen_on_the_registry(session, user):
    """The oracle: the returnees the data layer's scope gives, counted in Python."""
    people = session.scalars(
        scoped(select(Returnee), user, Returnee).order_by(Returnee.id)
    ).all()
    per = Counter(p.regency_code for p in people)
    women = Counter(p.regency_code for p in people if p.sex == "F")
    names = {p.regency_code: p.regency.name for p in people}
    ranked = sorted(per, key=lambda code: (-per[code], code))[:15]
    return len(people), [
        overview.RegionCount(code, names[code], per[code], women[code])
        for code in ranked
    ]


@pytest.fixture
def registry(db, cast, make_loan, make_returnee):
    """People in three East Java regencies and in Central Java, men and women; KUR
    applications at BRI in every relevant state for its officer."""
    for regency, sex in (
        ("35.07", "M"),
        ("35.07", "M"),
        ("35.78", "F"),
        ("35.73", "M"),
        ("33.01", "F"),
    ):
        make_returnee(regency=regency, sex=sex)
    make_loan(cast, status="submitted")  # sent to the bank: the officer's
    make_loan(cast, status="draft", returnee=make_returnee(regency="35.78"))
    make_loan(
        cast, status="disbursed", returnee=make_returnee(regency="35.73", sex="M")
    )
    withdrawn = make_returnee(regency="35.07")
    make_loan(cast, status="verified", returnee=withdrawn)
    # Consent to sharing with the lender withdrawn before any money went out: the
    # officer no longer sees the person.
    now = utcnow()
    consent.withdraw_consent(
        db.session,
        cast.official_national,
        withdrawn,
        ConsentPurpose.LENDER.value,
        clock.date_in(withdrawn.province_code, now),
        "Surat",
        now,
    )
    db.session.commit()


@pytest.mark.parametrize(
    "reader",
    [
        "official_national",
        "official_province",
        "official_regency",
        "official_other",
        "bank_officer",
        "mentor",
    ],
)
def test_the_home_counts_are_the_registrys(db, cast, registry, reader):
    user = cast.user(reader)
    with scope.as_user(user):
        total, by_regency = _seen_on_the_registry(db.session, user)
        assert overview.count_returnees(db.session, user) == total
        assert overview.returnees_by_regency(db.session, user) == by_regency
    assert total > 0


def test_the_bank_officers_home_leaves_out_drafts_and_withdrawn_consent(
    client, db, cast, registry
):
    with scope.as_user(cast.bank_officer):
        total, _ = _seen_on_the_registry(db.session, cast.bank_officer)
        assert total == 2  # the sent application and the disbursed loan
    login(client, cast.bank_officer.username)
    page = client.get("/")
    assert page.status_code == 200


def test_a_new_person_counts_at_once(client, db, cast, registry, make_returnee):
    """The cells are kept by the writes: no refresh needed for the home page."""
    with scope.as_user(cast.official_regency):
        before = overview.count_returnees(db.session, cast.official_regency)
    make_returnee(regency="35.07")
    db.session.commit()
    with scope.as_user(cast.official_regency):
        assert overview.count_returnees(db.session, cast.official_regency) == (
            before + 1
        )
