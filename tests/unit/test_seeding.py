import statistics
from collections import Counter
from dataclasses import fields
from datetime import date
from decimal import Decimal

from sqlalchemy import and_, func, select
from sqlalchemy.orm import aliased, selectinload

from juragan import clock
from juragan.db import loan_reading, plan_reading
from juragan.domain.identifiers import check_nik_agrees, normalise_phone, parse_nik
from juragan.models import (
    AuditEntry,
    Business,
    BusinessPlan,
    BusinessStatusChange,
    Placement,
    Returnee,
    Role,
    Training,
    User,
)
from juragan.seeding.bulk import generate_returnees
from juragan.seeding.demo import (
    DEMO_ACCOUNTS,
    DEMO_CONSENTS,
    DEMO_PASSWORD,
    seed_demo,
)
from juragan.seeding.loans import DESK_CASES
from juragan.seeding.people import DATA_AS_OF
from juragan.services import registry
from juragan.services.accounts import authenticate
from juragan.services.registry import (
    PlacementData,
    ProfileData,
    TrainingData,
)
from tests.factories import make_nik


def people(db):
    return db.session.execute(
        select(
            Returnee.nik,
            Returnee.full_name,
            Returnee.sex,
            Returnee.birth_date,
            Returnee.regency_code,
            Returnee.phone,
            Returnee.education,
            Returnee.marital_status,
            Returnee.dependants,
        )
        .where(Returnee.user_id.is_(None), Returnee.mentor_id.is_(None))
        .order_by(Returnee.id)
    ).all()


def journeys(db):
    return db.session.execute(
        select(
            Returnee.nik,
            Placement.country_code,
            Placement.sector,
            Placement.departure_date,
            Placement.return_date,
            Placement.return_reason,
            Placement.salary_foreign,
            Placement.salary_idr,
            Placement.remittances_idr,
            Placement.savings_idr,
            Placement.agency_name,
        )
        .join(Placement)
        .order_by(Placement.id)
    ).all()


def clear(db):
    for model in (
        BusinessStatusChange,
        Business,
        BusinessPlan,
        Training,
        Placement,
        Returnee,
    ):
        db.session.execute(model.__table__.delete())
    # Deleted behind the session's back: forget the objects it still holds.
    db.session.expunge_all()


def _data(cls, obj):
    return cls(**{f.name: getattr(obj, f.name) for f in fields(cls)})


def assert_registry_rules_hold(db, today):
    """Every returnee, placement and training passes the registry's own checks."""
    returnees = db.session.scalars(
        select(Returnee).options(
            selectinload(Returnee.placements), selectinload(Returnee.trainings)
        )
    ).all()
    for returnee in returnees:
        registry.check_profile(db.session, _data(ProfileData, returnee), today)
        info = parse_nik(returnee.nik, today)
        assert check_nik_agrees(info, returnee.birth_date, returnee.sex) == []
        assert info.regency_code == returnee.regency_code
        assert normalise_phone(returnee.phone) == returnee.phone
        assert 10 <= len(returnee.phone) - 2 <= 13  # written 08..., 10 to 13 digits
        assert returnee.placements
        for placement in returnee.placements:
            registry.check_placement(
                returnee, _data(PlacementData, placement), today, placement.id
            )
            assert isinstance(placement.salary_foreign, Decimal)
            assert placement.salary_idr == int(
                placement.salary_foreign * _RATES[placement.salary_currency]
            )
        for training in returnee.trainings:
            registry.check_training(_data(TrainingData, training), today)
            assert training.end_date <= today
    return returnees


_RATES = {
    "HKD": Decimal(2100),
    "TWD": Decimal(510),
    "MYR": Decimal(3700),
    "SGD": Decimal(12500),
    "KRW": Decimal("11.5"),
    "JPY": Decimal(108),
    "SAR": Decimal(4350),
    "AED": Decimal(4450),
    "BND": Decimal(12500),
}


