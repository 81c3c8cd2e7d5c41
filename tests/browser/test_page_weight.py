"""What a chart page costs on a phone's first visit: the bytes on the wire per page
(printed and written to ``artefacts/page-weight.txt``; never asserted as a budget),
the plotly.js bundle compressed, and the charts drawn with Plotly's Indonesian
locale (its toolbar in Indonesian)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from juragan.extensions import db
from juragan.models import BusinessPlan, LoanApplication, Returnee
from juragan.seeding.demo import DEMO_PASSWORD
from tests.browser.conftest import SHOTS, WIDTHS
from tests.browser.test_business_plan import sign_in

pytestmark = pytest.mark.browser
REPORT = Path(__file__).resolve().parents[2] / "artefacts" / "page-weight.txt"


def _pages(live_app) -> dict[str, str]:
    """A chart page of each kind in Jawa Timur, the demo official's province."""
    with live_app.app_context():
        plan = db.session.scalar(
            select(BusinessPlan)
            .join(Returnee)
            .where(Returnee.province_code == "35", BusinessPlan.status == "ready")
            .order_by(BusinessPlan.id)
        )
        loan = db.session.scalar(
            select(LoanApplication)
            .join(Returnee)
            .where(
                Returnee.province_code == "35",
                LoanApplication.status.in_(("repaying", "disbursed")),
            )
            .order_by(LoanApplication.id)
        )
        return {
            "dashboard": "/dashboard/",
            "plan": f"/plans/{plan.id}",
            "loan": f"/kur/{loan.id}",
            "journey": f"/returnees/{plan.returnee_id}/journey",
        }


def test_chart_pages_on_a_phones_first_visit(live_server, live_app, browser):
    SHOTS.mkdir(parents=True, exist_ok=True)
    size = dict(zip(("width", "height"), WIDTHS["phone"], strict=True))
    signing = browser.new_context(viewport=size, locale="id-ID")
    page = signing.new_page()
    sign_in(page, live_server, "pejabat", DEMO_PASSWORD)
    session = signing.storage_state()
    signing.close()
    lines = ["page                 requests   on the wire   uncompressed"]
    for name, path in _pages(live_app).items():
        # A new context each time: an empty cache, as on a first visit.
        context = browser.new_context(
            viewport=size, locale="id-ID", storage_state=session
        )
        page = context.new_page()
        finished = []
        page.on("requestfinished", lambda request, into=finished: into.append(request))
        errors: list[str] = []
        page.on("pageerror", lambda e, errors=errors: errors.append(str(e)))
        page.goto(live_server + path)
        page.wait_for_selector(".js-plotly-plot .main-svg")
        page.wait_for_load_state("networkidle")
        wire = raw = 0
        bundle_encoding = None
        for request in finished:
            sizes = request.sizes()
            wire += sizes["responseBodySize"] + sizes["responseHeadersSize"]
            response = request.response()
            body = response.body() if response is not None else b""
            raw += len(body) + sizes["responseHeadersSize"]
            if "plotly-cartesian" in request.url and response is not None:
                bundle_encoding = response.headers.get("content-encoding")
        assert errors == []
        assert bundle_encoding in ("br", "gzip")
        # The toolbar speaks Indonesian: the locale written from the catalogues.
        titles = page.eval_on_selector_all(
            ".modebar-btn", "els => els.map(e => e.getAttribute('data-title'))"
        )
        assert "Unduh grafik sebagai PNG" in titles, titles
        page.screenshot(path=str(SHOTS / f"weight-{name}-phone.png"), full_page=True)
        lines.append(f"{name:<20} {len(finished):>8} {wire:>13,} {raw:>14,}")
        context.close()
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
