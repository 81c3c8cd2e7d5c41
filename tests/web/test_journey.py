"""The journey page: every lane from the records, and only the lanes a person has."""

import json
import re
from datetime import date, timedelta

from juragan import clock
from juragan.models import Placement, utcnow
from juragan.reports import journey as journey_report
from juragan.services import mentoring
from juragan.services.mentoring import VisitData
from tests.factories import login


def charts_of(html):
    return {
        name: json.loads(data.replace("<\\/", "</"))
        for name, data in re.findall(
            r'data-target="chart-(\w+)">(.*?)</script>', html, flags=re.S
        )
    }


def test_a_person_with_only_a_profile_sees_no_error(client, db, cast):
    login(client, cast.returnee_user.username)
    page = client.get(f"/returnees/{cast.returnee.id}/journey")
    assert page.status_code == 200
    assert charts_of(page.text) == {}
    assert "Belum ada yang tercatat" in page.text


def test_lanes_come_from_the_records(client, db, cast, make_loan, tmp_path):
    db.session.add(
        Placement(
            returnee_id=cast.returnee.id,
            country_code="HK",
            sector="domestic_worker",
            agency_name="PT A",
            departure_date=date(2019, 1, 5),
            contract_months=24,
            return_date=date(2021, 1, 10),
            return_reason="contract_completed",
        )
    )
    db.session.flush()
    loan = make_loan(cast, status="repaying", amount=12_000_000, tenor=12)
    today = clock.today()
    mentoring.record_visit(
        db.session,
        cast.mentor,
        cast.returnee,
        VisitData(
            idempotency_key="j1",
            visited_on=today - timedelta(days=3),
            mode="business",
            duration_minutes=30,
            business_status="operating",
            revenue_last_month_idr=7_000_000,
            observations="Ramai.",
        ),
        [],
        tmp_path,
        today,
        utcnow(),
    )
    db.session.commit()
    found = journey_report.build(db.session, cast.returnee, today)
    lanes = set(found.lanes)
    assert lanes == {"Luar negeri", "Persiapan", "KUR", "Usaha", "Pendampingan"}
    repaying = [
        s for s in found.segments if s.lane == "KUR" and s.label.startswith("1")
    ]
    assert repaying  # the repaid months are current (class 1)
    assert [m.hover for m in found.markers if m.lane == "Pendampingan"] == [
        "Berjalan. Ramai."
    ]
    assert found.balance[0][1] == 12_000_000 - loan.instalments[0].principal_idr
    assert found.revenue[-1][1] == 7_000_000
    login(client, cast.mentor.username)
    page = client.get(f"/returnees/{cast.returnee.id}/journey")
    assert set(charts_of(page.text)) == {"timeline", "revenue", "balance"}


def test_journey_is_for_the_person_and_those_who_care_for_them(client, db, cast):
    for role, expected in (
        ("returnee_user", 200),
        ("mentor", 200),
        ("official_regency", 200),
        ("other_mentor", 404),
        ("official_other", 404),
        ("bank_officer", 404),
        ("admin", 403),
    ):
        login(client, cast.user(role).username)
        assert (
            client.get(f"/returnees/{cast.returnee.id}/journey").status_code == expected
        ), role
        client.post("/logout")


def test_the_return_home_is_a_marker_in_a_legend_and_no_axis_is_in_hours(
    client, db, cast, tmp_path
):
    db.session.add(
        Placement(
            returnee_id=cast.returnee.id,
            country_code="TW",
            sector="caregiver",
            agency_name="PT A",
            departure_date=date(2019, 1, 5),
            contract_months=24,
            return_date=date(2021, 1, 10),
            return_reason="contract_completed",
        )
    )
    today = clock.today()
    mentoring.record_visit(
        db.session,
        cast.mentor,
        cast.returnee,
        VisitData(
            idempotency_key="j2",
            visited_on=today - timedelta(days=2),
            mode="business",
            duration_minutes=30,
            business_status="operating",
            revenue_last_month_idr=5_000_000,
            observations="Baru buka.",
        ),
        [],
        tmp_path,
        today,
        utcnow(),
    )
    db.session.commit()
    login(client, cast.mentor.username)
    charts = charts_of(client.get(f"/returnees/{cast.returnee.id}/journey").text)
    timeline = charts["timeline"]
    legend = {t["name"]: t for t in timeline["data"] if t.get("showlegend")}
    assert set(legend) == {"Pulang ke tanah air", "Kunjungan pendamping"}
    assert legend["Pulang ke tanah air"]["x"] == ["2021-01-10"]
    assert legend["Pulang ke tanah air"]["y"] == ["Luar negeri"]
    assert timeline["layout"]["xaxis"]["tickformat"] == "%b %Y"


def test_date_axes_over_long_spans_are_left_to_plotly():
    axis = journey_report.date_axis([date(2019, 1, 5), date(2026, 1, 1)], "Tanggal")
    assert "range" not in axis
    assert axis["tickformat"] == "%b %Y"
    assert journey_report.date_axis([], "Tanggal")["type"] == "date"
    # One monthly report: a month either side, ticks a month apart.
    one = journey_report.date_axis([date(2027, 3, 1)], "Bulan")
    assert one["range"] == ["2027-02-01", "2027-04-01"]
    assert one["dtick"] == "M1"
