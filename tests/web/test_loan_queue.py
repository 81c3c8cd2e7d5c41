"""The lender's work queue (``/kur/queue``), its counts on the bank officer's home
page, and the lender's service level set by an administrator."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
import time_machine
from sqlalchemy import event, select, update

from juragan import clock
from juragan.models import AuditEntry, Lender, LoanApplication, Role, utcnow
from juragan.reports.loan_queue import Cursor
from tests.factories import login

QUEUE = "/kur/queue"
_COPIED = (
    "kind",
    "scheme",
    "rule_set",
    "purpose",
    "tenor_months",
    "rate_percent",
    "applied_on",
    "rate_province_code",
)


@pytest.fixture
def add_loan(db, make_loan, cast):
    """Applications in a state since a given moment, for the queue to show: one made
    through the services, the others copied from it straight into the table (the
    queue reads rows; how they got there is tested elsewhere)."""
    made = []
    slots: dict[int, int] = {}

    def add(
        returnee=None,
        status="verified",
        at=None,
        scheme="mikro",
        amount=20_000_000,
        lender="bri",
    ):
        if not made:
            made.append(make_loan(cast, status="verified"))
        template = made[0]
        returnee = returnee or cast.neighbour
        slot = slots[returnee.id] = slots.get(returnee.id, 0) + 1
        if returnee.id == template.returnee_id:
            slot += 1  # the template holds the first slot
        assert slot <= 2, "at most two active business KUR per person"
        loan = LoanApplication(
            **{name: getattr(template, name) for name in _COPIED},
            returnee_id=returnee.id,
            lender=lender,
            amount_requested_idr=amount,
            business_slot=slot,
            status=status,
            status_changed_at=at or utcnow(),
            created_by_id=template.created_by_id,
        )
        loan.scheme = scheme
        db.session.add(loan)
        db.session.commit()
        return loan

    add.template = lambda: made[0] if made else None
    return add


def days_ago(n: int, hour: int = 3) -> datetime:
    """``n`` days before today's date in East Java, at ``hour``:00 WIB."""
    day = clock.date_in("35") - timedelta(days=n)
    return datetime.combine(day, time(hour), tzinfo=clock.WIB).astimezone(UTC)


def utc(moment: datetime) -> datetime:
    """A stored moment in UTC (SQLite gives it back naive, in UTC)."""
    return (
        moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    )


def row_ids(text: str) -> list[int]:
    return [int(n) for n in re.findall(r">#(\d+)</a>", text)]


def next_after(text: str) -> str | None:
    # The "next page" link (the language form's return address holds this page's).
    found = re.search(
        r'href="/kur/queue\?[^"]*after=(\d+-\d+)[^"]*"[^>]*>[^<]*berikutnya', text
    )
    return found.group(1) if found else None


def test_a_page_cursor_round_trips():
    at = datetime(2026, 12, 1, 17, 30, 5, 123456, tzinfo=UTC)
    cursor = Cursor(at, 42)
    assert Cursor.parse(cursor.token()) == cursor
    # SQLite's naive UTC moment gives the same token.
    assert Cursor(at.replace(tzinfo=None), 42).token() == cursor.token()
    for bad in ("", "abc", "1-", "-1", "1.5-2", "1-2-3", "9" * 17 + "-1", None):
        assert Cursor.parse(bad) is None, bad


def test_the_queue_shows_each_application_with_its_age_and_due_date(
    client, db, cast, make_loan
):
    loan = make_loan(cast, status="verified", amount=12_000_000, tenor=12)
    loan.status_changed_at = days_ago(20)
    db.session.commit()
    login(client, cast.bank_officer.username)
    response = client.get(QUEUE)
    assert response.status_code == 200
    text = response.text
    assert f">#{loan.id}</a>" in text
    assert cast.returnee.full_name in text
    assert "Kabupaten Malang" in text
    assert "KUR Mikro" in text
    assert "Rp12.000.000" in text
    assert "20 hari" in text
    # Verified 20 days ago; BRI decides within 14 days: due 6 days ago.
    assert "Terlambat 6 hari" in text
    assert 'class="table-danger queue-overdue"' in text
    # No NIK or phone of the applicant on the desk (the name and regency only).
    assert cast.returnee.nik not in text
    assert cast.returnee.nik[-4:] not in text
    assert "81234567890" not in text


