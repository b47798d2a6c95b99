"""The funnel from referral to loan (DOMAIN.md §7.1): who reached which step by a date.

referred → screened (first screening) → admitted (in a cohort) → decision → borrower (loan
paid out), per cohort and per unit, with the dropouts by reason and destination and the
conversion rate referral → borrower (the review's 25–30 %).

The steps are read from the case's events (kinds below), its participations, decisions and
loans. A later step implies the earlier ones, so data imported without every event (a loan
with no recorded screening) still gives a monotone funnel.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q

# Case event kinds the funnel relies on. They are defined by the intake app; keep them here,
# in one place, so they can be aligned with the kinds intake writes.
KIND_REFERRAL = "referral"
KIND_FIRST_SCREENING = "first_screening"
KIND_FIRST_CONVERSATION = "first_conversation"
KIND_FINAL_SCREENING = "final_screening"
KIND_DROPOUT = "dropout"
KIND_COHORT_ASSIGNED = "cohort_assigned"
# Keys of a dropout event's ``data``: the codes of cases.constants.DropoutReason/-Destination.
DROPOUT_REASON_KEY = "reason"
DROPOUT_DESTINATION_KEY = "destination"

FUNNEL_KINDS = [
    KIND_REFERRAL,
    KIND_FIRST_SCREENING,
    KIND_FIRST_CONVERSATION,
    KIND_FINAL_SCREENING,
    KIND_DROPOUT,
    KIND_COHORT_ASSIGNED,
]

# A case closed as registered in error (cases.constants.Stage) counts nowhere in the funnel.
STAGE_REGISTERED_IN_ERROR = "registered_in_error"

STEPS = ["referred", "screened", "admitted", "decision", "borrower"]
NO_COHORT = None


def percent(part: int, whole: int) -> int | None:
    """An integer percentage rounded half up; None where there is nothing to divide."""
    if not whole:
        return None
    return int((Decimal(100 * part) / Decimal(whole)).quantize(Decimal(1), ROUND_HALF_UP))


def replaced_events():
    """Events replaced by a later event of the same kind that points at them (``corrects``).

    A correction of another kind (the intake app's text corrections, kind ``correction``)
    amends a detail and leaves the step itself in place.
    """
    from django.db.models import F

    from mikrolaan.cases.models import CaseEvent

    return CaseEvent.objects.filter(corrects__isnull=False, kind=F("corrects__kind")).values(
        "corrects_id"
    )


def corrected_dates(case_ids) -> dict[int, dt.date]:
    """Event pk → its date after the intake app's date corrections (kind ``correction`` with
    ``data.field == "occurred_on"``; the newest one wins)."""
    from mikrolaan.cases.models import CaseEvent

    fixes = {}
    for c in (
        CaseEvent.objects.filter(case_id__in=case_ids, kind="correction", corrects__isnull=False)
        .values("corrects_id", "data")
        .order_by("recorded_at", "pk")
    ):
        data = c["data"] or {}
        if data.get("field") == "occurred_on" and data.get("date"):
            fixes[c["corrects_id"]] = dt.date.fromisoformat(data["date"])
    return fixes


def _case_facts(as_of: dt.date) -> list[dict]:
    """One dict per case: how far it got by ``as_of``, its cohort, unit and dropout."""
    from mikrolaan.cases.models import Case, CaseEvent
    from mikrolaan.courses.models import Participation, ParticipationStatus
    from mikrolaan.decisions.models import Decision
    from mikrolaan.loans.models import Loan

    cases = {
        c["pk"]: c
        for c in Case.objects.exclude(stage=STAGE_REGISTERED_IN_ERROR)
        .filter(
            Q(opened_on__lte=as_of) | Q(events__kind=KIND_REFERRAL, events__occurred_on__lte=as_of)
        )
        .distinct()
        .values("pk", "citizen_id", "unit__code", "unit__name", "cohort__code")
    }
    redated = corrected_dates(cases)
    events = (
        CaseEvent.objects.filter(case_id__in=cases, kind__in=FUNNEL_KINDS)
        .filter(Q(occurred_on__lte=as_of) | Q(pk__in=list(redated)))
        .exclude(pk__in=replaced_events())
        .values("case_id", "kind", "occurred_on", "data", "pk")
        .order_by("occurred_on", "pk")
    )
    kinds: dict[int, set] = defaultdict(set)
    dropout: dict[int, dict] = {}
    for e in events:
        if redated.get(e["pk"], e["occurred_on"]) > as_of:
            continue
        kinds[e["case_id"]].add(e["kind"])
        if e["kind"] == KIND_DROPOUT:
            dropout[e["case_id"]] = e["data"] or {}  # the latest dropout counts
    participations = (
        Participation.objects.filter(case_id__in=cases)
        .values(
            "case_id",
            "status",
            "cohort__code",
            "cohort__pre_course_start",
            "cohort__main_course_start",
        )
        .order_by("cohort__main_course_start", "pk")
    )
    cohort_of: dict[int, str] = {}
    admitted: set[int] = set()
    for p in participations:
        if p["status"] != ParticipationStatus.MOVED or p["case_id"] not in cohort_of:
            cohort_of[p["case_id"]] = p["cohort__code"]
        started = p["cohort__pre_course_start"] or p["cohort__main_course_start"]
        if started <= as_of:
            admitted.add(p["case_id"])
    decided = set(
        Decision.objects.filter(case_id__in=cases, decided_on__lte=as_of).values_list(
            "case_id", flat=True
        )
    )
    loans = Loan.objects.filter(disbursed_on__lte=as_of).values(
        "case_id", "citizen_id", "cohort__code"
    )
    borrower_cohort: dict[int, str | None] = {}
    by_citizen = {c["citizen_id"]: pk for pk, c in cases.items()}
    for loan in loans:
        case_id = loan["case_id"] or by_citizen.get(loan["citizen_id"])
        if case_id in cases:
            borrower_cohort[case_id] = loan["cohort__code"]

    facts = []
    for pk, case in cases.items():
        k = kinds[pk]
        reached = [
            True,
            bool(k & {KIND_FIRST_SCREENING, KIND_FIRST_CONVERSATION, KIND_FINAL_SCREENING}),
            KIND_COHORT_ASSIGNED in k or pk in admitted,
            pk in decided,
            pk in borrower_cohort,
        ]
        # A later step implies the earlier ones.
        for i in range(len(reached) - 2, -1, -1):
            reached[i] = reached[i] or reached[i + 1]
        cohort = borrower_cohort.get(pk) or cohort_of.get(pk) or case["cohort__code"]
        facts.append(
            {
                "steps": dict(zip(STEPS, reached, strict=True)),
                "final_screening": KIND_FINAL_SCREENING in k or reached[2],
                "cohort": cohort,
                "unit": case["unit__code"],
                "unit_name": case["unit__name"],
                "dropout": dropout.get(pk),
                "last_step": max(i for i, r in enumerate(reached) if r),
            }
        )
    return facts


def _summarise(facts: list[dict]) -> dict:
    counts = {step: sum(1 for f in facts if f["steps"][step]) for step in STEPS}
    dropouts = [f for f in facts if f["dropout"] is not None]
    reasons = Counter(str(f["dropout"].get(DROPOUT_REASON_KEY) or "unknown") for f in dropouts)
    destinations = Counter(
        str(f["dropout"].get(DROPOUT_DESTINATION_KEY) or "unknown") for f in dropouts
    )
    after_step = Counter(STEPS[f["last_step"]] for f in dropouts)
    talked_to = sum(1 for f in facts if f["final_screening"])
    return {
        **counts,
        "dropouts": len(dropouts),
        "dropout_reasons": dict(sorted(reasons.items())),
        "dropout_destinations": dict(sorted(destinations.items())),
        "dropouts_after_step": {s: after_step[s] for s in STEPS if after_step[s]},
        "conversion_pct": percent(counts["borrower"], counts["referred"]),
        "final_screened": talked_to,
        "conversion_from_final_screening_pct": percent(counts["borrower"], talked_to),
    }


def compute_funnel(as_of: dt.date) -> dict:
    """The funnel on ``as_of``: totals, per cohort (by main-course start) and per unit."""
    from mikrolaan.courses.models import Cohort

    facts = _case_facts(as_of)
    order = {code: i for i, code in enumerate(Cohort.objects.values_list("code", flat=True))}
    by_cohort: dict = defaultdict(list)
    by_unit: dict = defaultdict(list)
    unit_names = {}
    for f in facts:
        by_cohort[f["cohort"]].append(f)
        by_unit[f["unit"]].append(f)
        unit_names[f["unit"]] = f["unit_name"]
    cohorts = sorted(by_cohort, key=lambda c: (c is None, order.get(c, 0), c or ""))
    return {
        "as_of": as_of.isoformat(),
        "steps": STEPS,
        "totals": _summarise(facts),
        "cohorts": [{"cohort": c, **_summarise(by_cohort[c])} for c in cohorts],
        "units": [
            {"unit": u, "name": unit_names[u], **_summarise(by_unit[u])}
            for u in sorted(by_unit, key=lambda u: unit_names[u] or "")
        ],
    }


def step_labels() -> dict:
    from django.utils.translation import gettext as _

    return {
        "referred": _("Referred"),
        "screened": _("Screened"),
        "admitted": _("Admitted to a cohort"),
        "decision": _("Budget decision"),
        "borrower": _("Borrower (loan paid out)"),
    }


COUNTED = ("dropout_reasons", "dropout_destinations", "dropouts_after_step")


def _rows(result: dict) -> list[tuple[str, dict]]:
    return [
        ("/totals", result["totals"]),
        *((f"/cohorts/{i}", row) for i, row in enumerate(result["cohorts"])),
        *((f"/units/{i}", row) for i, row in enumerate(result["units"])),
    ]


def _with_every_code(result: dict) -> dict:
    """Every row with every code of the breakdowns, absent ones at 0: with small numbers
    hidden, a code present in one row only would still tell that it occurs there."""
    import copy

    out = copy.deepcopy(result)
    for field in COUNTED:
        codes = out["totals"][field].keys()
        for _path, row in _rows(out):
            row[field] = {code: row[field].get(code, 0) for code in codes}
    return out


def funnel_grid(result: dict):
    """The funnel's counts and the sums between them (``core.suppression``): per row the
    steps, who stopped where, and the dropouts by reason, destination and step; the cohort
    rows and the unit rows both add up to the totals."""
    from mikrolaan.core.suppression import Grid, pointer

    grid = Grid()
    rows = _rows(result)
    for path, row in rows:
        keys = {step: path + pointer(step) for step in STEPS}
        for step in STEPS:
            grid.cell(keys[step], row[step], margin=path == "/totals")
        final = path + "/final_screened"
        grid.cell(final, row["final_screened"], margin=path == "/totals")
        grid.cell(path + "/dropouts", row["dropouts"], margin=True)
        # Who stopped at each step (implicit: a step minus the next).
        chain = [keys["referred"], keys["screened"], final, keys["admitted"], keys["decision"]]
        chain.append(keys["borrower"])
        for i, (upper, lower) in enumerate(zip(chain, chain[1:], strict=False)):
            gap = f"~{path}/stopped/{i}"
            grid.cell(gap, grid.values[upper] - grid.values[lower], published=False)
            grid.add_sum(upper, [lower, gap])
        for field in COUNTED:
            parts = []
            for code, n in row[field].items():
                grid.cell(path + pointer(field, code), n)
                parts.append(path + pointer(field, code))
            grid.add_sum(path + "/dropouts", parts)
        conv = path + "/conversion_pct"
        conv_final = path + "/conversion_from_final_screening_pct"
        grid.depend(keys["borrower"], conv, conv_final)
        grid.depend(keys["referred"], conv)
        grid.depend(final, conv_final)
    keys = [k[len("/totals") :] for k in grid.values if k.startswith("/totals")]
    for group in ("/cohorts/", "/units/"):
        members = [path for path, _row in rows if path.startswith(group)]
        if not members:
            continue
        for key in keys:
            grid.add_sum("/totals" + key, [m + key for m in members])
    return grid


def suppress_funnel(result: dict, min_count: int | None = None) -> dict:
    """The funnel for roles without case access: small counts hidden (``null``, listed under
    ``suppression``, as in the report; docs/INTERCHANGE.md)."""
    from mikrolaan.core import suppression

    min_count = suppression.threshold() if min_count is None else min_count
    full = _with_every_code(result)
    grid = funnel_grid(full)
    hidden = suppression.hidden_figures(grid, suppression.suppress(grid, min_count))
    return suppression.blank(full, hidden, min_count)


def funnel_for(user, as_of: dt.date) -> dict:
    """The funnel as ``user`` may see it: exact with case access, else suppressed."""
    return as_seen_by(user, compute_funnel(as_of))


def as_seen_by(user, result: dict) -> dict:
    """A funnel result as ``user`` may see it: exact with case access, else suppressed."""
    if getattr(user, "sees_case_data", False):
        return result
    return suppress_funnel(result)
