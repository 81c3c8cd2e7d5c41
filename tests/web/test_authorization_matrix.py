"""The authorization matrix: every route x method x role x relation to the object.

The expected outcome of every case is written here, from what each role should be
able to do, apart from :mod:`juragan.policy` (which the app uses). A route that is
added without an entry in ``SPEC`` fails the test. Every response body is also
scanned: no full NIK where the role may not reveal it, nothing of another region's
person for a regional role.

Outcomes compared: ``ok`` (the page or the action answered: 200, a redirect that is
not to the sign-in page, or a form's 400/409/422), ``forbidden`` (403), ``hidden``
(404), ``login`` (a redirect to the sign-in page).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

import pytest

from juragan.extensions import limiter
from juragan.models import (
    Business,
    BusinessPlan,
    LoanApplication,
    Returnee,
)
from tests.factories import login

ROLES = (
    "anonymous",
    "returnee_user",
    "mentor",
    "official_regency",
    "official_province",
    "official_national",
    "bank_officer",
    "admin",
    "observer",
    "bank_other_lender",
)
#: The lender dimension: every person's loan is with BRI, whose officer of East Java
#: is ``bank_officer``; ``bank_other_lender`` is BNI's officer of East Java, who may
#: do what a bank officer does but sees none of these people or their loans.
OTHER_LENDER = "bank_other_lender"
#: own: the role's own record, or its caseload or region's first person (Sri, Kab.
#: Malang); region: another person of East Java (Kota Surabaya); other: a person of
#: Central Java; missing: an id nobody has.
RELATIONS = ("own", "region", "other", "missing")

ALL3 = frozenset({"own", "region", "other"})
OWN = frozenset({"own"})
PROVINCE = frozenset({"own", "region"})
OFFICIALS = {
    "official_regency": OWN,
    "official_province": PROVINCE,
    "official_national": ALL3,
}
CARERS = {"returnee_user": OWN, "mentor": OWN, **OFFICIALS}
AUTHORS = {"returnee_user": OWN, "mentor": OWN}
REVIEWERS = {"mentor": OWN, **OFFICIALS}
BANK = {"bank_officer": PROVINCE}
#: Who can tell a person's record exists (everyone else gets a 404).
SEES_RECORD = {**CARERS, **BANK, "admin": ALL3}
#: Plans, businesses and loans: administrators never see a family's finances.
SEES_FINANCE = {**CARERS, **BANK}
NOBODY: dict[str, frozenset[str]] = {}


@dataclass(frozen=True)
class Spec:
    """What a route should allow.

    :param on: the object the route acts on (``person``, ``account``) or ``None``.
    :param sees: who can see that object exists, per role (relations).
    :param get, post: who may, per role: relations for an object, or any truthy
        value for a route without one.
    :param public: answers anonymous visitors too.
    :param refused: the outcome for those not allowed (``forbidden`` by default).
    """

    on: str | None = None
    sees: dict[str, frozenset[str]] = field(default_factory=dict)
    get: dict[str, frozenset[str]] | frozenset[str] = field(default_factory=dict)
    post: dict[str, frozenset[str]] | frozenset[str] = field(default_factory=dict)
    public: bool = False
    refused: str = "forbidden"
    #: What an allowed request looks like (signing out ends on the sign-in page).
    success: str = "ok"


def roles(*names: str) -> frozenset[str]:
    return frozenset(names)


SIGNED_IN = roles(*ROLES[1:])
OFFICIAL_ROLES = roles("official_regency", "official_province", "official_national")
#: Who reads the programme's figures (all but officials without the people behind).
FIGURE_READERS = roles(*OFFICIAL_ROLES, "observer", "bank_officer")


def person(get=NOBODY, post=NOBODY, sees=None) -> Spec:
    return Spec(
        on="person", sees=SEES_RECORD if sees is None else sees, get=get, post=post
    )


def finance(get=NOBODY, post=NOBODY) -> Spec:
    return person(get, post, SEES_FINANCE)


#: The world's state: every person has a ready plan with a business, a KUR being
#: repaid (documents, payments), a visit with a photo and an open action item, a
#: comment on the plan, and a pending erasure request. Actions the state does not
#: allow (editing a ready plan, deciding a loan being repaid) are refused to all.
SPEC: dict[str, Spec] = {
    # The public front door.
    "static": Spec(public=True),
    "main.plotly_locale_js": Spec(public=True),
    "main.favicon": Spec(public=True),
    "main.healthz": Spec(public=True),
    "auth.login": Spec(public=True),
    "auth.register": Spec(public=True),
    "auth.set_language": Spec(public=True),
    "auth.accept_invitation": Spec(public=True, refused="hidden"),  # a bad token
    "main.home": Spec(get=SIGNED_IN),
    "auth.logout": Spec(post=SIGNED_IN, success="login"),
    "auth.change_password": Spec(get=SIGNED_IN, post=SIGNED_IN),
    # A forgotten password: anyone may ask (the same answer for every name typed).
    "auth.forgot_password": Spec(public=True),
    "auth.enter_reset_code": Spec(public=True),
    "auth.choose_new_password": Spec(public=True),
    # Each account verifies its own e-mail (and a returnee their phone).
    "auth.contacts": Spec(get=SIGNED_IN),
    "auth.contact_code": Spec(post=SIGNED_IN),
    "auth.verify_contact": Spec(post=SIGNED_IN),
    "reference.list_provinces": Spec(get=SIGNED_IN),
    "reference.view_province": Spec(get=SIGNED_IN),
    # Administration.
    "admin.audit_log": Spec(get=roles("admin")),
    "admin.list_accounts": Spec(get=roles("admin")),
    "admin.lenders": Spec(get=roles("admin"), post=roles("admin")),
    "admin.edit_lender": Spec(get=roles("admin"), post=roles("admin")),
    "admin.create_account": Spec(get=roles("admin"), post=roles("admin")),
    "admin.edit_account": Spec(on="account", get=roles("admin"), post=roles("admin")),
    "admin.set_account_active": Spec(on="account", post=roles("admin")),
    # The registry.
    "returnees.list_returnees": Spec(
        get=roles("mentor", *OFFICIAL_ROLES, "bank_officer", "admin")
    ),
    "returnees.find_returnee": Spec(
        post=roles("mentor", *OFFICIAL_ROLES, "bank_officer", "admin")
    ),
    "returnees.register_returnee": Spec(
        get=roles("mentor", *OFFICIAL_ROLES), post=roles("mentor", *OFFICIAL_ROLES)
    ),
    "returnees.import_returnees": Spec(get=OFFICIAL_ROLES, post=OFFICIAL_ROLES),
    "returnees.confirm_import": Spec(post=OFFICIAL_ROLES),
    "returnees.import_template": Spec(get=OFFICIAL_ROLES),
    # No upload is kept under the world's token, for anyone: officials get the 404
    # a stranger's token gives (the uploader's own download is tested in
    # tests/web/test_registry_files_pages.py).
    "returnees.rejected_rows": Spec(get=OFFICIAL_ROLES, success="hidden"),
    "returnees.export_returnees": Spec(get=OFFICIAL_ROLES, post=OFFICIAL_ROLES),
    "returnees.erasure_requests": Spec(get=OFFICIAL_ROLES),
    "returnees.registration_checks": Spec(get=OFFICIAL_ROLES),
    # No registration check in the world: the one asked for is missing for all.
    "returnees.registration_check": Spec(get=OFFICIAL_ROLES, post=OFFICIAL_ROLES),
    "returnees.change_nik": person(get=CARERS, post=CARERS),
    "returnees.view_returnee": person(get=SEES_RECORD),
    "returnees.edit_returnee": person(get=CARERS, post=CARERS),
    "returnees.reveal_nik": person(post=CARERS),
    "returnees.verify_nik": person(post=OFFICIALS),
    "returnees.invite_returnee": person(post=REVIEWERS),
    # In person, with the KTP: officials of the region (as for checking a NIK).
    "returnees.reset_access": person(get=OFFICIALS, post=OFFICIALS),
    "returnees.journey": person(get=CARERS),
    "returnees.own_data": person(get={"returnee_user": OWN}),
    "returnees.request_erasure": person(post={"returnee_user": OWN}),
    "returnees.decide_erasure": person(post=OFFICIALS),
    # Consent per purpose: the person online, their carers from signed paper.
    "returnees.consents": person(get=CARERS),
    "returnees.give_consent": person(post=CARERS),
    "returnees.withdraw_consent": person(post=CARERS),
    # The scanned forms exist only for those who look after the person.
    "returnees.consent_scan": person(get=CARERS, sees=CARERS),
    "returnees.edit_placement": person(get=CARERS, post=CARERS),
    "returnees.delete_placement": person(post=CARERS),
    "returnees.edit_training": person(get=CARERS, post=CARERS),
    "returnees.delete_training": person(post=CARERS),
    # Plans (ready for the bank: they can be reopened, not edited or reviewed).
    "plans.list_plans": Spec(get=roles("mentor", *OFFICIAL_ROLES, "bank_officer")),
    "plans.my_plans": Spec(get=roles("returnee_user"), refused="hidden"),
    "plans.returnee_plans": person(get=SEES_RECORD, post=AUTHORS),
    "plans.view_plan": finance(get=SEES_FINANCE),
    "plans.compare_versions": finance(get=SEES_FINANCE),
    "plans.proposal": finance(get=SEES_FINANCE),
    "plans.proposal_pdf": finance(get=SEES_FINANCE),
    "plans.verify_proposal": Spec(
        get=roles("mentor", *OFFICIAL_ROLES, "bank_officer", "bank_other_lender"),
        post=roles("mentor", *OFFICIAL_ROLES, "bank_officer", "bank_other_lender"),
    ),
    "plans.edit_section": finance(),
    "plans.find_kbli": finance(),
    "plans.edit_capital": finance(),
    "plans.edit_funding": finance(),
    "plans.edit_projection": finance(),
    "plans.submit_plan": finance(),
    "plans.start_review": finance(),
    "plans.mark_ready": finance(),
    "plans.reopen_plan": finance(post=AUTHORS),
    "plans.activate_plan": finance(post=AUTHORS),
    "plans.add_comment": finance(),
    "plans.resolve_comment": finance(post=CARERS),
    "plans.open_business": finance(),  # the plan has its business already
    "plans.view_business": finance(get=SEES_FINANCE, post=CARERS),
    "plans.edit_business": finance(get=CARERS, post=CARERS),
    # KUR (being repaid: the bank records payments, restructures or writes off).
    "loans.list_loans": Spec(get=roles("mentor", *OFFICIAL_ROLES, "bank_officer")),
    # The lender's desk: each officer sees their own lender's (the other lender's
    # officer gets the page, without these people: the leak check below).
    "loans.queue": Spec(get=roles("bank_officer")),
    "loans.portfolio": Spec(get=roles("mentor", *OFFICIAL_ROLES, "bank_officer")),
    "loans.kur_rules": Spec(get=roles(*OFFICIAL_ROLES, "bank_officer", "admin")),
    "loans.import_payments": Spec(
        get=roles("bank_officer"), post=roles("bank_officer")
    ),
    "loans.my_loans": Spec(get=roles("returnee_user"), refused="hidden"),
    "loans.returnee_loans": person(get=SEES_RECORD),
    # Those who look after the person simulate for them (only authors apply:
    # tests/web/test_simulator_from_plan.py).
    "loans.simulator": person(get=CARERS, post=CARERS),
    "loans.view_loan": finance(get=SEES_FINANCE),
    "loans.download_schedule": finance(get=SEES_FINANCE),
    "loans.download_document": finance(get=SEES_FINANCE),
    "loans.upload_document": finance(),
    "loans.submit_loan": finance(),
    "loans.withdraw_loan": finance(),
    "loans.verify_loan": finance(),
    "loans.decide_loan": finance(),
    "loans.disburse_loan": finance(),
    "loans.record_payment": finance(post=BANK),
    "loans.restructure_loan": finance(post=BANK),
    "loans.prepay_loan": finance(post=BANK),
    "loans.write_off_loan": finance(post=BANK),
    "loans.remind_borrower": finance(post=BANK),
    # Checks come before the disbursement: a loan being repaid takes none.
    "loans.record_check": finance(),
    "loans.record_penalty": finance(post=BANK),
    # The loan is live: the lender's officer may claim (the service refuses below
    # collectibility 5, with a message).
    "loans.submit_claim": finance(post=BANK),
    "loans.answer_claim": finance(post=BANK),
    # Recoveries come after a write-off.
    "loans.record_recovery": finance(),
    # Mentoring.
    "mentoring.assign": Spec(get=OFFICIAL_ROLES, post=OFFICIAL_ROLES),
    # A visit cadence is a province's: regencies follow it, they do not set it.
    "mentoring.cadence": Spec(
        get=roles("official_province", "official_national"),
        post=roles("official_province", "official_national"),
    ),
    "mentoring.returnee_case": person(get=CARERS),
    "mentoring.log_visit": person(get={"mentor": OWN}, post={"mentor": OWN}),
    "mentoring.wellbeing": person(get={"mentor": OWN}, post={"mentor": OWN}),
    # Mentoring records exist only for those who look after the person.
    "mentoring.photo": person(get=CARERS, sees=CARERS),
    "mentoring.close_action": person(post=AUTHORS, sees=CARERS),
    "mentoring.self_report": finance(
        get={"returnee_user": OWN}, post={"returnee_user": OWN}
    ),
    # Dashboards: officials, and observers (figures only).
    "dashboards.programme_dashboard": Spec(get=FIGURE_READERS),
    "dashboards.cohorts_dashboard": Spec(get=FIGURE_READERS),
    "dashboards.repayment_dashboard": Spec(get=FIGURE_READERS),
    "dashboards.download": Spec(get=FIGURE_READERS),
    "dashboards.returnees_behind": Spec(get=OFFICIAL_ROLES),
}

#: Routes that sign the visitor out: the matrix signs in again after them.
SIGNS_OUT = frozenset({"auth.logout", "auth.accept_invitation"})
#: URL values and query strings particular to a route.
PARAMS = {
    "returnees.own_data": {"kind": "json"},
    "admin.edit_lender": {"code": "bri"},
    "auth.contact_code": {"kind": "email"},
    "auth.verify_contact": {"kind": "email"},
    "main.plotly_locale_js": {"locale": "id"},
    "returnees.rejected_rows": {"token": "0" * 32},
}
QUERY = {
    "plans.compare_versions": "?left=1&right=1",
    "returnees.rejected_rows": "?format=csv",
}


def expected(spec: Spec, role: str, relation: str, method: str) -> str:
    if role == OTHER_LENDER:
        if spec.on == "person":
            return (
                "hidden"
                if not spec.public
                else expected(spec, "bank_officer", relation, method)
            )
        role = "bank_officer"
    allowed = spec.get if method == "GET" else spec.post
    if spec.public:
        return "ok" if spec.refused != "hidden" else "hidden"
    if role == "anonymous":
        return "login"
    if spec.on is None:
        return spec.success if role in allowed else spec.refused
    if spec.on == "account":
        if role != "admin":
            return "forbidden"
        return "hidden" if relation == "missing" else "ok"
    if relation == "missing" or relation not in spec.sees.get(role, ()):
        return "hidden"
    return "ok" if relation in allowed.get(role, ()) else "forbidden"


def outcome(response) -> str:
    status = response.status_code
    if status in (301, 302, 303) and "/login" in response.headers.get("Location", ""):
        return "login"
    return {403: "forbidden", 404: "hidden", 405: "method"}.get(
        status, "error" if status >= 500 else "ok"
    )


def _url(rule, values) -> str:
    values = values | PARAMS.get(rule.endpoint, {})
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), rule.rule)
    return path + QUERY.get(rule.endpoint, "")


def _version(db, rule, values) -> str:
    """The version a page would have put in its form: of the route's main object."""
    for key, model in (
        ("loan_id", LoanApplication),
        ("plan_id", BusinessPlan),
        ("business_id", Business),
        ("returnee_id", Returnee),
    ):
        if f"<int:{key}>" in rule.rule:
            found = db.session.get(model, values[key])
            return str(found.version) if found is not None else "1"
    return ""