def overlapping_placements(db, today):
    a, b = aliased(Placement), aliased(Placement)
    return db.session.scalar(
        select(func.count())
        .select_from(a)
        .join(b, and_(a.returnee_id == b.returnee_id, a.id < b.id))
        .where(
            a.departure_date <= func.coalesce(b.return_date, today),
            b.departure_date <= func.coalesce(a.return_date, today),
        )
    )


def open_before_a_later_placement(db):
    a, b = aliased(Placement), aliased(Placement)
    return db.session.scalar(
        select(func.count())
        .select_from(a)
        .join(
            b, and_(a.returnee_id == b.returnee_id, b.departure_date > a.departure_date)
        )
        .where(a.return_date.is_(None))
    )


def test_generator_is_deterministic_and_plausible(db):
    generate_returnees(db.session, 400, seed=42, batch_size=150)
    first, first_journeys = people(db), journeys(db)
    clear(db)
    generate_returnees(db.session, 400, seed=42, batch_size=150)
    assert people(db) == first
    assert journeys(db) == first_journeys
    assert len(first) == 400
    women = sum(1 for row in first if row.sex == "F") / 400
    assert 0.55 < women < 0.70
    east_java = sum(1 for row in first if row.regency_code.startswith("35")) / 400
    assert 0.15 < east_java < 0.35  # about a quarter of placements
    educations = Counter(row.education for row in first)
    assert educations["smp"] > educations["diploma"] + educations["bachelor"]
    per_person = Counter(Counter(row.nik for row in first_journeys).values())
    assert 0.6 < per_person[1] / 400 < 0.8
    assert per_person[2] > per_person[3] > 0
    assert set(per_person) <= {1, 2, 3}


def test_another_seed_gives_other_people(db):
    generate_returnees(db.session, 50, seed=1)
    first = people(db)
    clear(db)
    generate_returnees(db.session, 50, seed=2)
    assert {row.full_name for row in people(db)} != {row.full_name for row in first}


def test_generated_people_pass_every_registry_rule(db):
    generate_returnees(db.session, 300, seed=5)
    generate_returnees(db.session, 300, seed=6)  # another seed: no NIK collisions
    generate_returnees(db.session, 100, seed=5)  # the same seed again: none either
    today = clock.today()
    returnees = assert_registry_rules_hold(db, today)
    assert len({r.nik for r in returnees}) == len(returnees) == 700
    assert overlapping_placements(db, today) == 0
    assert open_before_a_later_placement(db) == 0
    placements = [p for r in returnees for p in r.placements]
    assert all(p.departure_date <= DATA_AS_OF for p in placements)
    still_abroad = sum(1 for r in returnees if r.placements[-1].return_date is None)
    assert 0.04 < still_abroad / len(returnees) < 0.18
    for placement in placements:
        assert placement.is_independent == (placement.agency_name is None)
        assert (placement.savings_idr is None) == (placement.return_date is None)
    reasons = Counter(p.return_reason for p in placements if p.return_reason)
    assert 0.65 < reasons["contract_completed"] / sum(reasons.values()) < 0.85
    countries = Counter(p.country_code for p in placements)
    total = sum(countries.values())
    assert 0.2 < countries["TW"] / total < 0.4
    assert 0.17 < countries["MY"] / total < 0.35
    assert 0.15 < countries["HK"] / total < 0.33
    assert countries["HK"] > countries["KR"] + countries["JP"]
    for small in ("KR", "JP", "SG"):
        assert countries[small] / total < 0.1
    sex = {r.id: r.sex for r in returnees}
    hong_kong = [sex[p.returnee_id] for p in placements if p.country_code == "HK"]
    assert hong_kong.count("F") / len(hong_kong) > 0.9
    korea = [sex[p.returnee_id] for p in placements if p.country_code == "KR"]
    assert korea.count("M") > korea.count("F")
    women = sum(1 for s in sex.values() if s == "F") / len(sex)
    assert 0.55 < women < 0.70
    trained = db.session.scalar(select(func.count(func.distinct(Training.returnee_id))))
    assert 0.2 < trained / len(returnees) < 0.8


