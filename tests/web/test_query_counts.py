"""Every list page and every home page sends as many queries for 15 rows as for 3.

The pages are listed in :data:`LIST_AND_HOME_PAGES` with the role that opens them
and the kind of rows they show; every GET route of the authorization matrix is
either there or in :data:`NOT_LISTS`, so a new page has to be classified (and a new
list page measured) before the suite passes.
"""

from __future__ import annotations

import io
import itertools
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from flask import url_for
from PIL import Image
from sqlalchemy import select

from juragan import clock
from juragan.extensions import limiter
from juragan.models import ErasureRequest, Regency, RegistrationCheck, Role, utcnow
from tests.factories import login
from tests.web.test_authorization_matrix import SPEC

FEW, MANY = 3, 15
#: Regencies of East Java the rows are spread over: a relation loaded per row
#: (a person's regency) shows as a query per regency.
EAST_JAVA = ("35.07", "35.78", "35.73", "35.15", "35.09")


@dataclass(frozen=True)
class ListPage:
    """A page to measure: its endpoint, who opens it, at which path, and the kind
    of rows (a key of :data:`ROW_MAKERS`) whose number must not change its
    count of queries."""

    endpoint: str
    role: str
    path: str
    rows: str


LIST_AND_HOME_PAGES: tuple[ListPage, ...] = (
    # Each role's home page.
    ListPage("main.home", "returnee_user", "/", "own_loans"),
    ListPage("main.home", "mentor", "/", "caseload"),
    ListPage("main.home", "mentor", "/", "loans"),
    ListPage("main.home", "official_regency", "/", "returnees"),
    ListPage("main.home", "official_province", "/", "returnees"),
    ListPage("main.home", "official_province", "/", "loans"),
    ListPage("main.home", "official_national", "/", "returnees"),
    ListPage("main.home", "bank_officer", "/", "loans"),
    ListPage("main.home", "admin", "/", "accounts"),
    ListPage("main.home", "admin", "/", "audit"),
    # One person's lists: their visits, plans and loans (``{returnee}``: Sri, of
    # the mentor's caseload, whose account is ``returnee_user``).
    ListPage(
        "mentoring.returnee_case", "mentor", "/mentoring/returnees/{returnee}", "visits"
    ),
    ListPage(
        "mentoring.returnee_case",
        "official_province",
        "/mentoring/returnees/{returnee}",
        "visits",
    ),
    ListPage(
        "plans.returnee_plans", "returnee_user", "/plans/for/{returnee}", "own_loans"
    ),
    ListPage("plans.returnee_plans", "mentor", "/plans/for/{returnee}", "own_loans"),
    ListPage(
        "loans.returnee_loans", "returnee_user", "/kur/for/{returnee}", "own_loans"
    ),
    ListPage(
        "loans.returnee_loans", "official_province", "/kur/for/{returnee}", "own_loans"
    ),
    # The registry and what officials check in it.
    ListPage(
        "returnees.list_returnees", "official_province", "/returnees/", "returnees"
    ),
    ListPage("returnees.list_returnees", "mentor", "/returnees/", "caseload"),
    ListPage("returnees.list_returnees", "admin", "/returnees/", "returnees"),
    ListPage(
        "returnees.erasure_requests",
        "official_province",
        "/returnees/erasure-requests",
        "erasure_requests",
    ),
    ListPage(
        "returnees.registration_checks",
        "official_province",
        "/returnees/registration-checks",
        "registration_checks",
    ),
    ListPage("mentoring.assign", "official_province", "/mentoring/assign", "returnees"),
    ListPage(
        "mentoring.assign",
        "official_province",
        "/mentoring/assign?show=all",
        "returnees",
    ),
    # Plans.
    ListPage("plans.list_plans", "mentor", "/plans/", "plans"),
    ListPage("plans.list_plans", "official_province", "/plans/", "plans"),
    ListPage("plans.list_plans", "bank_officer", "/plans/", "plans"),
    # Loans: the list, the lender's queue and the portfolio. The arrears list
    # (``/kur/?status=arrears``, ``reports.loans.in_arrears``) is being rebuilt
    # apart, and measured with it.
    ListPage("loans.list_loans", "mentor", "/kur/", "loans"),
    ListPage("loans.list_loans", "official_province", "/kur/", "loans"),
    ListPage("loans.list_loans", "bank_officer", "/kur/", "loans"),
    ListPage("loans.queue", "bank_officer", "/kur/queue", "queued_loans"),
    ListPage("loans.portfolio", "bank_officer", "/kur/portfolio", "loans"),
    ListPage("loans.portfolio", "official_province", "/kur/portfolio", "loans"),
    # Administration.
    ListPage("admin.list_accounts", "admin", "/admin/accounts", "accounts"),
    ListPage("admin.audit_log", "admin", "/admin/audit", "audit"),
    ListPage("admin.lenders", "admin", "/admin/lenders", "branches"),
    # The people behind the dashboards' figures.
    ListPage(
        "dashboards.returnees_behind",
        "official_province",
        "/dashboard/returnees",
        "returnees",
    ),
)

