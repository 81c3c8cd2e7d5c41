"""The KUR rule data on the pages: the simulator's credit checkboxes, the second
KUR Mikro through the simulator, and the rules page's legal basis per value."""

from datetime import timedelta

from sqlalchemy import select

from juragan import clock
from juragan.models import LoanApplication, utcnow
from juragan.services import loans
from juragan.services.loans import Disbursement
from tests.factories import login

JUTA = 1_000_000


def simulation(business_id, amount, **extra):
    return {
        "kind": "business",
        "business_ref": f"b{business_id}",
        "amount_idr": amount,
        "tenor_months": "12",
        "purpose": "working_capital",
        "grace_months": "0",
        "lender": "bri",
        "kur_mikro_elsewhere": "0",
        "kur_kecil_elsewhere": "0",
        "scheme": "mikro",
        "has_npwp": "y",
        **extra,
    }


def first_mikro(db, cast, make_loan):
    """Rp40 juta of KUR Mikro at BRI, disbursed five days ago: current, all of it
    outstanding."""
    loan = make_loan(cast, status="approved", amount=40 * JUTA)
    today = clock.today()
    start = today - timedelta(days=5)
    loans.disburse(
        db.session,
        cast.bank_officer,
        loan,
        Disbursement(40 * JUTA, start, start, start + timedelta(days=30)),
        today,
        utcnow(),
    )
    db.session.commit()
    return loan


def test_a_second_kur_mikro_through_the_simulator(client, db, cast, make_loan):
    first = first_mikro(db, cast, make_loan)
    login(client, cast.returnee_user.username)
    url = f"/kur/simulator/{cast.returnee.id}"
    # Rp40 juta + Rp61 juta passes the Rp100 juta of Permenko 1/2023 Pasal 24(1).
    page = client.post(
        url, data={**simulation(first.business_id, "61.000.000"), "then": "apply"}
    )
    assert page.status_code == 200
    assert (
        "Total outstanding KUR Mikro paling banyak Rp100.000.000: masih terutang "
        "Rp40.000.000, jadi paling banyak Rp60.000.000 lagi." in page.text
    )
    count = select(LoanApplication).where(
        LoanApplication.returnee_id == cast.returnee.id
    )
    assert len(db.session.scalars(count).all()) == 1
    # Rp40 juta + Rp60 juta = Rp100 juta: saved, in the second slot.
    page = client.post(
        url, data={**simulation(first.business_id, "60.000.000"), "then": "apply"}
    )
    assert page.status_code == 302
    db.session.expire_all()
    saved = db.session.scalars(count.order_by(LoanApplication.id)).all()
    assert [(loan.amount_requested_idr, loan.business_slot) for loan in saved] == [
        (40 * JUTA, 1),
        (60 * JUTA, 2),
    ]


def test_other_credit_as_checkboxes_and_what_blocks(client, db, cast, make_loan):
    plan_loan = make_loan(cast)
    login(client, cast.returnee_user.username)
    url = f"/kur/simulator/{cast.returnee.id}"
    page = client.get(url)
    assert page.text.count('type="checkbox" value="') >= 12  # the twelve offered kinds
    assert 'value="allowed_unspecified"' not in page.text
    # A home loan and a credit card, paid on time: allowed (Pasal 36(4)).
    allowed = client.post(
        url,
        data={
            **simulation(plan_loan.business_id, "50.000.000", tenor_months="36"),
            "other_credit": ["kpr", "credit_card"],
            "then": "simulate",
        },
    )
    assert "Boleh berjalan bersama KUR selama lancar" in allowed.text
    assert "Rp1.521.097" in allowed.text  # 50 jt, 6%, 36 months (domain reference)
    # Another business loan: repay it first, named with its article.
    blocked = client.post(
        url,
        data={
            **simulation(plan_loan.business_id, "50.000.000"),
            "other_credit": ["kpr", "productive_commercial"],
            "then": "simulate",
        },
    )
    assert (
        "Lunasi dulu: Kredit usaha lain dari bank atau perusahaan pembiayaan "
        "(Pasal 36(3a))" in blocked.text
    )
    # Late on an allowed kind: blocks too.
    late = client.post(
        url,
        data={
            **simulation(plan_loan.business_id, "50.000.000"),
            "other_credit": ["kpr"],
            "other_credit_late": "y",
            "then": "simulate",
        },
    )
    assert "hanya selama lancar" in late.text
    # A kind not offered is a message beside the field, not an error page.
    odd = client.post(
        url,
        data={
            **simulation(plan_loan.business_id, "50.000.000"),
            "other_credit": ["allowed_unspecified"],
            "then": "simulate",
        },
    )
    assert odd.status_code == 200
    assert "is-invalid" in odd.text


def test_the_rules_page_says_what_is_confirmed(client, db, cast):
    login(client, cast.admin.username)
    page = client.get("/kur/rules")
    assert page.status_code == 200
    text = page.text
    assert "Dasar hukum setiap nilai" in text
    assert "Permenko Perekonomian 1/2023 Pasal 24(1)" in text
    assert "teks hukum" in text
    assert "hanya sekunder" in text
    assert "Belum dipastikan dari teks hukum:" in text
    assert "KUR bencana Aceh, Sumatera Utara, Sumatera Barat (2026)" in text
    assert "belum ditemukan peraturan yang diterbitkan" in text
    assert "debitur di provinsi 11, 12, 13" in text
    assert "Tambahan subsidi bunga KUR 3% (2022)" in text
    assert "Kredit resi gudang" in text
    assert "menghalangi KUR" in text