def test_generation_moves_the_id_sequences_on(db):
    generate_returnees(db.session, 20, seed=3)
    last = db.session.scalar(select(func.max(Returnee.id)))
    last_training = db.session.scalar(select(func.max(Training.id))) or 0
    person = Returnee(
        nik=make_nik("35.07", date(1990, 5, 17), "F", 9999),
        full_name="Tutik Handayani",
        sex="F",
        birth_date=date(1990, 5, 17),
        province_code="35",
        regency_code="35.07",
        education="smp",
        marital_status="married",
    )
    person.trainings = [
        Training(
            title="Kelas",
            kind="other",
            stage="after_return",
            organiser="Desa",
            start_date=date(2024, 1, 8),
        )
    ]
    db.session.add(person)
    db.session.flush()
    assert person.id == last + 1
    assert person.trainings[0].id == last_training + 1


def test_bulk_rows_do_not_flood_the_audit_log(db):
    before = db.session.scalar(select(func.count()).select_from(AuditEntry))
    generate_returnees(db.session, 50, seed=1)
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == before


def test_seed_demo_makes_one_account_per_role(db):
    users = seed_demo(db.session)
    assert {u.role for u in users.values()} == set(Role)
    assert len(users) == len(DEMO_ACCOUNTS)
    assert users["pejabat.malang"].scope_regency_code == "35.07"
    assert authenticate(db.session, "purna", DEMO_PASSWORD) == users["purna"]
    mentor = users["pendamping"]
    caseload = db.session.scalar(
        select(func.count())
        .select_from(Returnee)
        .where(Returnee.mentor_id == mentor.id)
    )
    # Sri, 12 more in Kab. Malang, and the six people of the lender's desk.
    assert caseload == 13 + len(DESK_CASES)
    by_province = Counter(db.session.scalars(select(Returnee.province_code)))
    assert by_province["35"] == 33 + len(DESK_CASES)
    assert by_province["33"] + by_province["52"] == 8
    assert db.session.scalar(select(func.count()).select_from(User)) >= 6


def test_seed_demo_gives_sri_a_full_profile(db):
    users = seed_demo(db.session)
    today = clock.today()
    own = db.session.scalar(
        select(Returnee).where(Returnee.user_id == users["purna"].id)
    )
    assert own.full_name == "Sri Wahyuni"
    assert own.mentor_id == users["pendamping"].id
    assert own.is_nik_verified
    assert own.nik_verified_by_id == users["pejabat.malang"].id
    assert check_nik_agrees(parse_nik(own.nik, today), own.birth_date, "F") == []
    # Her mentor registered her from the paper form she signed, with its scan.
    assert {(c.purpose, c.method) for c in own.consents} == {
        (purpose.value, "paper") for purpose in DEMO_CONSENTS
    }
    assert all(
        c.stored_name and c.recorded_by_id == own.mentor_id for c in own.consents
    )
    assert [p.country_code for p in own.placements] == ["HK", "TW"]
    assert [p.salary_currency for p in own.placements] == ["HKD", "TWD"]
    assert all(p.return_reason == "contract_completed" for p in own.placements)
    assert "desmigratif" in {t.kind for t in own.trainings}
    assert_registry_rules_hold(db, today)
    assert overlapping_placements(db, today) == 0


def test_seed_demo_is_audited(db):
    seed_demo(db.session)
    audited = Counter(
        db.session.scalars(
            select(AuditEntry.table_name).where(AuditEntry.actor_label == "seed-demo")
        )
    )
    assert audited["returnees"] >= 41
    assert audited["placements"] >= 41
    assert audited["trainings"] >= 2


def test_seed_demo_is_deterministic(db):
    seed_demo(db.session)
    first, first_journeys = people(db), journeys(db)
    clear(db)
    db.session.execute(AuditEntry.__table__.delete())
    db.session.execute(User.__table__.delete())
    seed_demo(db.session)
    assert people(db) == first
    assert journeys(db) == first_journeys


