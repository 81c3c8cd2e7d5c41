"""Every route, for every role, with real objects behind the ids: never a 5xx.

A guard until the full authorization matrix of issue 8: it fails when a new route
crashes for some role, or when a route is added without an id below to fill it.
"""

import io
import re

import pytest
from PIL import Image

from juragan.models import utcnow
from juragan.services import mentoring
from juragan.services.mentoring import Upload, VisitData
from tests.factories import login

ROLES = ("anonymous", "returnee_user", "mentor", "official_regency", "official_province",
         "official_other", "bank_officer", "admin")  # fmt: skip


@pytest.fixture
def world(db, cast, make_loan, tmp_path, app):
    loan = make_loan(cast, status="repaying")
    photo = io.BytesIO()
    Image.new("RGB", (10, 10)).save(photo, "PNG")
    app.config["UPLOAD_FOLDER"] = str(tmp_path)
    visit, _ = mentoring.record_visit(
        db.session, cast.mentor, cast.returnee,
        VisitData(idempotency_key="w", visited_on=utcnow().date(), mode="home",
                  duration_minutes=10, business_status="operating"),
        [Upload("p.png", photo.getvalue())], tmp_path / "visits", utcnow().date(), utcnow(),
    )  # fmt: skip
    db.session.commit()
    plan = loan.plan
    return {
        "returnee_id": cast.returnee.id, "plan_id": plan.id, "loan_id": loan.id,
        "business_id": loan.business_id, "document_id": loan.documents[0].id,
        "photo_id": visit.photos[0].id, "user_id": cast.mentor.id,
        "placement_id": 999_999, "training_id": 999_999, "kind": "csv",
        "section": "market", "province_code": "35", "token": "not-a-token",
        "comment_id": 999_999, "item_id": 999_999, "name": "countries",
    }  # fmt: skip


def _url(rule, values):
    return re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), rule.rule)


def test_no_route_crashes_for_any_role(client, db, cast, world, app):
    rules = [r for r in app.url_map.iter_rules() if r.endpoint != "static"]
    checked = 0
    failures = []
    for role in ROLES:
        if role != "anonymous":
            login(client, cast.user(role).username)
        for rule in rules:
            url = _url(rule, world)
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                if rule.endpoint in ("auth.logout",):
                    continue
                response = client.open(url, method=method, data={})
                checked += 1
                if response.status_code >= 500:
                    failures.append((role, method, url, response.status_code))
                response.close()
        client.post("/logout")
    assert failures == []
    assert checked > 500