def _sign_in(client, user) -> None:
    limiter.reset()  # the matrix signs in far more often than a person would
    login(client, user.username)


def _may_reveal(role: str, relation: str) -> bool:
    if role == OTHER_LENDER:
        return False
    return relation in CARERS.get(role, ())


@pytest.mark.slow
def test_every_route_for_every_role_and_relation(app, client, db, cast, world):
    rules = [r for r in app.url_map.iter_rules()]
    unlisted = sorted({r.endpoint for r in rules} - set(SPEC))
    assert unlisted == [], "routes without an entry in SPEC"
    people = {"own": cast.returnee, "region": cast.neighbour, "other": cast.far_away}
    niks = {relation: p.nik for relation, p in people.items()}
    far_name = cast.far_away.full_name
    connection = db.engines[None]
    cases = 0
    mismatches: list[tuple] = []
    leaks: list[tuple] = []
    tally: Counter[str] = Counter()
    for role in ROLES:
        user = None if role == "anonymous" else cast.user(role)
        if user is not None:
            _sign_in(client, user)
        for rule in rules:
            spec = SPEC[rule.endpoint]
            relations = (
                RELATIONS
                if spec.on == "person"
                else (("own", "missing") if spec.on == "account" else ("own",))
            )
            for relation in relations:
                values = world[
                    "missing_account"
                    if spec.on == "account" and relation == "missing"
                    else relation
                ]
                url = _url(rule, values)
                for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                    data = (
                        {"version": _version(db, rule, values)}
                        if method == "POST"
                        else {}
                    )
                    db.session.expire_all()
                    savepoint = connection.begin_nested()
                    try:
                        response = client.open(url, method=method, data=data)
                        got = outcome(response)
                        body = (
                            response.get_data(as_text=True)
                            if (response.mimetype or "").startswith(
                                ("text/", "application/json")
                            )
                            else ""
                        )
                        response.close()
                    finally:
                        savepoint.rollback()
                    cases += 1
                    want = expected(spec, role, relation, method)
                    tally[got] += 1
                    if got != want:
                        mismatches.append((role, method, url, relation, want, got))
                    for whose, nik in niks.items():
                        if nik in body and not _may_reveal(role, whose):
                            leaks.append((role, method, url, "nik", whose))
                    if far_name in body and role not in ("official_national", "admin"):
                        leaks.append((role, method, url, "other region", far_name))
                    if role == OTHER_LENDER:
                        for name in (cast.returnee.full_name, cast.neighbour.full_name):
                            if name in body:
                                leaks.append((role, method, url, "other lender", name))
                    if rule.endpoint in SIGNS_OUT and user is not None:
                        _sign_in(client, user)
        if user is not None:
            client.post("/logout")
    print(
        f"\nauthorization matrix: {cases} cases, {len(mismatches)} mismatches, "
        f"{len(leaks)} leaks; outcomes {dict(tally)}"
    )
    for case in mismatches[:50]:
        print("MISMATCH", *case)
    assert mismatches == []
    assert leaks == []
    assert cases > 2000


def test_other_methods_are_refused_everywhere(app, client, cast, world):
    """What a route does not accept is a 405, never a 5xx or a silent success."""
    login(client, cast.official_province.username)
    refused = 0
    for rule in app.url_map.iter_rules():
        for method in sorted({"GET", "POST", "PUT", "DELETE", "PATCH"} - rule.methods):
            response = client.open(_url(rule, world["own"]), method=method)
            assert response.status_code == 405, (method, rule.rule)
            refused += 1
    assert refused > 300
