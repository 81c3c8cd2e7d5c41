"""Factory fixtures: callables that build accounts and returnees through services."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from dateutil.relativedelta import relativedelta
from faker import Faker
from flask.testing import FlaskClient

from juragan import clock
from juragan.db import loan_reading
from juragan.domain.finance import annuity_instalment
from juragan.models import ConsentPurpose, ConsentRecord, Returnee, Role, User, utcnow
from juragan.services.accounts import AccountData, branch_for, create_account

PASSWORD = "correct-horse-battery"  # noqa: S105
_numbers = itertools.count(1)
fake = Faker("id_ID")
Faker.seed(7)


@pytest.fixture
def make_user(db: Any) -> Callable[..., User]:
    def make(
        role: Role = Role.RETURNEE,
        province: str | None = None,
        regency: str | None = None,
        username: str | None = None,
        password: str = PASSWORD,
        locale: str = "id",
        lender: str = "bri",
    ) -> User:
        n = next(_numbers)
        branch = (
            branch_for(db.session, lender, province).id
            if role == Role.BANK_OFFICER
            else None
        )
        user = create_account(
            db.session,
            AccountData(
                username=username or f"{role.value}{n}",
                full_name=fake.name(),
                role=role,
                scope_province_code=province,
                scope_regency_code=regency,
                locale=locale,
                lender_branch_id=branch,
            ),
            password,
        )
        db.session.commit()
        return user

    return make


def make_nik(regency: str, birth_date: date, sex: str, serial: int) -> str:
    """A NIK that passes every check, for a person born in ``regency``."""
    day = birth_date.day + (40 if sex == "F" else 0)
    return (
        f"{regency.replace('.', '')}01{day:02d}{birth_date:%m}{birth_date:%y}"
        f"{serial:04d}"
    )


@pytest.fixture
def make_returnee(db: Any) -> Callable[..., Returnee]:
    def make(
        regency: str = "35.07",
        mentor: User | None = None,
        user: User | None = None,
        full_name: str | None = None,
        sex: str = "F",
        birth_date: date = date(1990, 5, 17),
        phone: str | None = "+6281234567890",
        verified: bool = False,
        consents: tuple[str, ...] | None = None,
    ) -> Returnee:
        """:param consents: the purposes the person agreed to (online); every one
        unless given."""
        n = next(_numbers)
        returnee = Returnee(
            nik=make_nik(regency, birth_date, sex, n),
            full_name=full_name or fake.name_female(),
            sex=sex,
            birth_date=birth_date,
            phone=phone,
            province_code=regency[:2],
            regency_code=regency,
            district="Kepanjen",
            village="Talangagung",
            education="smp",
            marital_status="married",
            dependants=2,
            mentor_id=mentor.id if mentor else None,
            user_id=user.id if user else None,
            nik_verified_at=utcnow() if verified else None,
        )
        db.session.add(returnee)
        db.session.flush()
        # Given long before: a test that travels back in time still finds it given
        # (under ``make test-clock`` the fixture runs years after a test's moment).
        given_at = utcnow() - timedelta(days=5 * 366)
        for purpose in ConsentPurpose if consents is None else consents:
            db.session.add(
                ConsentRecord(
                    returnee_id=returnee.id,
                    purpose=str(purpose),
                    wording_version="t",
                    wording="Saya setuju.",
                    method="online",
                    given_at=given_at,
                )
            )
        db.session.commit()
        return returnee

    return make


def login(client: FlaskClient, username: str, password: str = PASSWORD):
    return client.post(
        "/login",
        data={"username": username, "password": password},
        follow_redirects=False,
    )


@dataclass
class Cast:
    """One person per role and relation, in East Java (35) and Central Java (33)."""

    admin: User
    official_province: User  # East Java
    official_regency: User  # Kab. Malang (35.07)
    official_national: User
    official_other: User  # Central Java
    bank_officer: User  # East Java
    mentor: User  # Kab. Malang
    other_mentor: User  # East Java, another caseload
    returnee_user: User
    returnee: (
        Returnee  # own profile of returnee_user, Kab. Malang, in mentor's caseload
    )
    neighbour: Returnee  # Kota Surabaya (35.78), nobody's caseload
    far_away: Returnee  # Kab. Cilacap (33.01), Central Java

    def user(self, name: str) -> User:
        return getattr(self, name)


@pytest.fixture
def cast(
    make_user: Callable[..., User], make_returnee: Callable[..., Returnee]
) -> Cast:
    mentor = make_user(Role.MENTOR, "35", "35.07")
    returnee_user = make_user(Role.RETURNEE)
    return Cast(
        admin=make_user(Role.ADMIN),
        official_province=make_user(Role.OFFICIAL, "35"),
        official_regency=make_user(Role.OFFICIAL, "35", "35.07"),
        official_national=make_user(Role.OFFICIAL),
        official_other=make_user(Role.OFFICIAL, "33"),
        bank_officer=make_user(Role.BANK_OFFICER, "35"),
        mentor=mentor,
        other_mentor=make_user(Role.MENTOR, "35"),
        returnee_user=returnee_user,
        returnee=make_returnee("35.07", mentor=mentor, user=returnee_user),
        neighbour=make_returnee("35.78"),
        far_away=make_returnee("33.01"),
    )


def profile_form(returnee: Returnee, **overrides: Any) -> dict[str, Any]:
    """The profile form as a person would submit it for ``returnee``."""
    form = {
        "nik": returnee.nik,
        "full_name": returnee.full_name,
        "sex": returnee.sex,
        "birth_date": returnee.birth_date.isoformat(),
        "phone": returnee.phone or "",
        "email": returnee.email or "",
        "province_code": returnee.province_code,
        "regency_code": returnee.regency_code,
        "district": returnee.district or "",
        "village": returnee.village or "",
        "education": returnee.education,
        "marital_status": returnee.marital_status,
        "dependants": str(returnee.dependants),
    }
    form.update(overrides)
    return form


@pytest.fixture
def make_plan(db: Any) -> Callable[..., Any]:
    """A complete, balanced plan written through the services, in a given state."""
    from decimal import Decimal

    from juragan.services import plans
    from juragan.services.plans import LineItem, MonthInput

    def make(
        returnee: Returnee,
        author: User,
        reviewer: User | None = None,
        status: str = "draft",
        kur: int = 10_000_000,
        sales: int = 8_000_000,
    ) -> Any:
        today = date(2026, 11, 1)
        plan = plans.create_plan(
            db.session, author, returnee, "Warung Makan Sari", "culinary"
        )
        plans.save_section(
            db.session,
            plan,
            "business",
            {
                "business_name": "Warung Makan Sari",
                "legal_form": "individual",
                "sector": "culinary",
                "kbli_section": None,
                "province_code": returnee.province_code,
                "regency_code": returnee.regency_code,
                "district": "Kepanjen",
                "planned_start": date(2027, 1, 1),
                "description": "Nasi campur.",
            },
            today,
        )
        plans.save_section(
            db.session,
            plan,
            "market",
            {
                "target_market": "Pekerja pabrik.",
                "competitors": None,
                "marketing": "WhatsApp.",
            },
            today,
        )
        plans.save_section(
            db.session,
            plan,
            "operations",
            {
                "operations": "Buka pagi.",
                "suppliers": None,
                "equipment": None,
                "workers_planned": 1,
            },
            today,
        )
        plans.save_section(db.session, plan, "risks", {"risks": "Harga naik."}, today)
        plans.save_capital(
            db.session,
            plan,
            [
                LineItem("investment", "Gerobak", 15_000_000),
                LineItem("working_capital", "Bahan baku", 10_000_000),
            ],
        )
        plans.save_funding(
            db.session,
            plan,
            [
                LineItem("own_savings", "Tabungan", 25_000_000 - kur),
                LineItem("kur", None, kur),
            ],
            24,
            Decimal(6),
        )
        plans.save_projection(
            db.session,
            plan,
            12,
            [MonthInput(sales, 4_000_000, 1_000_000, 1_000_000)] * 12,
        )
        now = utcnow()
        if status != "draft":
            plans.submit_plan(db.session, author, plan, now)
        if status in ("in_review", "ready"):
            plans.start_review(db.session, plan)
        if status == "ready":
            plans.mark_ready(db.session, plan, endorser=reviewer, now=now)
        db.session.commit()
        return plan

    return make


PDF_BYTES = b"%PDF-1.4\n% a tiny test document\n"


def signed_form(content: bytes = PDF_BYTES, name: str = "formulir.pdf") -> tuple:
    """The scan of a signed consent form, as a file field of a posted form (a new
    stream each time: a posted stream is read to its end)."""
    import io

    return (io.BytesIO(content), name)


def with_scan(form: dict[str, Any]) -> dict[str, Any]:
    """A registration on someone's behalf: the form with the signed form's scan."""
    return {**form, "consent_scan": signed_form()}


def pass_checks(session: Any, officer: User, loan: Any, day: date, now: Any) -> None:
    """The checks a loan needs before approval and akad, recorded as passed: SLIK
    clean, BPJS Ketenagakerjaan for KUR Kecil, SIKP registered."""
    from juragan.services import loan_checks
    from juragan.services.loan_checks import CheckData

    answers = [("slik", "clean", "IDEB-1"), ("sikp", "registered", "SIKP-1")]
    if loan.scheme == "kecil":
        answers.append(("bpjs_tk", "member", "BPJS-1"))
    for kind, result, reference in answers:
        loan_checks.record_check(
            session,
            officer,
            loan,
            CheckData(kind, result, day, reference),
            clock.today(now),
            now,
        )


def approve_over_exception(
    session: Any,
    officer: User,
    second: User,
    loan: Any,
    now: Any,
    reason: str = "Kas usaha terbukti cukup.",
) -> None:
    """Approve as the lender's desk requires of an application with an exception:
    with a reason, and a second officer of the same lender."""
    from juragan.services import loans

    assert (
        loans.decide(session, officer, loan, True, reason, now) == loans.AWAITING_SECOND
    )
    assert loans.decide(session, second, loan, True, reason, now) == loans.APPROVED


@pytest.fixture
def make_loan(
    db: Any, tmp_path: Any, make_plan: Callable[..., Any]
) -> Callable[..., Any]:
    """A business KUR application moved through the services to ``status``."""
    from datetime import timedelta

    from juragan.services import businesses, loans
    from juragan.services.businesses import BusinessData
    from juragan.services.loans import ApplicationData, Declared, Disbursement

    def make(
        cast: Any,
        status: str = "draft",
        amount: int = 20_000_000,
        tenor: int = 12,
        returnee: Returnee | None = None,
    ) -> Any:
        returnee = returnee or cast.returnee
        author = (
            cast.returnee_user if returnee is cast.returnee else cast.official_province
        )
        now = utcnow()
        today = clock.today(now)
        # Cash enough for the lender's threshold: one officer decides (an
        # exception needs two, see lender_desk).
        instalment = annuity_instalment(amount, Decimal(6), tenor)
        plan = make_plan(
            returnee,
            author,
            cast.mentor,
            status="ready",
            sales=max(8_000_000, 6_000_000 + -(-2 * instalment // 100_000) * 100_000),
        )
        business = businesses.open_business(
            db.session,
            author,
            plan,
            BusinessData(today - timedelta(days=400)),
            today,
            now,
        )
        loan, _ = loans.create_application(
            db.session,
            author,
            returnee,
            ApplicationData(
                kind="business",
                scheme="mikro",
                lender="bri",
                amount_idr=amount,
                tenor_months=tenor,
                purpose="working_capital",
                declared=Declared(has_npwp=False),
                business_id=business.id,
                plan_id=plan.id,
            ),
            today - timedelta(days=80),
        )
        if status == "draft":
            db.session.commit()
            return loan
        for kind in loan_reading.required_documents(loan):
            loans.attach_document(
                db.session, author, loan, kind, f"{kind}.pdf", PDF_BYTES, tmp_path, now
            )
        loans.submit(db.session, author, loan, now)
        later = ("restructured", "written_off", "paid_off")
        if status in ("verified", "approved", "rejected", "disbursed", "repaying"):
            loans.verify(db.session, cast.mentor, loan, now)
        if status == "rejected":
            loans.decide(
                db.session, cast.bank_officer, loan, False, "Usaha belum layak.", now
            )
        if status in ("approved", "disbursed", "repaying", *later):
            # Checked before the akad (70 days ago), after the application (80).
            pass_checks(
                db.session, cast.bank_officer, loan, today - timedelta(days=75), now
            )
        if status in ("approved", "disbursed", "repaying"):
            loans.decide(db.session, cast.bank_officer, loan, True, None, now)
        if status in ("disbursed", "repaying"):
            start = today - timedelta(days=70)
            loans.disburse(
                db.session,
                cast.bank_officer,
                loan,
                Disbursement(amount, start, start, start + timedelta(days=30)),
                today,
                now,
            )
        if status == "withdrawn":
            loans.withdraw(db.session, author, loan, now)
        if status in later:
            loans.verify(db.session, cast.mentor, loan, now)
            loans.decide(db.session, cast.bank_officer, loan, True, None, now)
            start = today - timedelta(days=70)
            loans.disburse(
                db.session,
                cast.bank_officer,
                loan,
                Disbursement(amount, start, start, start + timedelta(days=30)),
                today,
                now,
            )
        if status == "repaying":
            first = loan.instalments[0]
            loans.record_payment(
                db.session,
                cast.bank_officer,
                loan,
                first.due_on,
                first.principal_idr + first.interest_idr,
                today,
                now,
            )
        if status == "restructured":
            loans.restructure(
                db.session,
                cast.bank_officer,
                loan,
                loans.RestructuringTerms(
                    today, "capitalise", 12, today + relativedelta(months=1)
                ),
                "Usaha terdampak banjir.",
                today,
                now,
            )
        if status == "written_off":
            loans.write_off(db.session, cast.bank_officer, loan, now, "Macet.")
        if status == "paid_off":
            loans.prepay(
                db.session,
                cast.bank_officer,
                loan,
                today,
                loan_reading.quote(loan, today).total_idr,
                today,
                now,
            )
        db.session.commit()
        return loan

    return make


@pytest.fixture
def world(app, db, cast, make_loan, make_user, tmp_path):
    """A row in every person-linked table for three people (Sri in Kab. Malang, a
    neighbour in Kota Surabaya, someone far away in Kab. Cilacap): a plan with its
    business, a KUR being repaid (documents, payments), a placement, a training, a
    comment, a visit with a photo and an action, an erasure request. Returns the
    ids to put in URLs, per relation (``own``, ``region``, ``other``, ``missing``)."""
    import io

    from PIL import Image

    from juragan.models import ErasureRequest, PlanComment, Training
    from juragan.models.returnee import Placement
    from juragan.services import consent, mentoring
    from juragan.services.mentoring import ActionData, Upload, VisitData

    app.config["UPLOAD_FOLDER"] = str(tmp_path)
    cast.observer = make_user(Role.OBSERVER, "35")
    cast.bank_other_lender = make_user(Role.BANK_OFFICER, "35", lender="bni")
    ids = {}
    for relation, returnee in (
        ("own", cast.returnee),
        ("region", cast.neighbour),
        ("other", cast.far_away),
    ):
        loan = make_loan(cast, status="repaying", returnee=returnee)
        placement = Placement(
            returnee_id=returnee.id,
            country_code="TW",
            sector="caregiver",
            agency_name="PT A",
            departure_date=date(2015, 1, 1),
            contract_months=24,
            return_date=date(2017, 1, 1),
            return_reason="contract_completed",
        )
        training = Training(
            returnee_id=returnee.id,
            title="Kursus",
            kind="entrepreneurship",
            stage="after_return",
            organiser="Disnaker",
            start_date=date(2018, 1, 1),
        )
        comment = PlanComment(
            plan_id=loan.plan_id,
            version_number=1,
            section="market",
            body="Berapa harga?",
            author_id=cast.mentor.id,
            created_at=utcnow(),
        )
        db.session.add_all([placement, training, comment])
        photo = io.BytesIO()
        Image.new("RGB", (8, 8)).save(photo, "PNG")
        visit, _ = mentoring.record_visit(
            db.session,
            cast.mentor,
            returnee,
            VisitData(
                idempotency_key=f"m-{relation}",
                visited_on=clock.today(),
                mode="home",
                duration_minutes=10,
                business_status="operating",
                actions=[ActionData("Catat penjualan", "returnee", clock.today())],
            ),
            [Upload("p.png", photo.getvalue())],
            tmp_path,
            clock.today(),
            utcnow(),
        )
        db.session.add(ErasureRequest(returnee_id=returnee.id, requested_at=utcnow()))
        # E-mail consent withdrawn, then given again on a signed, scanned form.
        now = utcnow()
        consent.withdraw_consent(
            db.session,
            cast.official_national,
            returnee,
            "contact_email",
            clock.date_in(returnee.province_code, now),
            "Surat",
            now,
        )
        again = consent.give_consent(
            db.session,
            cast.official_national,
            returnee,
            consent.on_paper({"contact_email"}, consent.Scan("f.pdf", PDF_BYTES)),
            now,
            tmp_path,
        )[0]
        db.session.commit()
        ids[relation] = {
            "returnee_id": returnee.id,
            "plan_id": loan.plan_id,
            "loan_id": loan.id,
            "business_id": loan.business_id,
            "document_id": loan.documents[0].id,
            "photo_id": visit.photos[0].id,
            "item_id": visit.action_items[0].id,
            "placement_id": placement.id,
            "training_id": training.id,
            "comment_id": comment.id,
            "consent_id": again.id,
        }
    ids["missing"] = dict.fromkeys(ids["own"], 999_999)
    # A self-registration in Kab. Malang that clashed with Sri's NIK, to check.
    from juragan.models import RegistrationCheck

    claimant = make_user(Role.RETURNEE)
    check = RegistrationCheck(
        user_id=claimant.id,
        created_at=utcnow(),
        reason="nik",
        matched_returnee_id=cast.returnee.id,
        province_code="35",
        regency_code="35.07",
        profile_ciphertext=None,
    )
    db.session.add(check)
    db.session.commit()
    common = {
        "user_id": cast.mentor.id,
        "check_id": check.id,
        "token": "not-a-token",
        "purpose": "contact_sms",
        "kind": "csv",
        "section": "market",
        "province_code": "35",
        "name": "countries",
        "filename": "css/app.css",
    }
    return {relation: {**values, **common} for relation, values in ids.items()} | {
        "missing_account": {**ids["missing"], **common, "user_id": 999_999},
    }


def withdraw_sharing(session: Any, cast: Cast, person: Returnee) -> None:
    """The person's consent to sharing with the lender withdrawn from now, as an
    official records it from a letter."""
    from juragan.models import ConsentPurpose
    from juragan.services import consent

    now = utcnow()
    consent.withdraw_consent(
        session,
        cast.official_national,
        person,
        ConsentPurpose.LENDER.value,
        clock.date_in(person.province_code, now),
        "Surat",
        now,
    )
