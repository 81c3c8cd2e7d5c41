"""The reintegration wellbeing check: twelve questions, three dimensions, 0-1 scores.

Modelled on the dimensions of IOM's Reintegration Sustainability Survey (economic,
social, psychosocial; see ``docs/reintegration.md``). The RSS's own 15
indicators and weights are not reproduced; these are juragan's questions.

Scoring:

* every answer is 1-5; a question scores ``(answer - 1) / 4``, or ``(5 - answer) / 4``
  when a higher answer is worse (marked ``reverse``);
* a dimension is the mean of its questions' scores;
* overall is the weighted mean of the three dimensions, equal weights by default
  (``DIMENSION_WEIGHTS``, configurable);
* scores are Decimals rounded half up to three places.

Worked example (in the tests): answers all 3 give 0.5 everywhere; economic answers
5, 5, 1, 5 (debt burden 1 is good, reversed) give 1.0.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Question:
    code: str
    dimension: str
    text: str
    #: A higher answer means a worse situation.
    reverse: bool = False


QUESTIONS: tuple[Question, ...] = (
    Question(
        "income", "economic", _l("The household's income covers its daily needs.")
    ),
    Question("debt", "economic", _l("Debts weigh on the household."), reverse=True),
    Question("work", "economic", _l("The business or job is steady.")),
    Question("savings", "economic", _l("The household can put money aside.")),
    Question("housing", "social", _l("The housing is safe and adequate.")),
    Question("health", "social", _l("The family can get health care when needed.")),
    Question("school", "social", _l("The children can go to school.")),
    Question(
        "services",
        "social",
        _l("The family can get documents, social protection and legal help."),
    ),
    Question("belonging", "psychosocial", _l("I feel part of the community again.")),
    Question("support", "psychosocial", _l("I have people to turn to for support.")),
    Question(
        "distress",
        "psychosocial",
        _l("I often feel worried, sad or under strain."),
        reverse=True,
    ),
    Question(
        "migrate",
        "psychosocial",
        _l("I feel I must go abroad again to get by."),
        reverse=True,
    ),
)
DIMENSIONS = ("economic", "social", "psychosocial")
DIMENSION_WEIGHTS: Mapping[str, Decimal] = {d: Decimal(1) for d in DIMENSIONS}
ANSWERS = range(1, 6)
_PLACES = Decimal("0.001")


@dataclass(frozen=True)
class Scores:
    economic: Decimal
    social: Decimal
    psychosocial: Decimal
    overall: Decimal


def _round(value: Decimal) -> Decimal:
    return value.quantize(_PLACES, rounding=ROUND_HALF_UP)


def score(
    answers: Mapping[str, int], weights: Mapping[str, Decimal] = DIMENSION_WEIGHTS
) -> Scores:
    """Scores per dimension and overall from answers 1-5 to every question.

    :raises ValueError: for a missing question or an answer outside 1-5.
    """
    per_dimension: dict[str, list[Decimal]] = {d: [] for d in DIMENSIONS}
    for question in QUESTIONS:
        answer = answers.get(question.code)
        if answer is None or answer not in ANSWERS:
            raise ValueError(f"answer 1-5 needed for {question.code}")
        value = (5 - answer) if question.reverse else (answer - 1)
        per_dimension[question.dimension].append(Decimal(value) / 4)
    means = {d: sum(v, Decimal(0)) / len(v) for d, v in per_dimension.items()}
    total_weight = sum((weights[d] for d in DIMENSIONS), Decimal(0))
    overall = (
        sum((means[d] * weights[d] for d in DIMENSIONS), Decimal(0)) / total_weight
    )
    return Scores(
        economic=_round(means["economic"]),
        social=_round(means["social"]),
        psychosocial=_round(means["psychosocial"]),
        overall=_round(overall),
    )