def test_seeded_plans_follow_the_plan_rules(db):

    seed_demo(db.session)
    seeded = db.session.scalars(select(BusinessPlan)).all()
    assert len(seeded) >= 5
    statuses = Counter(plan.status for plan in seeded)
    assert statuses["ready"] >= 2
    assert statuses["in_review"] >= 1  # Sri's, with her mentor's comments
    for plan in seeded:
        figures = plan_reading.figures_of(plan)
        assert figures.is_balanced, plan.business_name
        assert all(plan_reading.completeness(plan).values())
        assert (plan.status == "draft") == (not plan.versions)
        if plan.status == "ready":
            assert len(plan.versions) == 2
    sri_plan = db.session.scalar(
        select(BusinessPlan).where(BusinessPlan.business_name == "Warung Makan Bu Sri")
    )
    assert sri_plan.status == "in_review"
    assert len(sri_plan.comments) == 2
    assert db.session.scalar(select(func.count()).select_from(Business)) >= 1


def test_generated_plans_and_businesses_are_plausible(db):

    generate_returnees(db.session, 600, seed=9, batch_size=250)
    generated = db.session.scalars(select(BusinessPlan)).all()
    share = len(generated) / 600
    assert 0.15 < share < 0.40  # about a third of those home for a while
    statuses = Counter(plan.status for plan in generated)
    assert statuses["ready"] > statuses["submitted"] > 0
    opened = db.session.scalars(select(Business)).all()
    assert 0.3 < len(opened) / len(generated) < 0.8
    assert {b.status for b in opened} == {"operating", "paused", "closed"}
    for plan in generated:
        figures = plan_reading.figures_of(plan)
        assert figures.is_balanced
        assert all(plan_reading.completeness(plan).values())
        assert (plan.status == "draft") == (not plan.versions)
        if plan.versions:
            assert (
                plan_reading.figures_from_content(plan.versions[0].content) == figures
            )
        sales = figures.total_sales_idr / len(figures.months)
        assert 1_000_000 < sales < 50_000_000  # rupiah a month, a micro business
    for business in opened:
        history = business.status_changes
        assert history[0].to_status == "operating"
        assert history[-1].to_status == business.status
        assert business.opened_on <= clock.today()
        if business.status == "closed":
            assert history[-1].close_reason is not None
    nibs = [b.nib for b in opened if b.nib]
    assert len(nibs) == len(set(nibs))


def test_generated_loans_have_every_state_and_honest_repayments(db):
    from juragan.domain.repayment import LoanStanding, npl_ratio
    from juragan.models import LoanApplication

    generate_returnees(db.session, 1500, seed=21, batch_size=500)
    generated = db.session.scalars(select(LoanApplication)).all()
    assert len(generated) > 30
    states = Counter(loan.status for loan in generated)
    assert {"repaying", "rejected"} <= set(states)
    assert set(states) & {"draft", "submitted", "verified"}  # some still in progress
    approved = sum(
        n
        for s, n in states.items()
        if s not in ("draft", "submitted", "verified", "rejected", "withdrawn")
    )
    assert 0.6 < approved / (approved + states["rejected"]) < 0.98
    # Standing on the day the world is drawn as of: its payments stop there, so
    # months later every loan would be past due (the suite runs on any day).
    as_of = min(DATA_AS_OF, clock.today())
    standings = []
    for loan in generated:
        assert [t.to_status for t in loan.transitions][-1:] in ([], [loan.status])
        if loan.amount_disbursed_idr is None:
            assert loan.instalments == []
            continue
        assert (
            sum(i.principal_idr for i in loan.instalments) == loan.amount_disbursed_idr
        )
        paid = sum(i.paid_principal_idr + i.paid_interest_idr for i in loan.instalments)
        assert paid == sum(p.amount_idr for p in loan.payments)
        if loan.status == "written_off":
            continue  # off the books
        standing = loan_reading.standing(loan, as_of)
        standings.append(LoanStanding(standing.outstanding_idr, standing.grade))
    ratio = npl_ratio(standings)
    assert ratio is not None
    assert ratio < Decimal("0.15")  # most borrowers pay


