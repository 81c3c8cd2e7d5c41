"""axe-core on a crawl of every role's pages, at phone width, and on the first
pages of each role at desktop width (where the menu is open and tables are wide):
no serious or critical violation anywhere (WCAG 2.1 A and AA rules).

The crawl starts at each role's home and follows the links it finds on the app's
own pages (GET only: no form is sent, no download opened, nobody signed out), so a
new page is crawled as soon as some page links to it. axe-core comes from npm
(``package.json``, installed by ``make test``). The app's CSP lets no script in
but its own, so this test alone opens the pages with Playwright's ``bypass_csp``.
The figures per role are written under ``artefacts/axe/``.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest
from playwright.sync_api import Error as PlaywrightError

from juragan.seeding.demo import DEMO_PASSWORD
from tests.browser.conftest import WIDTHS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    # The markup is the same whichever database holds the data: the SQLite run of
    # `make test` crawls it, and the PostgreSQL run spends its minutes elsewhere.
    pytest.mark.skipif(
        bool(os.environ.get("TEST_DATABASE_URL")), reason="crawled in the SQLite run"
    ),
]

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
REPORTS = ROOT / "artefacts" / "axe"
ROLES = (
    "purna",
    "pendamping",
    "pejabat",
    "pejabat.pusat",
    "pejabat.malang",
    "bank",
    "pemantau",
    "admin",
)
#: Pages per role: enough for each kind of page a role has (ids collapse below).
MAX_PAGES = 40
#: At desktop width: the shared layout (the open menu) and the first pages.
MAX_DESKTOP_PAGES = 6
#: Never followed: downloads, leaving, and changing the language.
SKIP = re.compile(
    r"\.(csv|xlsx|pdf|json|png|jpe?g)(\?|$)|/logout|/language|/static/"
    r"|/vendor/|/photo|/documents/\d+|/scan$|/export|format=|/data/|/download"
)
SEVERE = ("serious", "critical")


def _kind(path: str) -> str:
    """A page's kind: its path with numbers as ``N`` and without its query, so
    that one person's page stands for all and the crawl stays bounded."""
    return re.sub(r"\d+", "N", urlparse(path).path)


def _crawl(
    page, base: str, max_pages: int = MAX_PAGES
) -> tuple[list[str], list[tuple[str, dict]]]:
    seen_kinds: set[str] = set()
    queue = ["/"]
    visited: list[str] = []
    severe: list[tuple[str, dict]] = []
    while queue and len(visited) < max_pages:
        path = queue.pop(0)
        if _kind(path) in seen_kinds:
            continue
        seen_kinds.add(_kind(path))
        try:
            response = page.goto(base + path)
        except PlaywrightError:  # a link that downloads a file is not a page
            continue
        if (
            response is None
            or not response.ok
            or "text/html" not in (response.headers.get("content-type", ""))
        ):
            continue
        visited.append(path)
        page.wait_for_load_state("networkidle")
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("""async () => {
            const r = await axe.run(document, {
              runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
              resultTypes: ["violations"]});
            return r.violations.map(v => ({id: v.id, impact: v.impact,
              nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))}));
        }""")
        severe += [(path, v) for v in result if v["impact"] in SEVERE]
        for href in page.eval_on_selector_all(
            "a[href]", "els => els.map(e => e.getAttribute('href'))"
        ):
            target = urljoin(base + path, href)
            parsed = urlparse(target)
            if parsed.netloc != urlparse(base).netloc or SKIP.search(target):
                continue
            local = parsed.path + (f"?{parsed.query}" if parsed.query else "")
            if _kind(local) not in seen_kinds:
                queue.append(local)
    return visited, severe


def _audit(live_server, browser, width: str, role: str, max_pages: int) -> None:
    """Crawls ``role``'s pages at ``width`` and writes its line of the report
    (``artefacts/axe/<width>-<role>.txt``; each role is its own test, so that the
    parallel run spreads the crawl over the workers)."""
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: `make test` installs axe-core with npm ci")
    size = dict(zip(("width", "height"), WIDTHS[width], strict=True))
    context = browser.new_context(viewport=size, locale="id-ID", bypass_csp=True)
    page = context.new_page()
    page.goto(f"{live_server}/login")
    page.fill("#username", role)
    page.fill("#password", DEMO_PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(lambda url: "/login" not in url)
    visited, severe = _crawl(page, live_server, max_pages)
    context.close()
    tally = Counter(v["id"] for _path, v in severe)
    line = f"{role:<16} {len(visited):>5}  {sum(tally.values())} " + " ".join(
        f"{k}×{n}" for k, n in sorted(tally.items())
    )
    REPORTS.mkdir(parents=True, exist_ok=True)
    (REPORTS / f"{width}-{role}.txt").write_text(
        "role             pages  serious/critical\n" + line + "\n"
    )
    print(line)
    assert len(visited) >= 3, (role, visited)
    assert severe == [], "\n".join(f"{role} {p} {v}" for p, v in severe[:30])


@pytest.mark.parametrize("role", ROLES)
def test_no_serious_violation_on_any_page_of_any_role(live_server, browser, role):
    _audit(live_server, browser, "phone", role, MAX_PAGES)


@pytest.mark.parametrize("role", ROLES)
def test_no_serious_violation_at_desktop_width(live_server, browser, role):
    _audit(live_server, browser, "desktop", role, MAX_DESKTOP_PAGES)