def test_an_application_on_time_is_not_flagged(client, db, cast, add_loan):
    due_today = add_loan(at=days_ago(14))
    fresh = add_loan(at=days_ago(3))
    login(client, cast.bank_officer.username)
    text = client.get(QUEUE).text
    assert row_ids(text) == [due_today.id, fresh.id, add_loan.template().id]
    assert "14 hari" in text
    assert "3 hari" in text
    assert text.count("Jatuh tempo hari ini") == 1
    assert "Terlambat" not in text.split("<table", 1)[1]
    assert "queue-overdue" not in text


def test_the_age_follows_the_officers_calendar_at_half_past_midnight(
    client, db, cast, add_loan
):
    """Verified at 00:30 WIB (17:30 UTC the day before). At 23:59 WIB fourteen days
    later (16:59 UTC), when UTC dates would count fifteen days and a day late, the
    decision is due today; at 00:30 WIB the next day it is a day late."""
    start = datetime.combine(
        clock.now().date() + timedelta(days=1), time(17, 30), tzinfo=UTC
    )
    loan = add_loan(at=start)
    template = add_loan.template()
    template.status = "submitted"  # only the application under test is to decide
    db.session.commit()
    on_time = start + timedelta(days=14, hours=23, minutes=29)  # 23:59 WIB
    late = start + timedelta(days=15)  # 00:30 WIB
    with time_machine.travel(on_time, tick=False):
        login(client, cast.bank_officer.username)
        text = client.get(QUEUE).text
    assert row_ids(text) == [loan.id]
    assert "14 hari" in text
    assert "Jatuh tempo hari ini" in text
    assert "queue-overdue" not in text
    client.post("/logout")
    with time_machine.travel(late, tick=False):
        login(client, cast.bank_officer.username)
        text = client.get(QUEUE).text
        home = client.get("/").text
    assert "15 hari" in text
    assert "Terlambat 1 hari" in text
    assert "queue-overdue" in text
    assert re.search(r'overdue=y"><div class="stat text-danger">1<', home)


@pytest.mark.parametrize(
    "who",
    ["returnee_user", "mentor", "official_province", "official_national", "admin"],
)
def test_only_bank_officers_have_a_queue(client, cast, who):
    login(client, cast.user(who).username)
    assert client.get(QUEUE).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(QUEUE)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_each_officer_sees_their_lenders_applications_of_their_region(
    client, db, cast, make_user, add_loan
):
    own = add_loan(cast.neighbour, at=days_ago(5))
    far = add_loan(cast.far_away, at=days_ago(30))  # BRI, Central Java
    other_lender = add_loan(cast.neighbour, at=days_ago(30), lender="bni")
    draft = add_loan(cast.far_away, status="draft", at=days_ago(40))
    template = add_loan.template()  # Sri's, BRI, East Java
    views = {
        cast.bank_officer: {template.id, own.id},
        make_user(Role.BANK_OFFICER, "35", lender="bni"): {other_lender.id},
        make_user(Role.BANK_OFFICER, "33", lender="bri"): {far.id},
    }
    for officer, expected in views.items():
        login(client, officer.username)
        text = client.get(QUEUE, query_string={"state": "open"}).text
        assert set(row_ids(text)) == expected, officer.username
        assert draft.id not in row_ids(text)
        counted = re.search(r"Semua yang berjalan <span[^>]*>(\d+)<", text).group(1)
        assert int(counted) == len(expected), officer.username
        home = client.get("/").text
        decide = re.search(r'state=verified"><div class="stat">(\d+)<', home).group(1)
        assert int(decide) == len(expected), officer.username
        client.post("/logout")