def test_generated_visits_follow_the_businesses(db):
    from juragan.models import Business, BusinessReport, Visit

    generate_returnees(db.session, 600, seed=9, batch_size=250)
    visits = db.session.scalars(select(Visit)).all()
    opened = {b.id: b for b in db.session.scalars(select(Business))}
    assert visits
    assert all(v.business_id in opened for v in visits)
    assert all(v.visited_on >= opened[v.business_id].opened_on for v in visits)
    assert all(v.visited_on <= clock.today() for v in visits)
    reports = db.session.scalars(select(BusinessReport)).all()
    assert reports
    assert all(r.source == "visit" and r.month.day == 1 for r in reports)
    assert {v.business_status for v in visits} <= {"operating", "paused", "closed"}
    # Every third visit asks the wellbeing questions; scores follow the answers,
    # and people whose business runs fare better than those whose business closed.
    from juragan.domain.wellbeing import score
    from juragan.models import WellbeingCheck

    checks = db.session.scalars(select(WellbeingCheck)).all()
    by_visit = {v.id: v for v in visits}
    assert len(checks) > len(visits) // 4
    assert all(score(c.answers).overall == c.overall for c in checks)
    mean = {
        status: statistics.mean(
            c.overall for c in checks if by_visit[c.visit_id].business_status == status
        )
        for status in ("operating", "closed")
    }
    assert mean["operating"] > mean["closed"]


def test_the_demo_lender_has_an_application_in_every_state_of_its_desk(db):
    from datetime import timedelta

    from juragan import clock
    from juragan.models import LoanApplication

    seed_demo(db.session)
    today = clock.today()
    bri = db.session.scalars(
        select(LoanApplication).where(LoanApplication.lender == "bri")
    ).all()
    states = Counter(loan.status for loan in bri)
    for state in ("submitted", "verified", "approved", "rejected", "repaying"):
        assert states[state] >= 1, state
    waiting = [loan for loan in bri if loan.status == "verified" and loan.approvals]
    assert len(waiting) == 1
    assert waiting[0].approvals[0].exceptions
    # Dated from today: the open ones were filed within the last weeks, and one
    # decision is past BRI's 14 days.
    open_ones = [loan for loan in bri if loan.status in ("submitted", "verified")]
    assert all(today - loan.applied_on <= timedelta(days=30) for loan in open_ones)
    assert any(
        today - clock.date_in("35", loan.status_changed_at) > timedelta(days=14)
        for loan in open_ones
        if loan.status == "verified"
    )


def test_the_demo_mentors_first_screen_tells_todays_story(db):
    """What the README's tour promises is on the screen, dated from today: a plan
    to review, a loan in arrears, and overdue visits of weeks, not months."""
    from datetime import timedelta

    from juragan import clock
    from juragan.models import User
    from juragan.reports import caseload, overview
    from juragan.reports import loans as loan_reports

    seed_demo(db.session)
    today = clock.today()
    mentor = db.session.scalar(select(User).where(User.username == "pendamping"))
    rows = caseload.work_list(db.session, mentor, today)
    overdue = [row for row in rows if row.due.is_overdue(today)]
    assert overdue
    late = {
        row.returnee.full_name: (row.last_visit, row.due.due_on, row.due.reasons)
        for row in overdue
        if today - row.due.due_on > timedelta(days=30)
    }
    assert late == {}
    assert len(overdue) <= len(rows) // 2
    assert overview.plans_in_state(db.session, mentor, *overview.TO_REVIEW) >= 1
    arrears = loan_reports.in_arrears(db.session, mentor, today)
    assert arrears
