"""Demo accounts and a small, realistic data set.

``seed_demo`` makes one account per role and the demo's people through the registry
services (so every row is checked and audited), around Sri Wahyuni's story.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TypeVar

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from juragan import clock, consent_rules
from juragan.db import scope
from juragan.db.audit import Actor, acting_as
from juragan.models import (
    ConsentPurpose,
    Returnee,
    Role,
    User,
    utcnow,
)
from juragan.seeding.loans import (
    DESK_CASES,
    seed_demo_desk,
    seed_demo_loans,
    seed_demo_placement_loan,
)
from juragan.seeding.mentoring import seed_demo_visits
from juragan.seeding.people import SyntheticPeople, fields_of
from juragan.seeding.plans import (
    synthetic_plan,
    write_through_services,
)
from juragan.services import plans, recovery, registry
from juragan.services.accounts import AccountData, branch_for, create_account
from juragan.services.consent import Scan, on_paper
from juragan.services.registry import (
    PlacementData,
    ProfileData,
    TrainingData,
)

T = TypeVar("T")

#: What the demo's people ticked on the paper form their mentor or official scanned.
DEMO_CONSENTS = (
    ConsentPurpose.REGISTRY,
    ConsentPurpose.LENDER,
    ConsentPurpose.CONTACT_WHATSAPP,
)


def demo_consent_form(full_name: str) -> Scan:
    """A picture standing in for the scan of a signed consent form (demo only)."""
    from PIL import Image, ImageDraw

    image = Image.new("L", (640, 360), 255)
    draw = ImageDraw.Draw(image)
    lines = [
        "FORMULIR PERSETUJUAN PEMROSESAN DATA PRIBADI",
        f"versi {consent_rules.WORDING_VERSION} - contoh data demo",
        "",
        f"Nama: {full_name}",
        "",
        "[x] Registri program dan pendampingan",
        "[x] Berbagi dengan penyalur KUR",
        "[x] Pesan lewat WhatsApp",
        "",
        "Tanda tangan: ...........................",
    ]
    for number, line in enumerate(lines):
        draw.text((24, 24 + 30 * number), line, fill=0)
    out = io.BytesIO()
    image.save(out, "PNG")
    return Scan("formulir-persetujuan.png", out.getvalue())


DEMO_PASSWORD = "juragan-demo-2026"  # noqa: S105 - shown in the README on purpose


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: Role
    full_name: str
    province: str | None = None
    regency: str | None = None
    #: A bank officer's lender and the name of their branch.
    lender: str | None = None
    branch: str | None = None


DEMO_ACCOUNTS = (
    DemoAccount("admin", Role.ADMIN, "Admin Juragan"),
    DemoAccount("pejabat.pusat", Role.OFFICIAL, "Bambang Wicaksono"),
    DemoAccount("pejabat", Role.OFFICIAL, "Rina Kusumawati", "35"),
    DemoAccount("pejabat.malang", Role.OFFICIAL, "Agus Santoso", "35", "35.07"),
    DemoAccount("pemantau", Role.OBSERVER, "Hendra Wijaya", "35"),
    DemoAccount(
        "bank",
        Role.BANK_OFFICER,
        "Dewi Lestari",
        "35",
        lender="bri",
        branch="BRI Kantor Wilayah Surabaya",
    ),
    # A second officer of each demo lender: approvals over an exception take two.
    DemoAccount(
        "bank.kedua",
        Role.BANK_OFFICER,
        "Andi Firmansyah",
        "35",
        lender="bri",
        branch="BRI Kantor Wilayah Surabaya",
    ),
    DemoAccount(
        "bank.jatim",
        Role.BANK_OFFICER,
        "Yudi Prasetyo",
        "35",
        lender="bpd_jatim",
        branch="Bank Jatim Kantor Pusat Surabaya",
    ),
    DemoAccount(
        "bank.jatim.kedua",
        Role.BANK_OFFICER,
        "Lina Marlina",
        "35",
        lender="bpd_jatim",
        branch="Bank Jatim Kantor Pusat Surabaya",
    ),
    DemoAccount("pendamping", Role.MENTOR, "Siti Rahmawati", "35", "35.07"),
    DemoAccount("purna", Role.RETURNEE, "Sri Wahyuni"),
)


def database_is_empty(session: Session) -> bool:
    return (session.scalar(select(func.count()).select_from(User)) or 0) == 0


# Demo data ----------------------------------------------------------------------

SRI = ProfileData(
    nik="3507135403880007",  # Kepanjen (13), born 14-03-88, female (14 + 40)
    full_name="Sri Wahyuni",
    sex="F",
    birth_date=date(1988, 3, 14),
    phone="+6281234567890",
    province_code="35",
    regency_code="35.07",
    district="Kepanjen",
    village="Talangagung",
    education="smp",
    marital_status="married",
    dependants=2,
)
SRI_PLACEMENTS = (
    PlacementData(
        country_code="HK",
        sector="domestic_worker",
        occupation="Penata laksana rumah tangga",
        agency_name="PT Sumber Rezeki Abadi",
        departure_date=date(2012, 4, 2),
        contract_months=24,
        return_date=date(2014, 4, 20),
        return_reason="contract_completed",
        salary_foreign=Decimal("3740"),
        salary_currency="HKD",
        salary_idr=7_854_000,
        remittances_idr=121_000_000,
        savings_idr=25_000_000,
        skills="Memasak, Bahasa Kanton",
    ),
    PlacementData(
        country_code="TW",
        sector="caregiver",
        occupation="Perawat lansia",
        agency_name="PT Bina Tenaga Mandiri",
        departure_date=date(2015, 1, 10),
        contract_months=36,
        return_date=date(2018, 1, 15),
        return_reason="contract_completed",
        salary_foreign=Decimal("15840"),
        salary_currency="TWD",
        salary_idr=8_078_400,
        remittances_idr=190_000_000,
        savings_idr=60_000_000,
        skills="Merawat lansia, Bahasa Mandarin dasar",
    ),
)
SRI_TRAININGS = (
    TrainingData(
        title="Orientasi Pra Pemberangkatan",
        kind="pre_departure",
        stage="before_departure",
        organiser="BP3MI Jawa Timur",
        start_date=date(2012, 3, 12),
        end_date=date(2012, 3, 14),
    ),
    TrainingData(
        title="Pelatihan Desmigratif: usaha produktif",
        kind="desmigratif",
        stage="after_return",
        organiser="Disnaker Kabupaten Malang",
        start_date=date(2018, 6, 4),
        end_date=date(2018, 6, 8),
        certificate="No. 112/DSM/VI/2018",
    ),
)


def _copy(data: T) -> T:
    """A fresh copy: the services normalise what they are given in place."""
    return type(data)(**vars(data))


def seed_sri_plan(
    session: Session, sri: Returnee, author: User, mentor: User, now: datetime
) -> None:
    """Sri's warung plan: submitted by her, in review with her mentor's comments."""
    today = clock.today(now)
    plan = plans.create_plan(session, author, sri, "Warung Makan Bu Sri", "culinary")
    plans.save_section(
        session,
        plan,
        "business",
        {
            "business_name": "Warung Makan Bu Sri",
            "legal_form": "individual",
            "sector": "culinary",
            "kbli_code": "56101",
            "province_code": "35",
            "regency_code": "35.07",
            "district": "Kepanjen",
            "planned_start": date(2027, 2, 1),
            "description": "Nasi campur, soto ayam dan masakan Taiwan sederhana "
            "(mi goreng, bakpao) yang saya pelajari selama bekerja di Taichung.",
        },
        today,
    )
    plans.save_section(
        session,
        plan,
        "market",
        {
            "target_market": "Pekerja pabrik rokok dan pasar Kepanjen, sekitar 40 "
            "pembeli per hari.",
            "competitors": "Tiga warung nasi di jalan yang sama; belum ada yang "
            "menjual masakan Taiwan.",
            "marketing": "Grup WhatsApp paguyuban Purna PMI, papan nama, GoFood.",
        },
        today,
    )
    plans.save_section(
        session,
        plan,
        "operations",
        {
            "operations": "Buka 06.00-15.00, belanja ke pasar setiap pagi, dibantu "
            "adik saya.",
            "suppliers": "Pasar Kepanjen; ayam dari peternak tetangga.",
            "equipment": "Gerobak etalase, kompor dua tungku, lemari es, meja kursi.",
            "workers_planned": 1,
        },
        today,
    )
    plans.save_section(
        session,
        plan,
        "risks",
        {
            "risks": "Harga cabai dan ayam naik: menu harian disesuaikan. Sakit: adik "
            "bisa menjalankan warung.",
        },
        today,
    )
    plans.save_capital(
        session,
        plan,
        [
            plans.LineItem("investment", "Gerobak etalase dan kompor", 9_000_000),
            plans.LineItem("investment", "Lemari es dan meja kursi", 6_000_000),
            plans.LineItem(
                "working_capital", "Bahan baku dan sewa 6 bulan", 10_000_000
            ),
        ],
    )
    plans.save_funding(
        session,
        plan,
        [
            plans.LineItem("own_savings", "Tabungan dari Taiwan", 15_000_000),
            plans.LineItem("kur", "KUR Mikro", 10_000_000),
        ],
        24,
        plans.DEFAULT_KUR_RATE,
    )
    plans.save_projection(
        session,
        plan,
        12,
        plans.fill_months(
            plans.MonthInput(6_000_000, 3_000_000, 1_200_000, 1_000_000), Decimal(5), 12
        ),
    )
    plans.submit_plan(session, author, plan, now)
    plans.add_comment(
        session,
        mentor,
        plan,
        "market",
        "Bagus. Tambahkan harga jual per porsi dan berapa porsi per hari.",
        now,
    )
    plans.add_comment(
        session,
        mentor,
        plan,
        "risks",
        "Apa rencana Bu Sri kalau ada warung baru yang menjual menu serupa?",
        now,
    )


def seed_demo(
    session: Session, seed: int = 2026, uploads: str | None = None
) -> dict[str, User]:
    """Create the demo accounts and 41 returnees around them (flushes, audited).

    Everything goes through the registry services, so the demo data passes the
    same checks as data entered in the app.
    """
    with scope.system("seeding"):
        return _seed_demo(session, seed, uploads)


def _seed_demo(session: Session, seed: int, uploads: str | None) -> dict[str, User]:
    users: dict[str, User] = {}
    today = clock.today()
    with acting_as(Actor(None, "seed-demo")):
        for account in DEMO_ACCOUNTS:
            branch = (
                branch_for(session, account.lender, account.province, account.branch)
                if account.lender and account.province
                else None
            )
            users[account.username] = create_account(
                session,
                AccountData(
                    username=account.username,
                    full_name=account.full_name,
                    role=account.role,
                    scope_province_code=account.province,
                    scope_regency_code=account.regency,
                    lender_branch_id=branch.id if branch else None,
                ),
                DEMO_PASSWORD,
            )
        mentor, official = users["pendamping"], users["pejabat.malang"]
        now = utcnow()
        storage = uploads or current_app.config["UPLOAD_FOLDER"]

        def signed_form(data: ProfileData, purposes=DEMO_CONSENTS):
            return on_paper(
                {p.value for p in purposes}, demo_consent_form(data.full_name)
            )

        # Sri: registered by her mentor, signed up since, NIK checked by an official.
        sri_data = _copy(SRI)
        sri = registry.register_returnee(
            session,
            mentor,
            sri_data,
            consent=signed_form(sri_data),
            now=now,
            upload_folder=storage,
            user=users["purna"],
        )
        registry.verify_nik(session, official, sri, now)
        # Sri proved her phone and e-mail, so a forgotten password comes back by
        # a code (the tour shows it; the code goes to the log in development).
        recovery.set_contact(
            session, users["purna"], "email", "sri.wahyuni@example.com"
        )
        for kind in ("phone", "email"):
            recovery.mark_verified(session, users["purna"], kind, now)
        for placement in SRI_PLACEMENTS:
            registry.add_placement(session, sri, _copy(placement), today)
        for training in SRI_TRAININGS:
            registry.add_training(session, sri, _copy(training), today)
        # Others: 12 more in Kab. Malang (the mentor's caseload), 20 elsewhere in
        # East Java, and 8 in Central Java and NTB so that scoping shows.
        people = SyntheticPeople(session, seed)
        rng = people.rng
        jatim = [code for code in people.by_province["35"] if code != "35.07"]
        elsewhere = people.by_province["33"] + people.by_province["52"]
        for index in range(40):
            if index < 12:
                regency, registrar = (
                    "35.07",
                    mentor,
                )  # a mentor's entries join their caseload
            elif index < 32:
                regency, registrar = rng.choice(jatim), users["pejabat"]
            else:
                regency, registrar = rng.choice(elsewhere), users["admin"]
            row = people.person(regency)
            data = ProfileData(**fields_of(ProfileData, row))
            returnee = registry.register_returnee(
                session,
                registrar,
                data,
                consent=signed_form(data),
                now=now,
                upload_folder=storage,
                confirmed_not_duplicate=True,  # synthetic names may repeat
            )
            placements = people.placements(row)
            for placement in placements:
                registry.add_placement(
                    session, returnee, PlacementData(**placement), today
                )
            for training in people.trainings(row, placements):
                registry.add_training(
                    session, returnee, TrainingData(**training), today
                )
            # Plans in East Java: the mentor writes with the caseload; the
            # provincial office entered the others from paper forms.
            drawn = synthetic_plan(rng, row, placements, today) if index < 32 else None
            if drawn is not None:
                write_through_services(
                    session, registrar, registrar, returnee, drawn, now, index + 1
                )
        seed_sri_plan(session, sri, users["purna"], mentor, now)
        session.flush()
        seed_demo_loans(session, users, rng, today, storage)
        # The lender's desk: people of the mentor's caseload whose plans are ready
        # and whose businesses run, each with an application to BRI in one state
        # of its work queue.
        desk = []
        for attempt in range(400):
            if len(desk) == len(DESK_CASES):
                break
            row = people.person("35.07")
            placements = people.placements(row)
            drawn = synthetic_plan(rng, row, placements, today)
            if drawn is None or not any(kind == "kur" for kind, *_ in drawn["funding"]):
                continue
            drawn["plan"]["status"] = "ready"
            if drawn["business"] is None or drawn["business"]["status"] != "operating":
                continue
            drawn["business"]["opened_on"] = min(
                drawn["business"]["opened_on"], today - timedelta(days=400)
            )
            drawn["changes"] = []
            data = ProfileData(**fields_of(ProfileData, row))
            returnee = registry.register_returnee(
                session,
                mentor,
                data,
                consent=signed_form(data),
                now=now,
                upload_folder=storage,
                confirmed_not_duplicate=True,
            )
            for placement in placements:
                registry.add_placement(
                    session, returnee, PlacementData(**placement), today
                )
            desk.append(
                write_through_services(
                    session, mentor, mentor, returnee, drawn, now, 100 + attempt
                )
            )
        seed_demo_desk(session, users, desk, today, storage)
        seed_demo_placement_loan(session, users, rng, today, storage)
        seed_demo_visits(session, users, rng, today, storage)
        session.flush()
    return users
