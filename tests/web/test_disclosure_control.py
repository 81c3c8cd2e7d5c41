"""Disclosure control that survives subtraction (issue 13, must-have 5, finding 9).

An observer (and a lender's officer, for people's figures) reads figures perturbed
by the cell-key method (:mod:`juragan.domain.perturbation`). Here an attacker with an
observer's account combines every figure they can ask for: a total minus its
parts, complementary filters, cumulative return-quarter ranges, two means over
nested groups; none gives back a small group, or one person's score, exactly.
"""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pandas as pd
import pytest
from sqlalchemy import select, update

from juragan import clock
from juragan.dashboards import figures as programme
from juragan.dashboards.figures import Filters
from juragan.domain import perturbation
from juragan.domain.wellbeing import QUESTIONS
from juragan.models import Placement, Returnee, Role
from juragan.policy import scoped
from juragan.services import mentoring
from tests.factories import login


def home_from(db, person, country: str, returned: date = date(2021, 3, 1)) -> None:
    """``person`` came home on ``returned`` from care work in ``country``."""
    db.session.add(
        Placement(
            returnee_id=person.id,
            country_code=country,
            sector="caregiver",
            agency_name="PT A",
            departure_date=date(2019, 1, 1),
            contract_months=24,
            return_date=returned,
            return_reason="contract_completed",
        )
    )


@pytest.fixture
def observer(make_user):
    return make_user(Role.OBSERVER)  # national: no province


@pytest.fixture
def region(db, cast, make_returnee):
    """In Kab. Malang: 23 women and 3 men home from Taiwan in Q1 2021, and one man
    home from Japan in Q2 2021, alone in his quarter and his country. Ten women of
    Kab. Malang answered the wellbeing questions, and so did one man of Kota
    Surabaya: the province's mean is over 11, the regency's over 10."""
    women = [make_returnee("35.07", sex="F") for _ in range(23)]
    men = [
        make_returnee("35.07", sex="M", birth_date=date(1985, 1, 5)) for _ in range(3)
    ]
    alone = make_returnee("35.07", sex="M", birth_date=date(1984, 2, 6))
    for person in women + men:
        home_from(db, person, "TW")
    home_from(db, alone, "JP", date(2021, 5, 1))
    surabaya = make_returnee("35.78", sex="M", birth_date=date(1983, 3, 7))
    home_from(db, surabaya, "TW")
    today = clock.today()
    for i, person in enumerate(women[:10]):
        answers = {q.code: 1 + (i + n) % 5 for n, q in enumerate(QUESTIONS)}
        mentoring.record_wellbeing(db.session, person, answers, today, today)
    mentoring.record_wellbeing(
        db.session, surabaya, {q.code: 5 for q in QUESTIONS}, today, today
    )
    db.session.commit()
    return {"women": women, "men": men, "alone": alone, "surabaya": surabaya}


def _reshuffle_keys(db, seed: int) -> None:
    """Give everyone other record keys (another deployment's draw) and rebuild."""
    import random

    from juragan.dashboards.summaries import rebuild_all

    rng = random.Random(seed)
    for person_id in db.session.scalars(select(Returnee.id)):
        db.session.execute(
            update(Returnee)
            .where(Returnee.id == person_id)
            .values(disclosure_key=rng.randrange(65536))
        )
    rebuild_all(db.session)
    db.session.commit()


def test_differencing_attacks_recover_no_small_group(db, cast, observer, region):
    """Counts: every figure is a multiple of 5, so no sum or difference of them is
    1 to 4; shown here for the attacks, over twenty draws of the keys."""
    today = clock.today()
    fig = lambda **f: programme.headline(db.session, observer, Filters(**f), today)  # noqa: E731
    recovered = []
    for seed in range(20):
        _reshuffle_keys(db, seed)
        total = fig(regency_code="35.07").returnees
        women = fig(regency_code="35.07", sex="F").returnees
        men = fig(regency_code="35.07", sex="M").returnees
        to_q1 = fig(province_code="35", returned_to=20211).returnees
        to_q2 = fig(province_code="35", returned_to=20212).returnees
        japan = dict(
            programme.by_country(db.session, observer, Filters(province_code="35"))
        ).get("JP", 0)
        for figure in (total, women, men, to_q1, to_q2, japan):
            assert figure % perturbation.BASE == 0
        recovered += [
            ("total minus women", total - women, 4),  # the regency's four men
            ("complementary sex filters", total - women - men, 0),
            ("cumulative return quarters", to_q2 - to_q1, 1),  # the man from Japan
            ("a country of one", japan, 1),
        ]
        assert fig(province_code="35", returned_to=20212).returnees == to_q2  # stable
    exact = [
        (attack, value)
        for attack, value, truth in recovered
        if truth in (1, 2, 3, 4) and value == truth
    ]
    assert exact == []
    print(
        f"\ndifferencing: {len(recovered)} attacks over 20 key draws, "
        f"{len(exact)} small groups recovered exactly"
    )