def test_tabs_filters_and_counts(client, db, cast, make_returnee, add_loan):
    malang = make_returnee("35.07", full_name="Siti Aminah")
    surabaya = make_returnee("35.78", full_name="Dewi Lestari")
    late = add_loan(malang, at=days_ago(30), scheme="kecil", amount=60_000_000)
    fresh = add_loan(surabaya, at=days_ago(2))
    checking = add_loan(malang, status="submitted", at=days_ago(9))
    to_disburse = add_loan(surabaya, status="approved", at=days_ago(4))
    add_loan(cast.neighbour, status="disbursed", at=days_ago(50))  # not waiting
    template = add_loan.template()  # Sri's, verified today
    login(client, cast.bank_officer.username)

    def ids(**query) -> list[int]:
        response = client.get(QUEUE, query_string=query)
        assert response.status_code == 200, query
        return row_ids(response.text)

    # The longest-waiting first; each tab shows its state.
    assert ids() == [late.id, fresh.id, template.id]
    assert ids(state="verified") == [late.id, fresh.id, template.id]
    assert ids(state="submitted") == [checking.id]
    assert ids(state="approved") == [to_disburse.id]
    assert ids(state="open") == [
        late.id,
        checking.id,
        to_disburse.id,
        fresh.id,
        template.id,
    ]
    assert ids(overdue="y") == [late.id]
    assert ids(state="approved", overdue="y") == [late.id]  # a view of "to decide"
    assert ids(scheme="kecil") == [late.id]
    assert ids(state="open", regency="35.78") == [to_disburse.id, fresh.id]
    assert ids(state="open", q="siti") == [late.id, checking.id]
    assert ids(state="open", q="%") == []  # a wildcard is a character
    assert ids(state="open", q="aminah", regency="35.78") == []
    text = client.get(QUEUE).text
    tabs = re.findall(r'href="/kur/queue\?state=(\w+)">\s*[^<]+<span[^>]*>(\d+)<', text)
    counts = {tab: int(count) for tab, count in tabs}
    assert counts == {"verified": 3, "approved": 1, "submitted": 1, "open": 5}
    assert re.search(r'overdue=y">\s*Terlambat <span[^>]*>1<', text)
    # The counts follow the other filters, the tabs keep them.
    text = client.get(QUEUE, query_string={"regency": "35.78"}).text
    assert re.search(
        r'state=open&amp;regency=35.78">\s*Semua yang berjalan '
        r"<span[^>]*>2<",
        text,
    )


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"state": "everything"}, "Bukan pilihan"),
        ({"scheme": "kur-besar"}, "Bukan pilihan"),
        ({"regency": "33.01"}, "Bukan pilihan"),  # a regency outside the branch's
        ({"regency": "'; DROP TABLE loans; --"}, "Bukan pilihan"),
        ({"q": "x" * 121}, "120"),
        ({"q": "nama\x7f"}, "karakter"),  # a NUL is refused before: a 400
        ({"after": "not-a-cursor"}, "Bukan halaman dari daftar ini."),
        ({"after": "99999999999999999-1"}, "Bukan halaman dari daftar ini."),
        ({"overdue": "maybe", "after": "-5"}, "Bukan halaman"),
    ],
)
def test_bad_filters_are_explained_and_ignored(client, cast, add_loan, query, message):
    loan = add_loan(at=days_ago(20))
    login(client, cast.bank_officer.username)
    response = client.get(QUEUE, query_string=query)
    assert response.status_code == 200
    assert message in response.text
    assert loan.id in row_ids(response.text)


