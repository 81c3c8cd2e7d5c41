"""Every dashboard series against numbers worked out by hand on a small region."""

from datetime import date, timedelta
from decimal import Decimal

from juragan import clock
from juragan.dashboards import figures as programme
from juragan.dashboards.figures import Filters
from juragan.domain.repayment import (
    Due,
    collectibility,
    days_past_due,
    outstanding_principal,
)
from juragan.domain.survival import Step, kaplan_meier, survival_at
from juragan.models import Placement, utcnow
from juragan.services import businesses
from juragan.services.businesses import BusinessData


def place(session, returnee, country, departed, returned):
    session.add(
        Placement(
            returnee_id=returnee.id,
            country_code=country,
            sector="caregiver",
            agency_name="PT A",
            departure_date=departed,
            contract_months=24,
            return_date=returned,
            return_reason="contract_completed" if returned else None,
        )
    )
    session.flush()


def open_for(session, cast, make_plan, person, opened_on, sector="culinary"):
    author = cast.returnee_user if person is cast.returnee else cast.official_province
    plan = make_plan(person, author, status="ready")
    plan.sector = sector
    now = utcnow()
    return businesses.open_business(
        session, author, plan, BusinessData(opened_on), clock.today(now), now
    )


def everything_empty(session, user, today):
    """Every series for a viewer with nobody in scope."""
    nothing = Filters(country_code="JP")
    assert programme.by_country(session, user, nothing) == []
    assert programme.by_sector(session, user, nothing) == []
    assert programme.by_area(session, user, nothing)[1] == []
    assert programme.cohorts(session, user, nothing, today) == []
    assert programme.survival_counts(session, user, nothing, today)["sector"] == {}
    assert programme.collectibility_mix(session, user, nothing, today, "lender") == []
    assert programme.npl_trends(session, user, nothing, today)["area"] == {}
    assert dict(programme.funnel(session, user, nothing, today)) == dict.fromkeys(
        ("returned", "planned", "ready", "opened", "lasting"), 0
    )


def test_no_data_in_scope(db, cast):
    today = clock.today()
    for user in (cast.official_national, cast.official_province, cast.official_regency):
        everything_empty(db.session, user, today)


def test_kaplan_meier_worked_example():
    # Durations 2 (closed), 3 (open), 5 (closed), 5 (open), 8 (closed).
    steps = kaplan_meier([(2, 1, 0), (3, 0, 1), (5, 1, 1), (8, 1, 0)])
    assert steps == [
        Step(0, 5, 0, Decimal(1)),
        Step(2, 5, 1, Decimal("0.8000")),
        Step(5, 3, 1, Decimal("0.5333")),
        Step(8, 1, 1, Decimal("0.0000")),
    ]
    assert survival_at(steps, 4) == Decimal("0.8000")
    assert survival_at(steps, 1) == Decimal(1)
    assert kaplan_meier([]) == [Step(0, 0, 0, Decimal(1))]


def test_areas_provinces_then_regencies(db, cast, make_plan):
    session = db.session
    for person in (cast.returnee, cast.neighbour, cast.far_away):
        place(session, person, "TW", date(2019, 1, 1), date(2021, 3, 1))
    open_for(session, cast, make_plan, cast.returnee, date(2021, 6, 1))
    session.commit()
    level, areas = programme.by_area(session, cast.official_national, Filters())
    assert level == "province"
    assert [(a.code, a.returnees, a.businesses, a.operating) for a in areas] == [
        ("33", 1, 0, 0),
        ("35", 2, 1, 1),
    ]
    level, areas = programme.by_area(
        session, cast.official_national, Filters(province_code="35")
    )
    assert level == "regency"
    assert [(a.code, a.returnees, a.operating) for a in areas] == [
        ("35.07", 1, 1),
        ("35.78", 1, 0),
    ]
    # The regency official sees only their regency, whatever the filters say.
    level, areas = programme.by_area(session, cast.official_regency, Filters())
    assert [a.code for a in areas] == ["35.07"]
    assert (
        programme.by_area(session, cast.official_regency, Filters(province_code="33"))[
            1
        ]
        == []
    )


def test_cohorts_share_operating_by_months_since_return(db, cast, make_plan):
    session = db.session
    today = date(2026, 12, 1)
    # Q1 2025: Sri (home 10 Feb) opens on 1 Apr and pauses on 1 Sep; her neighbour
    # (home 20 Mar) never opens. Q2 2026: far_away's cohort is too young for most.
    place(session, cast.returnee, "TW", date(2023, 1, 1), date(2025, 2, 10))
    place(session, cast.neighbour, "HK", date(2023, 1, 1), date(2025, 3, 20))
    business = open_for(session, cast, make_plan, cast.returnee, date(2025, 4, 1))
    now = utcnow()
    businesses.change_status(
        session,
        cast.mentor,
        business,
        "paused",
        date(2025, 9, 1),
        clock.today(now),
        now,
    )
    place(session, cast.far_away, "MY", date(2024, 1, 1), date(2026, 5, 5))
    session.commit()
    rows = programme.cohorts(session, cast.official_national, Filters(), today)
    assert [(r.quarter, r.returnees) for r in rows] == [(20262, 1), (20251, 2)]
    # Months 3, 6, 12, 24, 36. Q1 2025 ends 31 Mar 2025: 3 months on is 30 Jun 2025
    # (Sri: 10 May, open), 6 on 30 Sep (10 Aug, open), 12 (10 Feb 2026, paused);
    # 24 months would be 31 Mar 2027, after today.
    half = Decimal("0.5000")
    assert rows[1].shares == (half, half, Decimal("0.0000"), None, None)
    # Q2 2026 ends 30 Jun 2026: only the 3-month column is reached (30 Sep 2026).
    assert rows[0].shares == (Decimal("0.0000"), None, None, None, None)
    assert programme.cohorts(session, cast.official_other, Filters(), today) == [
        rows[0]
    ]


