"""The documents a bank needs for a KUR request: by kind, scheme, amount and the
rule set in force on the day it is filed."""

from __future__ import annotations

from datetime import date

from juragan.domain.kur_rules import rules_on


def documents_for(
    kind: str, scheme: str, amount_idr: int, with_plan: bool, applied_on: date
) -> list[str]:
    """The document types a bank needs for a request of ``kind`` under ``scheme``
    for ``amount_idr``, filed on ``applied_on`` (the proposal lists them before
    there is an application)."""
    if kind == "placement":
        needed = ["ktp", "kk", "placement_agreement", "work_contract"]
    else:
        needed = ["ktp", "kk", "business_proof"]
        if with_plan:
            needed.append("plan_pdf")
    rule = rules_on(applied_on).schemes[scheme]
    if rule.npwp_above_idr is not None and amount_idr > rule.npwp_above_idr:
        needed.append("npwp")
    return needed
