"""A national official reads the programme dashboard: filters, a province's
regencies, a chart's CSV, the people behind a bar and one person's journey."""

from __future__ import annotations

import csv
import io

import pytest
from playwright.sync_api import expect

from juragan.seeding.demo import DEMO_PASSWORD
from tests.browser.conftest import SHOTS, WIDTHS
from tests.browser.test_business_plan import sign_in

pytestmark = pytest.mark.browser


MAP_DRAWN = "#chart-areas .scatterlayer .js-fill"


def region_point(page, chart_id: str, longitude: float, latitude: float) -> dict:
    """Where a place of the map is on the page, from the map's own axes (the map
    scrolled into view first)."""
    page.locator(f"#{chart_id}").scroll_into_view_if_needed()
    return page.evaluate(
        """([id, lon, lat]) => {
            const gd = document.getElementById(id);
            const box = gd.getBoundingClientRect();
            const x = gd._fullLayout.xaxis, y = gd._fullLayout.yaxis;
            return {x: box.left + x._offset + x.l2p(lon),
                    y: box.top + y._offset + y.l2p(lat)};
        }""",
        [chart_id, longitude, latitude],
    )


def click_region(page, chart_id: str, longitude: float, latitude: float) -> None:
    """Click a region of the map the way a person does: inside its fill."""
    point = region_point(page, chart_id, longitude, latitude)
    page.mouse.click(point["x"], point["y"])


def test_official_filters_drills_downloads_and_opens_a_journey(live_server, browser):
    SHOTS.mkdir(parents=True, exist_ok=True)
    errors: list[str] = []
    desk = browser.new_context(
        viewport=dict(zip(("width", "height"), WIDTHS["desktop"], strict=True)),
        locale="id-ID",
        accept_downloads=True,
    )
    page = desk.new_page()
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    try:
        sign_in(page, live_server, "pejabat.pusat", DEMO_PASSWORD)
        page.get_by_role("link", name="Dasbor").first.click()
        # The map: a filled shape for each of the 38 provinces (and the legend's).
        page.wait_for_selector(MAP_DRAWN)
        assert page.locator(MAP_DRAWN).count() >= 38
        expect(page.get_by_role("heading", name="Dasbor program")).to_be_visible()
        page.screenshot(path=str(SHOTS / "dashboard-desktop.png"), full_page=True)
        # Hovering East Java (inland, near Blitar) names it and gives its figures.
        point = region_point(page, "chart-areas", 112.2, -8.0)
        page.mouse.move(point["x"], point["y"])
        expect(page.locator("#chart-areas .hoverlayer")).to_contain_text("Jawa Timur")
        expect(page.locator("#chart-areas .hoverlayer")).to_contain_text(
            "Usaha berjalan"
        )
        # The map saves as a PNG, like every chart.
        page.locator("#chart-areas").hover()
        with page.expect_download() as picture:
            page.locator(
                "#chart-areas .modebar-btn[data-title='Unduh grafik sebagai PNG']"
            ).click()
        assert picture.value.suggested_filename.endswith(".png")
        # Women only: the filter lands in the URL and on every link.
        page.select_option("#sex", "F")
        page.get_by_role("button", name="Tampilkan", exact=True).click()
        page.wait_for_url("**/dashboard/?*sex=F*")
        page.wait_for_selector(MAP_DRAWN)
        # A click inside East Java drills into its regencies.
        click_region(page, "chart-areas", 112.2, -8.0)
        page.wait_for_url("**province=35**")
        assert "sex=F" in page.url
        page.wait_for_selector(MAP_DRAWN)
        expect(
            page.get_by_role("heading", name="Usaha yang berjalan per kabupaten/kota")
        ).to_be_visible()
        page.screenshot(
            path=str(SHOTS / "dashboard-province-desktop.png"), full_page=True
        )
        # Coloured by another figure: the choice stays in the URL.
        page.select_option("#choice-areas", "returnees")
        page.get_by_role("button", name="Tampilkan di peta").click()
        page.wait_for_url("**map=returnees**")
        assert "province=35" in page.url
        page.wait_for_selector(MAP_DRAWN)
        expect(
            page.get_by_role("heading", name="Purna PMI per kabupaten/kota")
        ).to_be_visible()
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
            page.screenshot(
                path=str(SHOTS / f"dashboard-{name}-desktop.png"), full_page=True
            )
        assert errors == []
    finally:
        desk.close()

    phone = browser.new_context(
        viewport=dict(zip(("width", "height"), WIDTHS["phone"], strict=True)),
        locale="id-ID",
    )
    page = phone.new_page()
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        sign_in(page, live_server, "pejabat.pusat", DEMO_PASSWORD)
        for path, name in (
            ("/dashboard/", "dashboard"),
            ("/dashboard/cohorts", "cohorts"),
            ("/dashboard/repayment", "repayment"),
        ):
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
    phone = browser.new_context(
        viewport=dict(zip(("width", "height"), WIDTHS["phone"], strict=True)),
        locale="id-ID",
    )
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