def test_survival_counts_by_sector_and_destination(db, cast, make_plan):
    session = db.session
    today = date(2026, 12, 1)
    place(session, cast.returnee, "TW", date(2019, 1, 1), date(2021, 1, 1))
    place(session, cast.neighbour, "HK", date(2019, 1, 1), date(2021, 1, 1))
    place(session, cast.far_away, "HK", date(2019, 1, 1), date(2021, 1, 1))
    now = utcnow()
    # Sri's warung closed after 10 months, reopened later: open today.
    sri = open_for(session, cast, make_plan, cast.returnee, date(2022, 1, 1))
    businesses.change_status(
        session,
        cast.mentor,
        sri,
        "closed",
        date(2022, 11, 1),
        clock.today(now),
        now,
        close_reason="not_profitable",
    )
    businesses.change_status(
        session, cast.mentor, sri, "operating", date(2023, 3, 1), clock.today(now), now
    )
    # The neighbour's shop closed after 14 months; far_away's farm is open.
    shop = open_for(
        session, cast, make_plan, cast.neighbour, date(2023, 1, 1), "warung"
    )
    businesses.change_status(
        session,
        cast.official_province,
        shop,
        "closed",
        date(2024, 3, 2),
        clock.today(now),
        now,
        close_reason="capital_ran_out",
    )
    open_for(session, cast, make_plan, cast.far_away, date(2026, 6, 1), "farming")
    session.commit()
    national = cast.official_national
    by_sector = programme.survival_counts(session, national, Filters(), today)["sector"]
    # Sri: open since 1 Jan 2022 (59 whole months to 1 Dec 2026); the shop closed
    # after 426 days (14 months); the farm is 183 days (6 months) old.
    assert by_sector == {
        "culinary": [(59, 0, 1)],
        "farming": [(6, 0, 1)],
        "warung": [(14, 1, 0)],
    }
    by_country = programme.survival_counts(session, national, Filters(), today)[
        "country"
    ]
    assert by_country == {"HK": [(6, 0, 1), (14, 1, 0)], "TW": [(59, 0, 1)]}
    hk = kaplan_meier(by_country["HK"])
    assert [(s.months, s.at_risk, s.survival) for s in hk] == [
        (0, 2, Decimal(1)),
        (14, 1, Decimal("0.0000")),
    ]


def loan_schedule(loan):
    schedule = [
        Due(i.number, i.due_on, i.principal_idr, i.interest_idr)
        for i in loan.instalments
    ]
    return schedule, [(p.paid_on, p.amount_idr) for p in loan.payments]


def test_collectibility_mix_and_npl_trend(db, cast, make_loan):
    session = db.session
    today = clock.today()
    paying = make_loan(cast, status="repaying", amount=12_000_000, tenor=12)
    late = make_loan(
        cast, status="disbursed", amount=24_000_000, tenor=12, returnee=cast.neighbour
    )
    make_loan(cast, status="rejected", returnee=cast.far_away)
    user = cast.official_province
    # Each loan's class today, computed by the repayment rules.
    expected = {}
    for loan in (paying, late):
        schedule, paid = loan_schedule(loan)
        grade = collectibility(days_past_due(schedule, paid, today))
        amounts = [0] * 5
        amounts[grade - 1] = outstanding_principal(schedule, paid, today)
        expected[loan.returnee.regency_code] = tuple(amounts)
    mix = programme.collectibility_mix(session, user, Filters(), today, "area")
    assert {m.key: m.outstanding for m in mix} == expected
    by_bank = programme.collectibility_mix(session, user, Filters(), today, "lender")
    assert [(m.key, m.outstanding) for m in by_bank] == [
        ("bri", tuple(a + b for a, b in zip(*expected.values(), strict=True)))
    ]
    # The trend: each month end replayed independently.
    ends = programme.month_ends_before(today)
    assert len(ends) == 12
    assert ends[-1] == today.replace(day=1) - timedelta(days=1)
    trend = programme.npl_trends(session, user, Filters(), today)["lender"]
    points = {day: (ratio, loans) for day, ratio, loans in trend["bri"]}
    for day in ends:
        total = bad = count = 0
        for loan in (paying, late):
            if loan.disbursed_on > day:
                continue
            count += 1
            schedule, paid = loan_schedule(loan)
            out = outstanding_principal(schedule, paid, day)
            total += out
            if days_past_due(schedule, paid, day) > 90:
                bad += out
        want = None if not total else (Decimal(bad) / total).quantize(Decimal("0.0001"))
        assert points[day] == (want, count), day
    # The region split, and nothing for a bank filter that matches no loan.
    assert set(programme.npl_trends(session, user, Filters(), today)["area"]) == {
        "35.07",
        "35.78",
    }
    assert (
        programme.npl_trends(session, user, Filters(lender="bni"), today)["area"] == {}
    )


