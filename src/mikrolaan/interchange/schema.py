"""The files and columns of interchange bundle v1 (docs/INTERCHANGE.md), in one place."""

from dataclasses import dataclass

from mikrolaan.cases.constants import DropoutDestination, DropoutReason
from mikrolaan.outcomes.models import SupportStatus
from mikrolaan.progression.constants import Channel, Point


@dataclass(frozen=True)
class FileSpec:
    name: str
    columns: tuple[str, ...]
    required_columns: frozenset[str]
    required_file: bool = False
    # False: ``export`` leaves the file out when it has no rows (an addition to v1 that a
    # reader of v1 bundles does not know; see docs/INTERCHANGE.md, "assessments.csv").
    written_when_empty: bool = True


COHORTS = FileSpec(
    "cohorts.csv",
    ("code", "pre_course_start", "main_course_start", "main_course_end"),
    frozenset({"code", "main_course_start", "main_course_end"}),
    required_file=True,
)
PEOPLE = FileSpec(
    "people.csv",
    (
        "person_ref",
        "cpr",
        "first_name",
        "last_name",
        "birth_date",
        "birth_year",
        "gender",
        "benefit_before",
        "unit",
    ),
    frozenset({"person_ref"}),
    required_file=True,
)
PARTICIPATIONS = FileSpec(
    "participations.csv",
    (
        "person_ref",
        "cohort_code",
        "status",
        "main_course_end",
        "dropout_date",
        "dropout_reason",
        "dropout_destination",
    ),
    frozenset({"person_ref", "cohort_code", "status"}),
)
LOANS = FileSpec(
    "loans.csv",
    (
        "loan_ref",
        "person_ref",
        "cohort_code",
        "principal",
        "disbursed_on",
        "repayment_start",
        "term_months",
        "deferral_months",
        "collection_transferred_on",
    ),
    frozenset(
        {"loan_ref", "person_ref", "cohort_code", "principal", "disbursed_on", "repayment_start"}
    ),
)
PAYMENTS = FileSpec(
    "payments.csv",
    ("loan_ref", "paid_on", "amount", "reference"),
    frozenset({"loan_ref", "paid_on", "amount"}),
)
SPELLS = FileSpec(
    "support_spells.csv",
    ("person_ref", "status", "start", "end"),
    frozenset({"person_ref", "status", "start"}),
)

# One row per answer (issue 11, part 2): an assessment is the rows sharing
# (person_ref, point, correction).
ASSESSMENTS = FileSpec(
    "assessments.csv",
    (
        "person_ref",
        "point",
        "correction",
        "answered_on",
        "channel",
        "questionnaire",
        "item",
        "score",
        "why",
    ),
    frozenset({"person_ref", "point", "answered_on", "channel", "item", "score"}),
    written_when_empty=False,
)

FILES: tuple[FileSpec, ...] = (
    COHORTS,
    PEOPLE,
    PARTICIPATIONS,
    LOANS,
    PAYMENTS,
    SPELLS,
    ASSESSMENTS,
)
BY_NAME = {spec.name: spec for spec in FILES}

PARTICIPATION_STATUSES = ("pre_course", "main_course", "completed", "dropped_out")
DROPOUT_REASONS = tuple(DropoutReason.values)
DROPOUT_DESTINATIONS = tuple(DropoutDestination.values)
SPELL_STATUSES = tuple(SupportStatus.values)
ASSESSMENT_POINTS = tuple(Point.values)
ASSESSMENT_CHANNELS = tuple(Channel.values)

DEFAULT_TERM_MONTHS = 84

# Longest values the database holds (the models' max_length).
MAX_LENGTH = {
    "code": 20,
    "cohort_code": 20,
    "person_ref": 100,
    "first_name": 100,
    "last_name": 100,
    "benefit_before": 200,
    "unit": 200,
    "loan_ref": 40,
    "reference": 150,
    "item": 40,
}

# Text a spreadsheet must never run as a formula (docs/INTERCHANGE.md, "Names and codes"):
# codes keep to a safe set of characters; names, labels and references may not start like a
# formula.
CODE_COLUMNS = frozenset({"code", "cohort_code"})
TEXT_COLUMNS = frozenset(
    {"person_ref", "first_name", "last_name", "benefit_before", "unit", "loan_ref", "reference"}
)
