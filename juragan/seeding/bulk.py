"""Bulk generation: N synthetic returnees with their journeys, plans, loans and
visits, written in batches straight to the tables (for load and dashboard work).

The rows come from ``juragan.seeding.people`` and the plan, loan and visit drawers;
they skip the services (and so the audit) on purpose: a million people through the
services would take hours.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime, time, timedelta
from operator import itemgetter
from typing import Any

from psycopg.types.json import Json
from sqlalchemy import JSON, func, insert, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from juragan import consent_rules
from juragan.dashboards import summaries
from juragan.db import scope
from juragan.models import (
    Business,
    BusinessPlan,
    BusinessReport,
    BusinessStatusChange,
    CapitalItem,
    ConsentMethod,
    ConsentRecord,
    FundingSource,
    Instalment,
    LoanApplication,
    LoanCheck,
    LoanTransition,
    Payment,
    Placement,
    PlanVersion,
    ProjectionMonth,
    Returnee,
    Training,
    Visit,
    WellbeingCheck,
)
from juragan.models.dashboard import SUMMARY_MODELS
from juragan.seeding.loans import (
    loan_rows,
)
from juragan.seeding.mentoring import visit_rows
from juragan.seeding.people import SYNTHETIC_CONSENTS, SyntheticPeople
from juragan.seeding.plans import (
    content_of_drawn,
    synthetic_nib,
    synthetic_plan,
)

_RETURNEE_COLUMNS = (
    "id",
    "nik_ciphertext",
    "nik_hash",
    "full_name",
    "sex",
    "birth_date",
    "phone",
    "province_code",
    "regency_code",
    "district",
    "village",
    "education",
    "marital_status",
    "dependants",
    "created_at",
    "updated_at",
)
_CONSENT_COLUMNS = (
    "id",
    "returnee_id",
    "purpose",
    "wording_version",
    "wording",
    "method",
    "given_at",
    "form_reference",
)
_PLACEMENT_COLUMNS = (
    "id",
    "returnee_id",
    "country_code",
    "sector",
    "occupation",
    "agency_name",
    "is_independent",
    "departure_date",
    "contract_months",
    "return_date",
    "return_reason",
    "salary_foreign",
    "salary_currency",
    "salary_idr",
    "remittances_idr",
    "savings_idr",
    "skills",
    "created_at",
    "updated_at",
)
_TRAINING_COLUMNS = (
    "id",
    "returnee_id",
    "title",
    "kind",
    "stage",
    "organiser",
    "start_date",
    "end_date",
    "certificate",
    "created_at",
    "updated_at",
)
_PLAN_COLUMNS = (
    "id",
    "returnee_id",
    "is_active",
    "status",
    "is_revised",
    "business_name",
    "legal_form",
    "sector",
    "kbli_section",
    "kbli_code",
    "province_code",
    "regency_code",
    "district",
    "planned_start",
    "description",
    "target_market",
    "competitors",
    "marketing",
    "operations",
    "suppliers",
    "equipment",
    "workers_planned",
    "risks",
    "projection_months",
    "kur_tenor_months",
    "kur_rate_percent",
    "created_at",
    "updated_at",
)
_LINE_COLUMNS = ("id", "plan_id", "position", "kind", "description", "amount_idr")
_MONTH_COLUMNS = (
    "plan_id",
    "month",
    "sales_idr",
    "cogs_idr",
    "operating_costs_idr",
    "owner_draw_idr",
)
_VERSION_COLUMNS = ("id", "plan_id", "number", "submitted_at", "content")
_BUSINESS_COLUMNS = (
    "id",
    "returnee_id",
    "plan_id",
    "name",
    "legal_form",
    "sector",
    "kbli_section",
    "kbli_code",
    "province_code",
    "regency_code",
    "district",
    "opened_on",
    "nib",
    "workers_family",
    "workers_paid",
    "status",
    "status_since",
    "created_at",
    "updated_at",
)
_CHANGE_COLUMNS = (
    "id",
    "business_id",
    "from_status",
    "to_status",
    "changed_on",
    "close_reason",
    "recorded_at",
)
_LOAN_COLUMNS = (
    "id",
    "returnee_id",
    "kind",
    "business_id",
    "plan_id",
    "placement_id",
    "lender",
    "scheme",
    "rule_set",
    "purpose",
    "amount_requested_idr",
    "tenor_months",
    "access_number",
    "rate_percent",
    "has_npwp",
    "npwp_ciphertext",
    "npwp_hash",
    "other_credit_mask",
    "rate_province_code",
    "business_slot",
    "interest_only_months",
    "status",
    "applied_on",
    "submitted_at",
    "decided_at",
    "decision_reason",
    "amount_disbursed_idr",
    "akad_on",
    "disbursed_on",
    "first_due_on",
    "is_sikp_registered",
    "created_at",
    "updated_at",
    "status_changed_at",
)
_CHECK_COLUMNS = (
    "id",
    "loan_id",
    "kind",
    "result",
    "worst_collectibility",
    "reference",
    "reason",
    "note",
    "checked_on",
    "recorded_at",
)
_TRANSITION_COLUMNS = ("id", "loan_id", "from_status", "to_status", "at", "reason")
_INSTALMENT_COLUMNS = (
    "loan_id",
    "number",
    "due_on",
    "principal_idr",
    "interest_idr",
    "paid_principal_idr",
    "paid_interest_idr",
    "settled_on",
)
_PAYMENT_COLUMNS = (
    "id",
    "loan_id",
    "paid_on",
    "amount_idr",
    "reference",
    "recorded_at",
)
_VISIT_COLUMNS = (
    "id",
    "returnee_id",
    "business_id",
    "mentor_id",
    "visited_on",
    "mode",
    "duration_minutes",
    "location_consent",
    "latitude",
    "longitude",
    "topics",
    "observations",
    "business_status",
    "revenue_last_month_idr",
    "workers_family",
    "workers_paid",
    "problems",
    "next_visit_on",
    "idempotency_key",
    "created_at",
)
_REPORT_COLUMNS = (
    "id",
    "business_id",
    "month",
    "source",
    "status",
    "revenue_idr",
    "workers_family",
    "workers_paid",
    "visit_id",
    "reported_at",
)
_WELLBEING_COLUMNS = (
    "id",
    "returnee_id",
    "visit_id",
    "taken_on",
    "answers",
    "economic",
    "social",
    "psychosocial",
    "overall",
)
#: In insertion order: every table after the ones it points at.
_TABLES = (
    (Returnee, _RETURNEE_COLUMNS),
    (ConsentRecord, _CONSENT_COLUMNS),
    (Placement, _PLACEMENT_COLUMNS),
    (Training, _TRAINING_COLUMNS),
    (BusinessPlan, _PLAN_COLUMNS),
    (CapitalItem, _LINE_COLUMNS),
    (FundingSource, _LINE_COLUMNS),
    (ProjectionMonth, _MONTH_COLUMNS),
    (PlanVersion, _VERSION_COLUMNS),
    (Business, _BUSINESS_COLUMNS),
    (BusinessStatusChange, _CHANGE_COLUMNS),
    (LoanApplication, _LOAN_COLUMNS),
    (LoanTransition, _TRANSITION_COLUMNS),
    (Instalment, _INSTALMENT_COLUMNS),
    (Payment, _PAYMENT_COLUMNS),
    (LoanCheck, _CHECK_COLUMNS),
    (Visit, _VISIT_COLUMNS),
    (BusinessReport, _REPORT_COLUMNS),
    (WellbeingCheck, _WELLBEING_COLUMNS),
)
_LOAN_MODELS = {
    "loan": LoanApplication,
    "transition": LoanTransition,
    "instalment": Instalment,
    "payment": Payment,
    "check": LoanCheck,
    "visit": Visit,
    "report": BusinessReport,
    "wellbeing": WellbeingCheck,
}
#: Tables whose rows carry their own id (the projection's key is plan and month).
_WITH_IDS = tuple(model for model, columns in _TABLES if columns[0] == "id")


def _write(
    connection: Connection, model: Any, columns: Sequence[str], rows: list[dict]
) -> None:
    """COPY on PostgreSQL (psycopg 3 escapes and adapts), multi-row INSERT elsewhere."""
    if not rows:
        return
    table = model.__table__
    if "disclosure_key" in table.c and "disclosure_key" not in columns:
        # Synthetic people's keys follow their ids, so that a seed gives the same
        # figures every time (real records draw theirs at random).
        columns = (*columns, "disclosure_key")
        rows = [
            {**row, "disclosure_key": _synthetic_key(model, row["id"])} for row in rows
        ]
    if connection.dialect.name != "postgresql":
        connection.execute(
            insert(table), [{c: row[c] for c in columns} for row in rows]
        )
        return
    values = itemgetter(*columns)
    json_columns = [
        c.name for c in table.columns if isinstance(c.type, JSON) and c.name in columns
    ]
    if json_columns:  # psycopg needs to be told which values are JSON
        rows = [{**row, **{c: Json(row[c]) for c in json_columns}} for row in rows]
    raw = connection.connection.driver_connection
    statement = f"COPY {table.name} ({', '.join(columns)}) FROM STDIN"
    with raw.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(values(row))


def _synthetic_key(model: Any, row_id: int) -> int:
    digest = hashlib.blake2b(f"{model.__tablename__}:{row_id}".encode(), digest_size=2)
    return int.from_bytes(digest.digest(), "big")


def _next_id(session: Session, model: Any) -> int:
    return (session.scalar(select(func.max(model.id))) or 0) + 1


class _Batches:
    """Draws batches of people with explicit ids for every table."""

    def __init__(self, session: Session, seed: int) -> None:
        self.people = SyntheticPeople(session, seed)
        self.ids = {model: _next_id(session, model) for model in _WITH_IDS}
        self.stamp = {"created_at": self.people.now, "updated_at": self.people.now}

    def _next(self, model: Any) -> int:
        number = self.ids[model]
        self.ids[model] += 1
        return number

    def draw(self, size: int) -> dict[Any, list[dict[str, Any]]]:
        people, stamp = self.people, self.stamp
        batch: dict[Any, list[dict[str, Any]]] = {model: [] for model, _ in _TABLES}
        for _ in range(size):
            person = people.person()
            returnee_id = self._next(Returnee)
            person.update(stamp, id=returnee_id, **people.vault.stored(person["nik"]))
            batch[Returnee].append(person)
            for purpose in SYNTHETIC_CONSENTS:
                consent_id = self._next(ConsentRecord)
                batch[ConsentRecord].append(
                    {
                        "id": consent_id,
                        "returnee_id": returnee_id,
                        "purpose": purpose.value,
                        "wording_version": consent_rules.WORDING_VERSION,
                        "wording": people.consent_wording[purpose],
                        "method": ConsentMethod.PAPER_ARCHIVE.value,
                        "given_at": people.now,
                        "form_reference": f"SINTETIS/{returnee_id}",
                    }
                )
            journey = people.placements(person)
            for model, rows in (
                (Placement, journey),
                (Training, people.trainings(person, journey)),
            ):
                for row in rows:
                    row.update(stamp, id=self._next(model), returnee_id=returnee_id)
                    batch[model].append(row)
            drawn = synthetic_plan(people.rng, person, journey, people.as_of)
            if drawn is not None:
                self._add_plan(batch, returnee_id, drawn)
        return batch

    def _add_plan(
        self,
        batch: dict[Any, list[dict[str, Any]]],
        returnee_id: int,
        drawn: dict[str, Any],
    ) -> None:
        plan_id = self._next(BusinessPlan)
        values = drawn["plan"]
        batch[BusinessPlan].append(
            {**values, **self.stamp, "id": plan_id, "returnee_id": returnee_id}
        )
        for model, lines in (
            (CapitalItem, drawn["capital"]),
            (FundingSource, drawn["funding"]),
        ):
            for position, (kind, description, amount) in enumerate(lines, start=1):
                batch[model].append(
                    {
                        "id": self._next(model),
                        "plan_id": plan_id,
                        "position": position,
                        "kind": kind,
                        "description": description,
                        "amount_idr": amount,
                    }
                )
        for month, sales, cogs, costs, draw in drawn["months"]:
            batch[ProjectionMonth].append(
                {
                    "plan_id": plan_id,
                    "month": month,
                    "sales_idr": sales,
                    "cogs_idr": cogs,
                    "operating_costs_idr": costs,
                    "owner_draw_idr": draw,
                }
            )
        if values["status"] != "draft":
            submitted = min(
                values["planned_start"] - timedelta(days=30), self.people.as_of
            )
            batch[PlanVersion].append(
                {
                    "id": self._next(PlanVersion),
                    "plan_id": plan_id,
                    "number": 1,
                    "submitted_at": datetime.combine(submitted, time(9), UTC),
                    "content": content_of_drawn(drawn),
                }
            )
        business = drawn["business"]
        if business is None:
            return
        business_id = self._next(Business)
        row = {key: value for key, value in business.items() if not key.startswith("_")}
        row.update(
            self.stamp,
            id=business_id,
            returnee_id=returnee_id,
            plan_id=plan_id,
            nib=synthetic_nib(business_id) if business["_has_nib"] else None,
        )
        batch[Business].append(row)
        opening = {
            "from_status": None,
            "to_status": "operating",
            "changed_on": business["opened_on"],
            "close_reason": None,
        }
        for change in (opening, *drawn["changes"]):
            batch[BusinessStatusChange].append(
                {
                    **change,
                    "id": self._next(BusinessStatusChange),
                    "business_id": business_id,
                    "recorded_at": self.people.now,
                }
            )
        kur = sum(amount for kind, _, amount in drawn["funding"] if kind == "kur")
        loan = loan_rows(
            self.people.rng,
            lambda name: self._next(_LOAN_MODELS[name]),
            returnee_id,
            row,
            {**values, "id": plan_id},
            kur,
            self.people.as_of,
            self.people.now,
        )
        for name, rows in (loan or {}).items():
            batch[_LOAN_MODELS[name]].extend(rows)
        visits = visit_rows(
            self.people.rng,
            lambda name: self._next(_LOAN_MODELS[name]),
            returnee_id,
            row,
            drawn["changes"],
            [m[1] for m in drawn["months"]],
            self.people.as_of,
            self.people.now,
        )
        for name, rows in visits.items():
            batch[_LOAN_MODELS[name]].extend(rows)


def _write_batch(
    connection: Connection, batch: dict[Any, list[dict[str, Any]]]
) -> None:
    for model, columns in _TABLES:  # returnees first: the others point at them
        _write(connection, model, columns, batch[model])


def generate_returnees(
    session: Session, count: int, seed: int, batch_size: int = 20_000
) -> int:
    """Bulk-insert ``count`` synthetic returnees with placements and trainings, and
    for about a third of those home for a while a business plan (and often the
    business it became; see :mod:`juragan.seeding.plans`).

    Deterministic for a given ``seed`` on a given database (NIK serials start above
    those already stored). COPY on PostgreSQL, multi-row inserts elsewhere; bulk rows
    bypass the ORM and so the per-row audit trail (seeding is not a change anyone
    made), and the dashboards' summary tables are rebuilt once at the end. Ids are given explicitly, so placements can point at their returnee
    within one batch; on PostgreSQL the tables are locked against other writers
    until the transaction ends, one thread draws the next batch while another
    copies the last, and the id sequences are moved past the new rows at the end.
    Returns the number of returnees.
    """
    with scope.system("seeding"):
        return _generate_returnees(session, count, seed, batch_size)


def _generate_returnees(
    session: Session, count: int, seed: int, batch_size: int
) -> int:
    connection = session.connection()
    postgres = connection.dialect.name == "postgresql"
    if postgres:
        connection.exec_driver_sql(
            "LOCK TABLE "
            + ", ".join(model.__tablename__ for model, _ in _TABLES)
            + " IN SHARE ROW EXCLUSIVE MODE"
        )
    batches = _Batches(session, seed)
    sizes = [min(batch_size, count - start) for start in range(0, count, batch_size)]
    if not postgres:
        for size in sizes:
            _write_batch(connection, batches.draw(size))
        summaries.rebuild_all(session)
        return sum(sizes)
    # The server indexes one batch while the next is drawn: a single writer thread
    # owns the connection meanwhile (this thread does no SQL until it is done).
    with ThreadPoolExecutor(max_workers=1) as writer:
        pending: Future[None] | None = None
        for size in sizes:
            batch = batches.draw(size)
            if pending is not None:
                pending.result()  # re-raises the writer's error, if any
            pending = writer.submit(_write_batch, connection, batch)
        if pending is not None:
            pending.result()
    for model, _ in _TABLES:
        table = model.__tablename__
        if model not in _WITH_IDS:
            connection.exec_driver_sql(f"ANALYZE {table}")
            continue
        # Explicit ids were written: the next default id follows the largest.
        connection.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608 - table names are ours
                f"COALESCE(MAX(id), 0) + 1, false) FROM {table}"
            )
        )
        connection.exec_driver_sql(f"ANALYZE {table}")
    summaries.rebuild_all(session)
    for model in SUMMARY_MODELS:
        connection.exec_driver_sql(f"ANALYZE {model.__tablename__}")
    return sum(sizes)


def generated_counts(session: Session) -> dict[str, int]:
    """Rows per table, for the seeding command's report."""
    return {
        model.__tablename__: session.scalar(select(func.count()).select_from(model))
        or 0
        for model, _ in _TABLES
    }