def test_keyset_pages_walk_every_row_once(
    client, db, app, cast, make_returnee, add_loan, monkeypatch
):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 4)
    people = [make_returnee("35.78") for _ in range(6)]
    same_moment = days_ago(12)
    loans = [add_loan(people[n // 2], at=days_ago(30 - n)) for n in range(8)]
    # Three entered their state at the same moment: the id breaks the tie.
    loans += [add_loan(people[4 + n // 2], at=same_moment) for n in range(3)]
    template = add_loan.template()
    expected = sorted(
        loans + [template], key=lambda loan: (utc(loan.status_changed_at), loan.id)
    )
    login(client, cast.bank_officer.username)
    seen, after, pages = [], None, 0
    while True:
        query = {"state": "verified"} | ({"after": after} if after else {})
        text = client.get(QUEUE, query_string=query).text
        page = row_ids(text)
        assert 0 < len(page) <= 4
        seen += page
        pages += 1
        assert pages <= 3
        after = next_after(text)
        if after is None:
            break
        # A row added meanwhile, long waiting, shows on no later page: no page
        # shifts (an OFFSET would repeat a row here).
        if pages == 1:
            add_loan(people[5], at=days_ago(60))
    assert pages == 3
    assert seen == [loan.id for loan in expected]
    assert len(set(seen)) == len(seen)


@pytest.fixture
def statements(db):
    """The SQL statements sent meanwhile: ``with statements() as sent:``."""
    from contextlib import contextmanager

    connection = db.engines[None]

    @contextmanager
    def capture():
        sent: list[str] = []

        def keep(_conn, _cursor, statement, *_args):
            sent.append(statement)

        event.listen(connection, "before_cursor_execute", keep)
        try:
            yield sent
        finally:
            event.remove(connection, "before_cursor_execute", keep)

    return capture


def test_one_query_for_the_rows_and_one_for_the_counts(
    client, db, cast, make_returnee, add_loan, statements
):
    login(client, cast.bank_officer.username)
    add_loan(at=days_ago(20))
    client.get(QUEUE)  # warm: the first request loads what every request caches

    def sent_for_page() -> list[str]:
        with statements() as sent:
            text = client.get(QUEUE).text
        assert "queue-table" in text
        return sent

    few = sent_for_page()
    for n in range(8):
        add_loan(make_returnee("35.78"), at=days_ago(n))
    many = sent_for_page()
    assert len(many) == len(few)  # no statement per row
    rows = [s for s in many if "ORDER BY loan_applications.status_changed_at" in s]
    # The counts are a bank officer's: from the loan facts.
    grouped = [s for s in many if "GROUP BY loan_facts.status" in s]
    assert len(rows) == 1
    assert len(grouped) == 1
    # The next page starts after the last row's (moment, id), not at a row count,
    # on the facts that find the page and on the rows loaded.
    with statements() as sent:
        client.get(QUEUE, query_string={"after": Cursor(days_ago(5), 1).token()})
    rows = [s for s in sent if "ORDER BY loan_applications.status_changed_at" in s]
    assert "(loan_applications.status_changed_at, loan_applications.id) >" in rows[0]
    assert "(loan_facts.status_changed_at, loan_facts.loan_id) >" in rows[0]


def test_home_counts_link_to_the_filtered_queue(
    client, db, cast, make_returnee, add_loan
):
    add_loan(at=days_ago(20))
    add_loan(make_returnee("35.78"), at=days_ago(15))
    add_loan(make_returnee("35.78"), status="approved", at=days_ago(1))
    add_loan(make_returnee("35.78"), status="submitted", at=days_ago(1))
    login(client, cast.bank_officer.username)
    home = client.get("/").text
    assert re.search(r'href="/kur/queue\?state=verified"><div class="stat">3<', home)
    assert re.search(
        r'href="/kur/queue\?state=verified&amp;overdue=y"><div class="stat '
        r'text-danger">2<',
        home,
    )
    assert re.search(r'href="/kur/queue\?state=approved"><div class="stat">1<', home)
    assert "Antrean kerja Anda" in home
    overdue = client.get("/kur/queue?state=verified&overdue=y").text
    assert len(row_ids(overdue)) == 2
    # Officials keep their own card (applications to check), not the desk.
    client.post("/logout")
    login(client, cast.official_province.username)
    assert "Antrean kerja Anda" not in client.get("/").text


# The lender's service level -----------------------------------------------------


def test_admin_sets_a_lenders_service_level_and_it_is_audited(
    client, db, cast, add_loan
):
    loan = add_loan(at=days_ago(20))
    login(client, cast.admin.username)
    page = client.get("/admin/lenders/bri")
    assert page.status_code == 200
    assert 'value="14"' in page.text
    # A text box: a number input would show nothing for "1,50" (nor take a comma).
    assert re.search(
        r'id="min_repayment_coverage"[^>]*type="text" value="1,50"', page.text
    )
    response = client.post(
        "/admin/lenders/bri",
        data={"decision_sla_days": "21", "min_repayment_coverage": "1,75"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    lender = db.session.get(Lender, "bri")
    assert lender.decision_sla_days == 21
    assert lender.min_repayment_coverage == Decimal("1.75")
    entry = db.session.scalar(
        select(AuditEntry)
        .where(AuditEntry.table_name == "lenders")
        .order_by(AuditEntry.id.desc())
    )
    assert entry.action == "update"
    assert entry.object_id == "bri"
    assert entry.actor_id == cast.admin.id
    assert entry.changes == {
        "decision_sla_days": [14, 21],
        "min_repayment_coverage": ["1.50", "1.75"],
    }
    assert "keputusan dalam 21 hari" in client.get("/admin/lenders").text
    client.post("/logout")
    # Verified 20 days ago: on time under 21 days, due tomorrow.
    login(client, cast.bank_officer.username)
    text = client.get(QUEUE).text
    assert loan.id in row_ids(text)
    assert "queue-overdue" not in text
    assert "paling lambat 21 hari" in text


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"decision_sla_days": "0"}, "decision_sla_days", "Antara 1 dan 90 hari."),
        ({"decision_sla_days": "91"}, "decision_sla_days", "Antara 1 dan 90 hari."),
        ({"decision_sla_days": "-3"}, "decision_sla_days", "Antara 1 dan 90 hari."),
        ({"decision_sla_days": "empat"}, "decision_sla_days", "Bilangan bulat"),
        ({"decision_sla_days": ""}, "decision_sla_days", "Isi jumlah hari."),
        (
            {"min_repayment_coverage": "0,9"},
            "min_repayment_coverage",
            "Antara 1 dan 5 kali angsuran.",
        ),
        ({"min_repayment_coverage": "NaN"}, "min_repayment_coverage", "desimal"),
        ({"min_repayment_coverage": "-Infinity"}, "min_repayment_coverage", "desimal"),
        ({"min_repayment_coverage": "1e99"}, "min_repayment_coverage", "desimal"),
        (
            {"min_repayment_coverage": "5,01"},
            "min_repayment_coverage",
            "Antara 1 dan 5 kali angsuran.",
        ),
        ({"min_repayment_coverage": "satu"}, "min_repayment_coverage", "desimal"),
    ],
)
def test_a_bad_service_level_is_shown_beside_its_field(
    client, db, cast, data, field, message
):
    before = lender_audit_entries(db)
    login(client, cast.admin.username)
    form = {"decision_sla_days": "14", "min_repayment_coverage": "1,5"} | data
    response = client.post("/admin/lenders/bri", data=form)
    assert response.status_code == 422
    assert re.search(rf'class="[^"]*is-invalid[^"]*" id="{field}"', response.text)
    after_field = response.text.split(f'id="{field}"', 1)[1]
    feedback = re.search(r'class="invalid-feedback">([^<]*)<', after_field).group(1)
    assert message in feedback
    db.session.expire_all()
    lender = db.session.get(Lender, "bri")
    assert lender.decision_sla_days == 14
    assert lender.min_repayment_coverage == Decimal("1.50")
    assert lender_audit_entries(db) == before


def lender_audit_entries(db) -> int:
    return db.session.scalar(
        select(sa.func.count(AuditEntry.id)).where(AuditEntry.table_name == "lenders")
    )


def test_the_database_refuses_a_service_level_out_of_range(db):
    """The form and the service check the range; the database has the last word."""
    connection = db.engines[None]
    lenders = Lender.__table__
    for days in (0, 91):
        with pytest.raises(sa.exc.IntegrityError), connection.begin_nested():
            connection.execute(
                update(lenders)
                .where(lenders.c.code == "bri")
                .values(decision_sla_days=days)
            )


def test_an_unknown_lender_is_not_found(client, cast):
    login(client, cast.admin.username)
    assert client.get("/admin/lenders/nope").status_code == 404
    client.post("/logout")
    login(client, cast.bank_officer.username)
    assert client.get("/admin/lenders/bri").status_code == 403