def test_filters_on_quarters_schemes_and_banks(db, cast, make_loan):
    session = db.session
    today = clock.today()
    place(session, cast.returnee, "TW", date(2019, 1, 1), date(2021, 2, 1))
    place(session, cast.neighbour, "HK", date(2019, 1, 1), date(2022, 8, 1))
    session.commit()
    make_loan(cast, status="disbursed")
    user = cast.official_province

    def count(**filters):
        return programme.headline(session, user, Filters(**filters), today).returnees

    assert count() == 2
    assert count(returned_from=20211, returned_to=20211) == 1
    assert count(returned_from=20212) == 1
    assert count(returned_to=20224) == 2
    assert count(returned_from=20231) == 0
    assert count(scheme="mikro") == 1
    assert count(scheme="kecil") == 0
    assert count(lender="bri") == 1
    assert count(lender="bni") == 0
    assert (
        programme.headline(session, user, Filters(lender="bni"), today).kur_applied == 0
    )


def test_the_people_behind_each_bar(db, cast, make_loan):
    session = db.session
    today = clock.today()
    place(session, cast.returnee, "TW", date(2019, 1, 1), date(2021, 2, 1))
    place(session, cast.neighbour, "TW", date(2019, 1, 1), date(2022, 8, 1))
    place(session, cast.far_away, "TW", date(2019, 1, 1), date(2022, 8, 1))
    session.commit()
    make_loan(cast, status="draft")  # Sri: a ready plan and a business

    def names(user, **kwargs):
        page = programme.returnees_behind(
            session, user, Filters(country_code="TW"), today, **kwargs
        )
        return {r.id for r in page.items}

    province = cast.official_province
    assert names(province) == {cast.returnee.id, cast.neighbour.id}
    assert names(province, stage="ready") == {cast.returnee.id}
    assert names(province, stage="opened") == {cast.returnee.id}
    assert names(province, stage="lasting") == {cast.returnee.id}  # opened 400 days ago
    assert names(province, business_sector="culinary") == {cast.returnee.id}
    assert names(province, business_sector="farming") == set()
    assert names(cast.official_regency) == {cast.returnee.id}
    assert names(cast.official_other) == {cast.far_away.id}
    # Only officials see the people behind a figure (observers and banks read
    # figures only; the others no summaries at all).
    for user in (cast.mentor, cast.bank_officer, cast.admin, cast.returnee_user):
        assert names(user) == set()
    # Pages of one, in id order.
    first = programme.returnees_behind(session, province, Filters(), today, size=1)
    assert [r.id for r in first.items] == [cast.returnee.id]
    second = programme.returnees_behind(
        session, province, Filters(), today, size=1, after=first.next_after
    )
    assert [r.id for r in second.items] == [cast.neighbour.id]
    assert second.next_after is None


def test_one_returnee_and_every_series(db, cast, make_plan):
    session = db.session
    today = date(2026, 12, 1)
    place(session, cast.far_away, "SG", date(2020, 1, 1), date(2022, 1, 10))
    open_for(session, cast, make_plan, cast.far_away, date(2022, 3, 1), "tailoring")
    session.commit()
    user = cast.official_other  # Central Java: far_away only
    figures = programme.headline(session, user, Filters(), today)
    assert (figures.returnees, figures.businesses_operating) == (1, 1)
    assert figures.median_days_to_business == Decimal(
        (date(2022, 3, 1) - date(2022, 1, 10)).days
    )
    assert programme.by_country(session, user, Filters()) == [("SG", 1)]
    assert programme.by_sector(session, user, Filters()) == [("tailoring", 1, 1)]
    assert dict(programme.funnel(session, user, Filters(), today)) == {
        "returned": 1,
        "planned": 1,
        "ready": 1,
        "opened": 1,
        "lasting": 1,
    }
    (row,) = programme.cohorts(session, user, Filters(), today)
    # Home on 10 Jan 2022 and open from 1 Mar: open 3 months on (10 Apr) and ever
    # since; every column is reached (31 Mar 2022 + 36 months is before today).
    assert row.quarter == 20221
    assert row.shares == tuple(Decimal("1.0000") for _ in range(5))
    # 1,736 days open: 57 whole months.
    assert programme.survival_counts(session, user, Filters(), today)["sector"] == {
        "tailoring": [(57, 0, 1)]
    }