#: GET routes that are neither a list nor a home page: one object's page (its rows
#: are that object's own, bounded), a form, a file, or a figure drawn from the
#: summary tables.
NOT_LISTS = frozenset(
    {
        "static",
        "main.plotly_locale_js",
        "main.favicon",
        "main.healthz",
        "auth.login",
        "auth.register",
        "auth.accept_invitation",
        "auth.change_password",
        "auth.forgot_password",
        "auth.enter_reset_code",
        "auth.choose_new_password",
        "auth.contacts",
        "reference.list_provinces",  # the fixed catalogue, one query
        "reference.view_province",
        "admin.edit_lender",
        "admin.create_account",
        "admin.edit_account",
        "returnees.register_returnee",
        "returnees.import_returnees",
        "returnees.import_template",
        "returnees.rejected_rows",
        "returnees.export_returnees",
        "returnees.registration_check",
        "returnees.change_nik",
        "returnees.view_returnee",
        "returnees.edit_returnee",
        "returnees.reset_access",
        "returnees.journey",
        "returnees.own_data",
        "returnees.consents",
        "returnees.consent_scan",
        "returnees.edit_placement",
        "returnees.edit_training",
        "plans.my_plans",  # a redirect to the person's plans
        "plans.view_plan",
        "plans.compare_versions",
        "plans.proposal",
        "plans.proposal_pdf",
        "plans.verify_proposal",
        "plans.edit_section",
        "plans.find_kbli",
        "plans.edit_capital",
        "plans.edit_funding",
        "plans.edit_projection",
        "plans.open_business",
        "plans.view_business",
        "plans.edit_business",
        "loans.kur_rules",
        "loans.import_payments",
        "loans.my_loans",  # a redirect to the person's loans
        "loans.simulator",
        "loans.view_loan",
        "loans.download_schedule",
        "loans.download_document",
        "mentoring.cadence",
        "mentoring.log_visit",
        "mentoring.wellbeing",
        "mentoring.photo",
        "mentoring.self_report",
        "dashboards.programme_dashboard",
        "dashboards.cohorts_dashboard",
        "dashboards.repayment_dashboard",
        "dashboards.download",
    }
)


def _get_routes(app) -> set[str]:
    return {rule.endpoint for rule in app.url_map.iter_rules() if "GET" in rule.methods}


def _values(path: str) -> dict[str, int]:
    return {"returnee_id": 1} if "{returnee}" in path else {}


def test_every_get_route_is_classified(app):
    """A GET route of the matrix is a measured list or home page, or not a list."""
    listed = {page.endpoint for page in LIST_AND_HOME_PAGES}
    get_routes = _get_routes(app)
    assert set(SPEC) >= get_routes
    assert sorted(get_routes - listed - NOT_LISTS) == []
    assert sorted(listed & NOT_LISTS) == []
    assert sorted((listed | NOT_LISTS) - get_routes) == []
    with app.test_request_context():
        for page in LIST_AND_HOME_PAGES:
            path = page.path.split("?")[0].format(returnee=1)
            assert path == url_for(page.endpoint, **_values(page.path)), page


