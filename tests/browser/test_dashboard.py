"""A national official reads the programme dashboard: filters, a province's
regencies, a chart's CSV, the people behind a bar and one person's journey."""

from __future__ import annotations

import csv
import io

import pytest
from playwright.sync_api import expect

from juragan.seeding import DEMO_PASSWORD
from tests.browser.conftest import SHOTS, WIDTHS
from tests.browser.test_business_plan import sign_in

pytestmark = pytest.mark.browser


def click_bubble(page, chart_id: str, index: int = 0) -> None:
    """Click a point of a Plotly scatter the way a person does: on its centre."""
    point = page.locator(f"#{chart_id} .scatterlayer .point").nth(index)
    point.scroll_into_view_if_needed()
    box = point.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def test_official_filters_drills_downloads_and_opens_a_journey(live_server, browser):
    SHOTS.mkdir(parents=True, exist_ok=True)
    errors: list[str] = []
    desk = browser.new_context(viewport=dict(zip(("width", "height"), WIDTHS["desktop"],
                                                 strict=True)),
                               locale="id-ID", accept_downloads=True)  # fmt: skip
    page = desk.new_page()
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    try:
        sign_in(page, live_server, "pejabat.pusat", DEMO_PASSWORD)
        page.get_by_role("link", name="Dasbor").first.click()
        page.wait_for_selector("#chart-areas .scatterlayer .point")
        expect(page.get_by_role("heading", name="Dasbor program")).to_be_visible()
        page.screenshot(path=str(SHOTS / "dashboard-desktop.png"), full_page=True)
        # Women only: the filter lands in the URL and on every link.
        page.select_option("#sex", "F")
        page.get_by_role("button", name="Tampilkan").click()
        page.wait_for_url("**/dashboard/?*sex=F*")
        page.wait_for_selector("#chart-areas .scatterlayer .point")
        # East Java's bubble is the largest: the provinces are in code order (33,
        # 35, 52) and its bubble drills into its regencies.
        click_bubble(page, "chart-areas", 1)
        page.wait_for_url("**province=35**")
        assert "sex=F" in page.url
        page.wait_for_selector("#chart-areas .scatterlayer .point")
        expect(page.get_by_role("heading", name="Usaha yang berjalan per kabupaten/kota")
               ).to_be_visible()  # fmt: skip
        page.screenshot(
            path=str(SHOTS / "dashboard-province-desktop.png"), full_page=True
        )
        # The table under a chart, without a mouse, and its CSV.
        page.locator("#table-countries summary").press("Enter")
        expect(page.locator("#table-countries table")).to_be_visible()
        with page.expect_download() as download:
            page.locator("#title-countries ~ p a", has_text="CSV").click()
        text = download.value.path().read_text(encoding="utf-8-sig")
        rows = list(csv.reader(io.StringIO(text)))
        assert rows[0] == ["Kode", "Negara", "Purna PMI"]
        assert {row[0] for row in rows[1:]} <= {
            "HK",
            "TW",
            "MY",
            "SG",
            "KR",
            "JP",
            "SA",
            "AE",
        }
        assert sum(int(row[2]) for row in rows[1:]) > 0
        # The people behind the first country, then one person's journey.
        page.locator("#table-countries tbody th a").first.click()
        expect(
            page.get_by_role("heading", name="Purna PMI di balik angka ini")
        ).to_be_visible()
        page.locator("table tbody td a").first.click()
        page.get_by_role("link", name="Perjalanan").click()
        page.wait_for_selector(".js-chart + *, .chart-drawn")
        page.screenshot(path=str(SHOTS / "journey-desktop.png"), full_page=True)
        # Cohorts and repayment draw too.
        for tab in ("Kohort dan kelangsungan", "Pengembalian"):
            page.goto(f"{live_server}/dashboard/")
            page.get_by_role("link", name=tab).click()
            page.wait_for_selector(".chart-drawn")
            name = "cohorts" if tab.startswith("Kohort") else "repayment"
            page.screenshot(path=str(SHOTS / f"dashboard-{name}-desktop.png"),
                            full_page=True)  # fmt: skip
        assert errors == []
    finally:
        desk.close()

    phone = browser.new_context(viewport=dict(zip(("width", "height"), WIDTHS["phone"],
                                                  strict=True)), locale="id-ID")  # fmt: skip
    page = phone.new_page()
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        sign_in(page, live_server, "pejabat.pusat", DEMO_PASSWORD)
        for path, name in (("/dashboard/", "dashboard"), ("/dashboard/cohorts", "cohorts"),
                           ("/dashboard/repayment", "repayment")):  # fmt: skip
            page.goto(f"{live_server}{path}")
            page.wait_for_selector(".chart-drawn .main-svg")
            # Nothing wider than the phone.
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= WIDTHS["phone"][0], (path, width)
            page.screenshot(path=str(SHOTS / f"{name}-phone.png"), full_page=True)
        assert errors == []
    finally:
        phone.close()


def test_a_bank_officer_watches_repayment_on_a_phone(live_server, browser):
    phone = browser.new_context(viewport=dict(zip(("width", "height"), WIDTHS["phone"],
                                                  strict=True)), locale="id-ID")  # fmt: skip
    page = phone.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        sign_in(page, live_server, "bank", DEMO_PASSWORD)
        page.get_by_role("button", name="Menu").click()
        page.get_by_role("link", name="Dasbor").click()
        # The bank's figures are those of its own applicants (a few, in the demo).
        expect(page.get_by_role("heading", level=1)).to_contain_text("Dasbor")
        page.get_by_role("link", name="Pengembalian").click()
        page.wait_for_selector(".chart-drawn .main-svg")
        expect(page.get_by_role("heading", level=1)).to_contain_text("Dasbor")
        # Figures only: no link to the people behind a figure.
        assert page.locator("a[href^='/dashboard/returnees']").count() == 0
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= WIDTHS["phone"][0], width
        page.screenshot(path=str(SHOTS / "bank-repayment-phone.png"), full_page=True)
        page.get_by_role("link", name="Kohort dan kelangsungan").click()
        expect(page.locator("main, body").first).to_contain_text("Kohort")
        page.screenshot(path=str(SHOTS / "bank-cohorts-phone.png"), full_page=True)
        assert errors == []
    finally:
        phone.close()
