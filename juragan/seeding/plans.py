"""Synthetic business plans and businesses for returnees, with plausible numbers.

Figures per line of business are rough 2026 rupiah orders of magnitude for village
micro-enterprises (a food stall sells some Rp6-20 juta a month and buys half of it
back as ingredients; a warung turns over more on thin margins). Each plan's money
balances, as the product requires before submission.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from juragan import clock
from juragan.db import plan_reading
from juragan.domain.codes import CloseReason
from juragan.models.business_codes import (
    BUSINESS_LINE_SUBCLASSES,
    BUSINESS_LINES,
)


@dataclass(frozen=True)
class LineProfile:
    #: Capital needed, in juta (millions of rupiah), low and high.
    capital: tuple[int, int]
    #: Share of the capital that is investment (the rest is working capital).
    investment_share: tuple[float, float]
    #: Steady monthly sales, in juta.
    sales: tuple[float, float]
    #: Cost of goods as a share of sales.
    cogs_share: tuple[float, float]
    #: Monthly operating costs, in juta.
    operating: tuple[float, float]
    names: tuple[str, ...]
    investment_items: tuple[str, ...]
    working_items: tuple[str, ...]
    description: str
    market: str
    operations: str
    risks: str


PROFILES: dict[str, LineProfile] = {
    "culinary": LineProfile(
        (15, 40),
        (0.5, 0.7),
        (6, 20),
        (0.45, 0.55),
        (1, 3),
        ("Warung Makan {n}", "Bakso {n}", "Katering {n}", "Ayam Geprek {n}"),
        ("Gerobak dan etalase", "Kompor dan peralatan masak", "Meja dan kursi"),
        ("Bahan baku bulan pertama", "Sewa tempat 6 bulan", "Kemasan"),
        "Makanan rumahan dengan resep keluarga, harga terjangkau.",
        "Pekerja pabrik, anak sekolah dan warga sekitar pasar.",
        "Buka pukul 07.00-20.00, dibantu satu anggota keluarga.",
        "Harga bahan naik: cari pemasok tetap dan sesuaikan porsi.",
    ),
    "warung": LineProfile(
        (10, 50),
        (0.2, 0.4),
        (10, 40),
        (0.75, 0.85),
        (0.5, 2),
        ("Toko {n}", "Warung Sembako {n}", "Toko Kelontong {n}"),
        ("Rak dan etalase", "Lemari pendingin", "Renovasi kios"),
        ("Stok barang awal", "Stok gas dan air galon"),
        "Kebutuhan pokok sehari-hari, pulsa dan gas elpiji.",
        "Rumah tangga di desa; toko terdekat berjarak 2 km.",
        "Belanja stok ke grosir kabupaten seminggu sekali.",
        "Piutang pelanggan: batasi utang dan catat setiap hari.",
    ),
    "farming": LineProfile(
        (10, 30),
        (0.3, 0.5),
        (3, 12),
        (0.30, 0.45),
        (0.5, 2),
        ("Tani {n}", "Kebun Cabai {n}", "Hortikultura {n}"),
        ("Pompa air dan selang", "Sprayer dan alat tani", "Sewa lahan setahun"),
        ("Bibit dan pupuk", "Upah tanam dan panen"),
        "Cabai, tomat dan sayuran dijual ke pengepul dan pasar.",
        "Pengepul desa dan pedagang pasar kecamatan.",
        "Tanam bergilir di lahan sewa 0,5 ha dengan irigasi pompa.",
        "Gagal panen karena cuaca: tanam bergilir dan asuransi tani.",
    ),
    "livestock": LineProfile(
        (20, 60),
        (0.5, 0.7),
        (4, 15),
        (0.40, 0.55),
        (0.5, 2),
        ("Ternak Kambing {n}", "Peternakan Ayam {n}", "Ternak {n}"),
        ("Kandang", "Indukan kambing", "Mesin pencacah rumput"),
        ("Pakan dan vitamin", "Obat dan vaksin"),
        "Penggemukan kambing untuk kurban dan aqiqah.",
        "Pembeli kurban, aqiqah dan pedagang daging.",
        "Pakan hijauan dari lahan sendiri ditambah konsentrat.",
        "Penyakit ternak: vaksin rutin dan pendampingan mantri hewan.",
    ),
    "fisheries": LineProfile(
        (15, 40),
        (0.4, 0.6),
        (5, 15),
        (0.50, 0.60),
        (0.5, 1.5),
        ("Lele {n}", "Budidaya Ikan {n}", "Kolam {n}"),
        ("Kolam terpal dan rangka", "Aerator dan pompa"),
        ("Benih ikan", "Pakan pelet"),
        "Budidaya lele di kolam terpal, panen tiap tiga bulan.",
        "Warung pecel lele dan pengepul ikan kabupaten.",
        "Empat kolam dengan jadwal tebar bergiliran.",
        "Kematian benih: jaga kualitas air dan beli benih bersertifikat.",
    ),
    "handicraft": LineProfile(
        (5, 20),
        (0.3, 0.5),
        (3, 10),
        (0.35, 0.45),
        (0.3, 1),
        ("Kerajinan {n}", "Anyaman {n}", "Batik {n}"),
        ("Alat kerja dan meja", "Mesin jahit kecil"),
        ("Bahan baku", "Ongkos kirim dan kemasan"),
        "Tas anyaman dan suvenir buatan tangan.",
        "Toko oleh-oleh, pesanan instansi dan marketplace.",
        "Dikerjakan bersama kelompok ibu-ibu di desa.",
        "Pesanan tidak rutin: jual juga secara daring.",
    ),
    "tailoring": LineProfile(
        (8, 25),
        (0.5, 0.7),
        (4, 12),
        (0.25, 0.35),
        (0.5, 1.5),
        ("Penjahit {n}", "Konveksi {n}", "Butik {n}"),
        ("Mesin jahit", "Mesin obras", "Meja potong"),
        ("Kain dan benang", "Sewa tempat"),
        "Jahit seragam sekolah, kebaya dan permak pakaian.",
        "Sekolah, kantor desa dan warga sekitar.",
        "Menerima pesanan di rumah, dibantu satu penjahit.",
        "Musim sepi di luar tahun ajaran: tawarkan permak dan masker.",
    ),
    "transport": LineProfile(
        (25, 80),
        (0.8, 0.9),
        (6, 15),
        (0.20, 0.30),
        (1, 2),
        ("Angkutan {n}", "Rental {n}", "Ojek {n}"),
        ("Mobil bekas", "Sepeda motor roda tiga"),
        ("Bahan bakar dan servis awal", "Asuransi kendaraan"),
        "Angkutan barang hasil panen dan sewa mobil.",
        "Petani, pedagang pasar dan keluarga yang bepergian.",
        "Beroperasi setiap hari sesuai pesanan.",
        "Kerusakan kendaraan: servis rutin dan dana cadangan.",
    ),
    "services": LineProfile(
        (10, 35),
        (0.5, 0.7),
        (5, 15),
        (0.20, 0.35),
        (0.5, 2),
        ("Laundry {n}", "Salon {n}", "Bengkel {n}"),
        ("Mesin cuci dan pengering", "Peralatan salon", "Peralatan bengkel"),
        ("Sabun dan bahan habis pakai", "Sewa tempat"),
        "Jasa cuci kiloan dan setrika dengan antar jemput.",
        "Kos-kosan, pekerja dan keluarga muda.",
        "Buka setiap hari, satu pekerja paruh waktu.",
        "Mesin rusak: servis berkala dan garansi.",
    ),
}
PROFILES["other"] = PROFILES["services"]

#: Lines of business returnees choose, roughly (women lean to food and trade).
LINE_WEIGHTS_WOMEN = (
    ("culinary", 30),
    ("warung", 25),
    ("tailoring", 10),
    ("handicraft", 8),
    ("services", 10),
    ("livestock", 7),
    ("farming", 6),
    ("fisheries", 3),
    ("other", 1),
)
LINE_WEIGHTS_MEN = (
    ("farming", 20),
    ("livestock", 18),
    ("warung", 15),
    ("transport", 14),
    ("fisheries", 10),
    ("services", 12),
    ("culinary", 9),
    ("other", 2),
)

#: Of returnees home for a while, the share with a plan, and how far plans get.
PLAN_SHARE = 0.32
STATUS_WEIGHTS = (("draft", 25), ("submitted", 8), ("in_review", 12), ("ready", 55))
#: The share of plans whose business opened, by plan state.
OPENED_SHARE = {"draft": 0.1, "submitted": 0.15, "in_review": 0.2, "ready": 0.75}
BUSINESS_STATE_WEIGHTS = (("operating", 74), ("paused", 10), ("closed", 16))

assert set(PROFILES) == set(BUSINESS_LINES)


def pick(rng: random.Random, weighted: tuple[tuple[Any, float], ...]) -> Any:
    """A value drawn from ``(value, weight)`` pairs."""
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights)[0]


def _juta(rng: random.Random, low: float, high: float, step: int = 100_000) -> int:
    """A whole number of rupiah between ``low`` and ``high`` juta, in ``step``s."""
    amount = int(rng.uniform(low, high) * 1_000_000)
    return max(step, amount // step * step)


def synthetic_plan(
    rng: random.Random,
    person: dict[str, Any],
    placements: list[dict[str, Any]],
    as_of: date,
) -> dict[str, Any] | None:
    """A plan (and maybe its business) for a returned person, or ``None``.

    Returns plain values: ``plan`` (BusinessPlan columns), ``capital``,
    ``funding`` and ``months`` (rows), ``business`` (Business columns or ``None``)
    and ``changes`` (its later changes of state).
    """
    returned = [p for p in placements if p["return_date"] is not None]
    if not returned or placements[-1]["return_date"] is None:
        return None  # still abroad
    back = returned[-1]["return_date"]
    if (as_of - back).days < 60 or rng.random() >= PLAN_SHARE:
        return None
    female = person["sex"] == "F"
    line = pick(rng, LINE_WEIGHTS_WOMEN if female else LINE_WEIGHTS_MEN)
    profile = PROFILES[line]
    needs = _juta(rng, *profile.capital, step=500_000)
    investment = needs * int(rng.uniform(*profile.investment_share) * 100) // 100
    investment -= investment % 100_000
    working = needs - investment
    capital = []
    items = rng.sample(
        profile.investment_items, k=min(2, len(profile.investment_items))
    )
    first = investment * rng.randint(55, 75) // 100 // 100_000 * 100_000
    capital.append(("investment", items[0], first))
    if investment - first > 0:
        capital.append(("investment", items[-1], investment - first))
    capital.append(("working_capital", profile.working_items[0], working))
    savings = returned[-1]["savings_idr"] or 0
    own = min(savings, needs * rng.randint(20, 100) // 100) // 100_000 * 100_000
    funding = []
    if own:
        funding.append(("own_savings", "Tabungan dari luar negeri", own))
    rest = needs - own
    tenor = None
    if rest >= 5_000_000:
        funding.append(("kur", "KUR", rest))
        tenor = rng.choice((12, 24, 24, 36, 36))
    elif rest > 0:
        funding.append(("family", "Bantuan keluarga", rest))
    steady = _juta(rng, *profile.sales, step=50_000)
    cogs_share = Decimal(str(round(rng.uniform(*profile.cogs_share), 2)))
    operating = _juta(rng, *profile.operating, step=50_000)
    draw = max(0, int((steady * (1 - cogs_share) - operating) * Decimal("0.4")))
    draw -= draw % 50_000
    month_count = rng.choice((12, 12, 24, 36))
    months = []
    for number in range(1, month_count + 1):
        ramp = min(Decimal(1), Decimal("0.55") + Decimal("0.15") * (number - 1))
        sales = int(steady * ramp) // 10_000 * 10_000
        months.append(
            (number, sales, int(sales * cogs_share) // 10_000 * 10_000, operating, draw)
        )
    status = pick(rng, STATUS_WEIGHTS)
    start = back + timedelta(days=rng.randint(60, 300))
    regency = person["regency_code"]
    plan = {
        "status": status,
        "is_active": True,
        "is_revised": False,
        "business_name": rng.choice(profile.names).format(
            n=person["full_name"].split()[0]
        ),
        "legal_form": "group" if rng.random() < 0.08 else "individual",
        "sector": line,
        "kbli_section": BUSINESS_LINES[line],
        # Plans past their draft have chosen their line's usual KBLI 2025 code.
        "kbli_code": (
            BUSINESS_LINE_SUBCLASSES[line][0]
            if status != "draft" and BUSINESS_LINE_SUBCLASSES[line]
            else None
        ),
        "province_code": regency[:2],
        "regency_code": regency,
        "district": person.get("district"),
        "planned_start": start,
        "description": profile.description,
        "target_market": profile.market,
        "competitors": "Beberapa usaha serupa di kecamatan yang sama.",
        "marketing": "Dari mulut ke mulut, grup WhatsApp desa dan papan nama.",
        "operations": profile.operations,
        "suppliers": "Pemasok di pasar kabupaten.",
        "equipment": ", ".join(items),
        "workers_planned": rng.choice((0, 0, 1, 1, 2, 3)),
        "risks": profile.risks,
        "projection_months": month_count,
        "kur_tenor_months": tenor or 24,
        "kur_rate_percent": Decimal("6.00"),
    }
    business = None
    changes: list[dict[str, Any]] = []
    opened = start + timedelta(days=rng.randint(0, 120))
    if opened <= as_of and rng.random() < OPENED_SHARE[status]:
        state = pick(rng, BUSINESS_STATE_WEIGHTS)
        since = opened
        if state != "operating" and (as_of - opened).days > 30:
            since = opened + timedelta(days=rng.randint(30, (as_of - opened).days))
            changes.append(
                {
                    "from_status": "operating",
                    "to_status": state,
                    "changed_on": since,
                    "close_reason": rng.choice(CloseReason.values())
                    if state == "closed"
                    else None,
                }
            )
        else:
            state = "operating"
        business = {
            "name": plan["business_name"],
            "legal_form": plan["legal_form"],
            "sector": line,
            "kbli_section": plan["kbli_section"],
            "kbli_code": plan["kbli_code"],
            "province_code": regency[:2],
            "regency_code": regency,
            "district": plan["district"],
            "opened_on": opened,
            # The caller numbers NIBs so that they stay unique.
            "_has_nib": rng.random() < 0.45,
            "workers_family": rng.choice((0, 1, 1, 2)),
            "workers_paid": rng.choice((0, 0, 0, 1, 2)),
            "status": state,
            "status_since": since,
        }
    return {
        "plan": plan,
        "capital": capital,
        "funding": funding,
        "months": months,
        "business": business,
        "changes": changes,
    }


def synthetic_nib(business_number: int, series: int = 9) -> str:
    """A 13-digit NIB that no other synthetic business has.

    Bulk data numbers by business id in series 9; the demo uses series 8.
    """
    return f"{series}{business_number:012d}"


# Through the services (demo data) ------------------------------------------------

#: What a demo reviewer writes when a plan's repayment capacity is below the
#: lender's threshold (docs/plan-figures.md).
DEMO_READY_REASON = (
    "Kemampuan bayar di bawah batas penyalur, tetapi keluarga menanggung sebagian "
    "belanja rumah tangga pada tahun pertama, sehingga pengambilan pemilik bisa "
    "dikurangi bila penjualan lebih rendah dari rencana."
)


def write_through_services(
    session: Any,
    author: Any,
    reviewer: Any,
    returnee: Any,
    drawn: dict[str, Any],
    now: Any,
    nib_number: int,
) -> Any:
    """Create a drawn plan (and business) with the same services the pages use.

    ``author`` writes and submits, ``reviewer`` reviews; plans in review get a
    comment, ready plans went through one revision so they have two versions.
    """
    from juragan.db.plan_reading import SECTION_FIELDS
    from juragan.services import businesses, plans
    from juragan.services.businesses import BusinessData
    from juragan.services.plans import LineItem, MonthInput

    values = drawn["plan"]
    today = clock.today(now)
    plan = plans.create_plan(
        session, author, returnee, values["business_name"], values["sector"]
    )
    for section, names in SECTION_FIELDS.items():
        plans.save_section(session, plan, section, {n: values[n] for n in names}, today)
    plans.save_capital(session, plan, [LineItem(*line) for line in drawn["capital"]])
    plans.save_funding(
        session,
        plan,
        [LineItem(*line) for line in drawn["funding"]],
        values["kur_tenor_months"],
        values["kur_rate_percent"],
    )
    plans.save_projection(
        session,
        plan,
        values["projection_months"],
        [MonthInput(*row[1:]) for row in drawn["months"]],
    )
    status = values["status"]
    if status != "draft":
        plans.submit_plan(session, author, plan, now)
    if status in ("in_review", "ready"):
        plans.add_comment(
            session,
            reviewer,
            plan,
            "market",
            "Sebutkan berapa pelanggan per hari yang Anda harapkan.",
            now,
        )
    if status == "ready":
        plans.save_section(
            session,
            plan,
            "market",
            {
                "target_market": values["target_market"]
                + " Target 30 pelanggan per hari pada bulan ketiga.",
                "competitors": values["competitors"],
                "marketing": values["marketing"],
            },
            today,
        )
        plans.submit_plan(session, author, plan, now)
        for comment in plan.comments:
            plans.resolve_comment(session, comment, now)
        # Below the threshold a plan is ready only with the reviewer's reason.
        below = plan_reading.readiness(session, plan).is_below
        plans.mark_ready(
            session, plan, DEMO_READY_REASON if below else None, reviewer, now
        )
    business_values = drawn["business"]
    if business_values is not None:
        business = businesses.open_business(
            session,
            author,
            plan,
            BusinessData(
                opened_on=business_values["opened_on"],
                nib=(
                    synthetic_nib(nib_number, series=8)
                    if business_values["_has_nib"]
                    else None
                ),
                workers_family=business_values["workers_family"],
                workers_paid=business_values["workers_paid"],
            ),
            today,
            now,
        )
        for change in drawn["changes"]:
            businesses.change_status(
                session,
                author,
                business,
                change["to_status"],
                change["changed_on"],
                today,
                now,
                close_reason=change["close_reason"],
            )
    return plan


# Bulk rows (the generator) ----------------------------------------------------


def content_of_drawn(drawn: dict[str, Any]) -> dict[str, Any]:
    """What a submitted version of a drawn plan stores (as ``plan_reading.content_of``)."""
    from types import SimpleNamespace

    from juragan.db.plan_reading import content_of

    values = drawn["plan"]
    plan = SimpleNamespace(
        **values,
        kur_lean_months=[],  # drawn plans name no lean-season months
        capital_items=[
            SimpleNamespace(kind=k, description=d, amount_idr=a)
            for k, d, a in drawn["capital"]
        ],
        funding_sources=[
            SimpleNamespace(kind=k, description=d, amount_idr=a)
            for k, d, a in drawn["funding"]
        ],
        months=[
            SimpleNamespace(
                month=m,
                sales_idr=s,
                cogs_idr=c,
                operating_costs_idr=o,
                owner_draw_idr=w,
            )
            for m, s, c, o, w in drawn["months"]
        ],
    )
    return content_of(plan)