@pytest.fixture
def rows(app, db, cast, make_user, make_returnee, make_plan, make_loan, tmp_path):
    """``rows[kind](n)`` adds n rows of that kind, in the viewers' scope (East
    Java, Kab. Malang; the mentor's caseload for ``caseload``)."""
    from juragan.db import audit
    from juragan.services import accounts as account_services
    from juragan.services import mentoring
    from juragan.services.mentoring import ActionData, Upload, VisitData

    app.config["UPLOAD_FOLDER"] = str(tmp_path)
    visit_keys = itertools.count()

    spread = itertools.cycle(EAST_JAVA)

    def returnees(n: int) -> None:
        for _ in range(n):
            # Each with a mentor of their own: a lazy load per row shows.
            make_returnee(next(spread), mentor=make_user(Role.MENTOR, "35", "35.07"))

    def caseload(n: int) -> None:
        """People of the mentor's caseload, each visited once with an action open."""
        for _ in range(n):
            returnee = make_returnee("35.07", mentor=cast.mentor)
            mentoring.assign(
                db.session,
                cast.official_province,
                [returnee],
                cast.mentor,
                "",
                utcnow(),
            )
            mentoring.record_visit(
                db.session,
                cast.mentor,
                returnee,
                VisitData(
                    idempotency_key=f"visit-{returnee.id}",
                    visited_on=clock.today(),
                    mode="home",
                    duration_minutes=10,
                    business_status="operating",
                    actions=[ActionData("Catat penjualan", "returnee", clock.today())],
                ),
                [],
                tmp_path,
                clock.today(),
                utcnow(),
            )
            db.session.commit()

    def plans(n: int) -> None:
        for _ in range(n):
            returnee = make_returnee(next(spread), mentor=cast.mentor)
            make_plan(returnee, cast.official_province, cast.mentor, status="ready")

    def loans(n: int, status: str = "repaying") -> None:
        for _ in range(n):
            returnee = make_returnee(next(spread), mentor=cast.mentor)
            make_loan(cast, status=status, returnee=returnee)

    def visits(n: int) -> None:
        """Visits to Sri, each with a photo and an action item."""
        for _ in range(n):
            photo = io.BytesIO()
            Image.new("RGB", (8, 8)).save(photo, "PNG")
            mentoring.record_visit(
                db.session,
                cast.mentor,
                cast.returnee,
                VisitData(
                    idempotency_key=f"visit-{next(visit_keys)}",
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
            db.session.commit()

    def own_loans(n: int) -> None:
        """Sri's KUR applications, each with its plan and business."""
        for _ in range(n):
            make_loan(cast, status="draft")

    def accounts(n: int) -> None:
        for i in range(n):
            make_user(Role.MENTOR, "35", "35.07" if i % 2 else None)

    def audit_entries(n: int) -> None:
        """Changes made by as many accounts."""
        for _ in range(n):
            actor = make_user(Role.OFFICIAL, "35")
            with audit.acting_as(audit.Actor(actor.id, actor.username)):
                make_returnee(next(spread))

    provinces = itertools.cycle(
        db.session.scalars(select(Regency).order_by(Regency.code)).all()
    )

    def branches(n: int) -> None:
        """Branches spread over provinces and regencies."""
        for i in range(n):
            regency = next(provinces)
            account_services.add_branch(
                db.session,
                "bni",
                f"BNI Cabang {i} {regency.name}",
                regency.province_code,
                regency.code,
            )
        db.session.commit()

    def erasure_requests(n: int) -> None:
        for _ in range(n):
            returnee = make_returnee("35.07", mentor=make_user(Role.MENTOR, "35"))
            db.session.add(
                ErasureRequest(returnee_id=returnee.id, requested_at=utcnow())
            )
        db.session.commit()

    def registration_checks(n: int) -> None:
        for _ in range(n):
            returnee = make_returnee("35.07")
            db.session.add(
                RegistrationCheck(
                    user_id=make_user(Role.RETURNEE).id,
                    created_at=utcnow(),
                    reason="nik",
                    matched_returnee_id=returnee.id,
                    province_code="35",
                    regency_code="35.07",
                    profile_ciphertext=None,
                )
            )
        db.session.commit()

    makers: dict[str, Callable[[int], None]] = {
        "returnees": returnees,
        "caseload": caseload,
        "plans": plans,
        "loans": loans,
        "queued_loans": lambda n: loans(n, "verified"),
        "own_loans": own_loans,
        "visits": visits,
        "accounts": accounts,
        "audit": audit_entries,
        "branches": branches,
        "erasure_requests": erasure_requests,
        "registration_checks": registration_checks,
    }
    return makers


def _counts(
    client, cast, count_queries, pages, sent: dict[tuple[str, str], list[str]]
) -> dict[tuple[str, str], int]:
    counts = {}
    for page in pages:
        limiter.reset()
        login(client, cast.user(page.role).username)
        path = page.path.format(returnee=cast.returnee.id)
        # Once to warm what a process caches (catalogues, rule sets), then counted.
        assert client.get(path).status_code == 200, page
        with count_queries() as counter:
            assert client.get(path).status_code == 200, page
        counts[(page.role, page.path)] = counter["n"]
        sent[(page.role, page.path)] = counter["statements"]
        client.post("/logout")
    return counts


ROW_KINDS = sorted({page.rows for page in LIST_AND_HOME_PAGES})


@pytest.mark.parametrize("kind", ROW_KINDS)
def test_queries_do_not_grow_with_rows(
    app, client, db, cast, rows, count_queries, kind
):
    pages = [page for page in LIST_AND_HOME_PAGES if page.rows == kind]
    rows[kind](FEW)
    few = _counts(client, cast, count_queries, pages, {})
    rows[kind](MANY - FEW)
    sent: dict[tuple[str, str], list[str]] = {}
    many = _counts(client, cast, count_queries, pages, sent)
    print(f"\nqueries ({kind}: {FEW} rows -> {MANY} rows)")
    for key in few:
        print(f"  {key[0]:18} {key[1]:40} {few[key]:4} {many[key]:4}")
        if many[key] != few[key]:
            # What repeats is what a row sends: show it to whoever fixes it.
            repeated = Counter(sent[key]).most_common(3)
            for statement, times in repeated:
                print(f"    {times} x {' '.join(statement.split())[:300]}")
    assert many == few