def test_two_means_over_nested_groups_give_no_ones_score(db, cast, observer, region):
    """The province's wellbeing mean is over 11 people, the regency's over 10 of
    them: 11 x m2 - 10 x m1 would be the eleventh person's score; with the shown
    counts and means it is not, whatever the draw of keys."""
    from juragan.models import WellbeingCheck

    today = clock.today()
    truth = db.session.scalar(
        select(WellbeingCheck.overall).where(
            WellbeingCheck.returnee_id == region["surabaya"].id
        )
    )
    for seed in range(20):
        _reshuffle_keys(db, 100 + seed)
        regency = programme.headline(
            db.session, observer, Filters(regency_code="35.07"), today
        )
        province = programme.headline(
            db.session, observer, Filters(province_code="35"), today
        )
        for shown in (regency, province):
            assert shown.wellbeing_checks % 5 == 0
            if shown.wellbeing_checks < perturbation.MIN_FOR_STATISTICS:
                assert shown.mean_wellbeing is None
        if regency.mean_wellbeing is None or province.mean_wellbeing is None:
            continue
        guess = (
            province.wellbeing_checks * province.mean_wellbeing
            - regency.wellbeing_checks * regency.mean_wellbeing
        )
        assert abs(guess - truth) > Decimal("0.001"), seed
        # Even with the true counts the attacker lacks, the noise keeps it out.
        assert abs(
            11 * province.mean_wellbeing - 10 * regency.mean_wellbeing - truth
        ) > Decimal("0.001"), seed


def test_officials_see_every_figure_whole(db, cast, region):
    today = clock.today()
    figures = programme.headline(
        db.session, cast.official_national, Filters(province_code="35"), today
    )
    assert figures.returnees == 2 + 28  # the cast's two of East Java and 28 here
    countries = dict(
        programme.by_country(
            db.session, cast.official_national, Filters(province_code="35")
        )
    )
    assert countries["JP"] == 1


def test_the_dashboard_and_its_downloads_are_perturbed_alike(
    client, db, cast, observer, region
):
    login(client, observer.username)
    page = client.get("/dashboard/")
    assert page.status_code == 200
    assert "kelipatan 5" in page.text  # the note says how figures are shown
    data = client.get("/dashboard/data/countries.csv").data.decode("utf-8-sig")
    frame = pd.read_csv(io.StringIO(data), dtype=str)
    counts = dict(zip(frame["Kode"], frame["Purna PMI"], strict=True))
    assert all(int(n) % 5 == 0 for n in counts.values())
    shown = dict(programme.by_country(db.session, observer, Filters()))
    assert {code: int(n) for code, n in counts.items()} == shown
    # No table row leads to the people behind it, and no person opens.
    assert "/dashboard/returnees" not in page.text
    assert client.get("/dashboard/returnees?country=TW").status_code == 403
    assert client.get("/returnees/").status_code == 403
    assert client.get(f"/returnees/{cast.returnee.id}").status_code == 404
    assert client.get("/").headers["Location"] == "/dashboard/"


def test_an_observer_sees_no_one(db, cast, observer):
    assert db.session.scalar(scoped(select(Returnee.id), observer, Returnee)) is None


def test_a_lender_reads_its_applicants_perturbed_and_its_loans_whole(
    client, db, cast, observer, make_loan
):
    make_loan(cast, status="repaying")  # Sri, to BRI
    login(client, cast.bank_officer.username)
    page = client.get("/dashboard/")
    assert page.status_code == 200
    assert "Pinjaman, yang Anda lihat satu per satu, ditampilkan utuh." in page.text
    people = programme.headline(db.session, cast.bank_officer, Filters(), clock.today())
    assert people.returnees % 5 == 0  # one applicant: 0 or 5, never 1
    assert people.kur_applied == 1  # its own loan, whole
    mix = client.get("/dashboard/data/mix_lender.csv").data.decode("utf-8-sig")
    assert "BRI" in mix
    client.post("/logout")
    login(client, observer.username)  # an observer: no loan one by one
    mix = client.get("/dashboard/data/mix_lender.csv").data.decode("utf-8-sig")
    assert "BRI" not in mix  # one loan: too few for its amounts to be given


def test_a_survival_curve_dates_no_closure_for_those_who_see_no_one(
    app, db, observer, monkeypatch
):
    """Protected readers get survival at fixed months only: the steps of a
    Kaplan-Meier curve would say when single businesses closed."""
    import json

    from juragan.dashboards import charts as programme_charts
    from juragan.dashboards.figures import Protection

    counts = {
        "sector": {"culinary": [(7, 1, 0), (19, 1, 3), (30, 0, 9)]},
        "country": {},
        "keys": {("sector", "culinary"): 4242},
    }
    monkeypatch.setattr(programme, "survival_counts", lambda *a, **k: counts)
    with app.test_request_context():
        for protected, months in ((True, {0, 12, 24, 36}), (False, {0, 7, 19, 30})):
            ctx = programme_charts.Context(
                db.session,
                observer,
                Filters(),
                clock.today(),
                lambda *_: None,
                protected=Protection(protected, protected),
            )
            chart = programme_charts.survival_chart(ctx, "sector")
            (trace,) = json.loads(chart.figure.replace("<\\/", "</"))["data"]
            assert set(trace["x"]) <= months | {0}, protected
            assert set(trace["x"]) == months or not protected


def test_a_mean_left_out_for_its_group_says_so_and_not_as_a_value(
    client, db, cast, observer, region
):
    # Kota Surabaya: one wellbeing answer, so its mean is left out for observers.
    shown = programme.headline(
        db.session,
        observer,
        Filters(province_code="35", regency_code="35.78"),
        clock.today(),
    )
    assert shown.mean_wellbeing is None
    assert "mean_wellbeing" in shown.hidden
    login(client, observer.username)
    page = client.get("/dashboard/?province=35&regency=35.78").text
    assert "disembunyikan (kelompok &lt; 10)" in page
    # Where there is simply nothing, a dash, not "hidden".
    assert "median_days_to_disbursement" not in shown.hidden
