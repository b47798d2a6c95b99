"""The economic gain (DOMAIN.md §7, what the review could not compute).

For an as-of date D, per cohort and in total:

- **public support saved** = each borrower's self-supporting days after their course end
  (through D) × the daily public-support rate in force on each day for the support the
  borrower lived on before the programme (``PublicSupportRate``; a default rate where the
  support is unknown);
- **programme cost** = course costs per participant, subsistence grants (months granted at
  the main-course start, or the setting's months where none are recorded, × the monthly
  amount; none for early-retirement pensioners, who keep their pension) and
  project-leader time, priced by the ``ProgrammeCostSetting`` in force at the cohort's
  main-course start;
- **loan losses** = written-off amounts (net of reversed write-offs) on or before D;
- **outstanding loans** = what borrowers still owe on D, shown beside the result, not
  subtracted (the loan is repaid whatever happens).

Every figure is Decimal; all rates and costs are assumptions the municipality sets, and they
are returned with the figures so they are always printed beside them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db.models import Q
from django.utils.translation import gettext as _

from mikrolaan.outcomes import rules
from mikrolaan.outcomes.models import ProgrammeCostSetting, PublicSupportRate, SupportSpell

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
EARLY_RETIREMENT_LABEL = "Førtidspension"


def money(value: Decimal) -> str:
    return f"{Decimal(value).quantize(CENT)}"


def _rate_table() -> dict:
    """{category_id or None: [(valid_from, daily_rate, note)] in date order}."""
    table: dict = defaultdict(list)
    for r in PublicSupportRate.objects.order_by("valid_from", "pk"):
        table[r.category_id].append((r.valid_from, r.daily_rate, r.note))
    return table


def value_of_days(
    pieces: list[tuple[dt.date, dt.date]], rates: list[tuple[dt.date, Decimal, str]]
) -> tuple[Decimal, int]:
    """Σ days × rate in force on each day, and the days for which no rate was in force."""
    total = ZERO
    unpriced = 0
    froms = [vf for vf, _rate, _note in rates]
    by_from = {vf: rate for vf, rate, _note in rates}
    for start, end in pieces:
        for first, last, vf in rules.split_by_validity(start, end, froms):
            days = (last - first).days + 1
            if vf is None:
                unpriced += days
            else:
                total += by_from[vf] * days
    return total.quantize(CENT), unpriced


def cost_setting_on(day: dt.date) -> ProgrammeCostSetting | None:
    return ProgrammeCostSetting.objects.filter(valid_from__lte=day).order_by("-valid_from").first()


def _borrowers(as_of: dt.date) -> list[dict]:
    from mikrolaan.courses.models import Participation
    from mikrolaan.loans.models import Loan

    loans = list(
        Loan.objects.filter(disbursed_on__lte=as_of).values(
            "pk",
            "citizen_id",
            "cohort_id",
            "citizen__support_before_id",
            "citizen__support_before__label",
            "citizen__target_group",
            "cohort__main_course_end",
            "disbursed_on",
        )
    )
    own_end = {
        (p["case__citizen_id"], p["cohort_id"]): p["main_course_end"]
        for p in Participation.objects.filter(
            case__citizen_id__in=[loan["citizen_id"] for loan in loans],
            main_course_end__isnull=False,
        ).values("case__citizen_id", "cohort_id", "main_course_end")
    }
    for loan in loans:
        loan["course_end"] = (
            own_end.get((loan["citizen_id"], loan["cohort_id"])) or loan["cohort__main_course_end"]
        )
        label = loan["citizen__support_before__label"] or ""
        loan["early_retirement"] = (
            label.startswith(EARLY_RETIREMENT_LABEL)
            or loan["citizen__target_group"] == "early_retirement"
        )
    return loans


def _recorded_subsistence_months() -> dict:
    """{citizen: months of subsistence grant} as recorded at the main-course start, where the
    decisions app records it (its ``MainCourseStart``; pensioners get 0); else empty."""
    from django.apps import apps

    try:
        model = apps.get_model("decisions", "MainCourseStart")
    except LookupError:
        return {}
    rows = model.objects.filter(correction__isnull=True).values(
        "case__citizen_id", "keeps_pension", "subsistence_months"
    )
    return {
        r["case__citizen_id"]: 0 if r["keeps_pension"] else (r["subsistence_months"] or 0)
        for r in rows
    }


def _ledger_sums(as_of: dt.date) -> tuple[dict, dict]:
    """({loan: outstanding on as_of}, {loan: net written off on as_of}), as the ledger's query
    API defines them (``loans.queries``)."""
    from mikrolaan.loans import queries
    from mikrolaan.loans.models import EntryKind

    return queries.balances(as_of), queries.net_by_loan(EntryKind.WRITE_OFF, as_of)


def _participants(as_of: dt.date) -> dict:
    """{cohort_id: {citizen}} for cohorts begun on or before ``as_of`` (moves excluded)."""
    from mikrolaan.courses.models import Participation, ParticipationStatus

    people: dict = defaultdict(set)
    rows = (
        Participation.objects.exclude(status=ParticipationStatus.MOVED)
        .exclude(case__stage="registered_in_error")  # counts nowhere (cases.Stage)
        .filter(
            Q(cohort__pre_course_start__lte=as_of)
            | Q(cohort__pre_course_start__isnull=True, cohort__main_course_start__lte=as_of)
        )
        .values("cohort_id", "case__citizen_id")
        .distinct()
    )
    for row in rows:
        people[row["cohort_id"]].add(row["case__citizen_id"])
    return people


def _empty_figures() -> dict:
    return {
        "participants": 0,
        "borrowers": 0,
        "self_supporting_days": 0,
        "unpriced_days": 0,
        "public_support_saved": ZERO,
        "course_costs": ZERO,
        "subsistence_grants": ZERO,
        "project_leader_time": ZERO,
        "programme_cost": ZERO,
        "loan_losses": ZERO,
        "outstanding_loans": ZERO,
        "net_gain": ZERO,
        "net_gain_if_outstanding_lost": ZERO,
    }


def _finish(fig: dict) -> dict:
    fig["programme_cost"] = (
        fig["course_costs"] + fig["subsistence_grants"] + fig["project_leader_time"]
    )
    fig["net_gain"] = fig["public_support_saved"] - fig["programme_cost"] - fig["loan_losses"]
    fig["net_gain_if_outstanding_lost"] = fig["net_gain"] - fig["outstanding_loans"]
    return fig


MONEY_FIELDS = [
    "public_support_saved",
    "course_costs",
    "subsistence_grants",
    "project_leader_time",
    "programme_cost",
    "loan_losses",
    "outstanding_loans",
    "net_gain",
    "net_gain_if_outstanding_lost",
]


def assumption_texts() -> dict:
    """What the assumptions and the method are, in the reader's language."""
    return {
        "statement": _(
            "All rates and costs are assumptions set by the municipality (settings dated "
            "by valid-from), not facts from the records. The seeded values are plausible "
            "Danish figures for illustration only."
        ),
        "method": [
            _(
                "Public support saved: each borrower's self-supporting days from the day "
                "after their course end through the as-of date, times the daily rate in "
                "force on each day for the support they lived on before the programme (the "
                "default rate where it is unknown)."
            ),
            _(
                "Programme cost: priced with the cost setting in force at the cohort's "
                "main-course start; course costs and project-leader time per participant; "
                "subsistence grant per borrower for the months granted at the main-course "
                "start (the setting's months where none are recorded), not for "
                "early-retirement pensioners."
            ),
            _("Loan losses: amounts written off on or before the as-of date."),
            _(
                "Outstanding loans are shown but not subtracted: a loan is repaid whatever "
                "happens. The last line shows the result if none of it were repaid."
            ),
        ],
    }


def compute_economics(as_of: dt.date) -> dict:
    """The economic gain on ``as_of``: per cohort, in total, and the assumptions used."""
    from mikrolaan.courses.models import Cohort
    from mikrolaan.people.models import SupportCategory

    rates = _rate_table()
    borrowers = _borrowers(as_of)
    outstanding, written_off = _ledger_sums(as_of)
    participants = _participants(as_of)
    citizen_ids = {b["citizen_id"] for b in borrowers}
    spells: dict = defaultdict(list)
    for spell in SupportSpell.objects.filter(
        citizen_id__in=citizen_ids, withdrawn=False, corrected_by__isnull=True
    ):
        if rules.is_self_supporting(spell):
            spells[spell.citizen_id].append(spell)

    cohorts = {c.pk: c for c in Cohort.objects.all()}
    figures: dict = defaultdict(_empty_figures)
    for b in borrowers:  # a borrower took part, even where no participation was recorded
        participants[b["cohort_id"]].add(b["citizen_id"])
    for cohort_id, people in participants.items():
        figures[cohort_id]["participants"] = len(people)
    recorded_months = _recorded_subsistence_months()
    grant_months: dict = defaultdict(int)  # months recorded at the main-course start
    grant_unrecorded: dict = defaultdict(int)  # borrowers priced with the setting's months
    for b in borrowers:
        fig = figures[b["cohort_id"]]
        fig["borrowers"] += 1
        if b["citizen_id"] in recorded_months:
            grant_months[b["cohort_id"]] += recorded_months[b["citizen_id"]]
        elif not b["early_retirement"]:
            grant_unrecorded[b["cohort_id"]] += 1
        # Without a cohort there is no course end: count from the day after the payout.
        first = (b["course_end"] or b["disbursed_on"]) + dt.timedelta(days=1)
        pieces = rules.covered_pieces(spells[b["citizen_id"]], first, as_of)  # overlaps once
        fig["self_supporting_days"] += sum((e - s).days + 1 for s, e in pieces)
        category = b["citizen__support_before_id"]
        table = rates.get(category) or rates.get(None, [])
        value, unpriced = value_of_days(pieces, table)
        fig["public_support_saved"] += value
        fig["unpriced_days"] += unpriced
        fig["loan_losses"] += written_off.get(b["pk"], ZERO)
        fig["outstanding_loans"] += outstanding.get(b["pk"], ZERO)

    settings_used: dict = {}
    for cohort_id, fig in figures.items():
        cohort = cohorts.get(cohort_id)
        setting = cost_setting_on(cohort.main_course_start) if cohort else None
        fig["cost_setting_valid_from"] = setting.valid_from.isoformat() if setting else None
        if setting is not None:
            settings_used[setting.pk] = setting
            fig["course_costs"] = (
                setting.course_cost_per_participant * fig["participants"]
            ).quantize(CENT)
            fig["subsistence_grants"] = (
                setting.subsistence_grant_per_month
                * (
                    grant_months[cohort_id]
                    + setting.subsistence_months * grant_unrecorded[cohort_id]
                )
            ).quantize(CENT)
            fig["project_leader_time"] = (
                setting.project_leader_hours_per_participant
                * setting.project_leader_hourly_cost
                * fig["participants"]
            ).quantize(CENT)
        _finish(fig)

    def sort_key(cohort_id):
        c = cohorts.get(cohort_id)
        return (c is None, c.main_course_start if c else dt.date.min, c.code if c else "")

    rows = []
    totals = _empty_figures()
    for cohort_id in sorted(figures, key=sort_key):
        fig = figures[cohort_id]
        for key in totals:
            totals[key] += fig[key]
        rows.append({"cohort": cohorts[cohort_id].code if cohort_id in cohorts else None, **fig})
    _finish(totals)

    labels = dict(SupportCategory.objects.values_list("pk", "label"))
    return {
        "as_of": as_of.isoformat(),
        "currency": "DKK",
        "cohorts": rows,
        "totals": totals,
        "assumptions": {
            **assumption_texts(),
            "public_support_rates": [
                {
                    "category": labels.get(category) if category else None,
                    "valid_from": vf.isoformat(),
                    "daily_rate": money(rate),
                    "note": note,
                }
                for category, table in sorted(
                    rates.items(), key=lambda kv: (kv[0] is not None, labels.get(kv[0], ""))
                )
                for vf, rate, note in table
            ],
            "public_support_rates_in_force": [
                {
                    "category": labels.get(category) if category else None,
                    "valid_from": vf.isoformat(),
                    "daily_rate": money(rate),
                }
                for category, table in sorted(
                    rates.items(), key=lambda kv: (kv[0] is not None, labels.get(kv[0], ""))
                )
                for vf, rate, _note in [r for r in table if r[0] <= as_of][-1:]
            ],
            "programme_cost_settings": [
                {
                    "valid_from": s.valid_from.isoformat(),
                    "course_cost_per_participant": money(s.course_cost_per_participant),
                    "subsistence_grant_per_month": money(s.subsistence_grant_per_month),
                    "subsistence_months": s.subsistence_months,
                    "project_leader_hours_per_participant": str(
                        s.project_leader_hours_per_participant
                    ),
                    "project_leader_hourly_cost": money(s.project_leader_hourly_cost),
                    "note": s.note,
                }
                for s in sorted(settings_used.values(), key=lambda s: s.valid_from)
            ],
        },
    }


def as_json(result: dict) -> dict:
    """The result with money as strings with exactly two decimals (INTERCHANGE.md style)."""

    def conv(fig: dict) -> dict:
        return {k: money(v) if k in MONEY_FIELDS else v for k, v in fig.items()}

    return {
        **result,
        "cohorts": [conv(row) for row in result["cohorts"]],
        "totals": conv(result["totals"]),
    }


# Figures that follow from the borrowers of a cohort (their days, what they were paid and
# owe), and those that follow from its participants (course costs and project-leader time are
# a published rate × the participants).
BORROWER_FIGURES = [
    "self_supporting_days",
    "unpriced_days",
    "public_support_saved",
    "subsistence_grants",
    "loan_losses",
    "outstanding_loans",
]
PARTICIPANT_FIGURES = ["course_costs", "project_leader_time"]
BOTH = ["programme_cost", "net_gain", "net_gain_if_outstanding_lost"]


def economics_grid(result: dict):
    """Participants and borrowers per cohort row and in total (``core.suppression``), with
    the figures that depend on them and their sums over the rows."""
    from mikrolaan.core.suppression import Grid

    grid = Grid()
    rows = [("/totals", result["totals"])] + [
        (f"/cohorts/{i}", row) for i, row in enumerate(result["cohorts"])
    ]
    for path, row in rows:
        total = path == "/totals"
        grid.cell(path + "/participants", row["participants"], margin=total)
        grid.cell(path + "/borrowers", row["borrowers"], margin=total)
        rest = f"~{path}/not_borrowing"
        grid.cell(rest, row["participants"] - row["borrowers"], published=False)
        grid.add_sum(path + "/participants", [path + "/borrowers", rest])
        grid.depend(path + "/borrowers", *(path + "/" + k for k in BORROWER_FIGURES + BOTH))
        grid.depend(path + "/participants", *(path + "/" + k for k in PARTICIPANT_FIGURES + BOTH))
    cohorts = [path for path, _row in rows[1:]]
    if cohorts:
        for key in ("/participants", "/borrowers"):
            grid.add_sum("/totals" + key, [c + key for c in cohorts])
            grid.add_magnitude_sum("/totals" + key, [c + key for c in cohorts])
    return grid


def suppress_economics(result: dict, min_count: int | None = None) -> dict:
    """The economic gain (as JSON, ``as_json``) for roles without case access: small groups
    and the figures that follow from them hidden (docs/INTERCHANGE.md)."""
    from mikrolaan.core import suppression

    min_count = suppression.threshold() if min_count is None else min_count
    grid = economics_grid(result)
    hidden = suppression.hidden_figures(grid, suppression.suppress(grid, min_count))
    return suppression.blank(result, hidden, min_count)


def economics_for(user, as_of: dt.date) -> dict:
    """The economic gain as JSON (``as_json``) as ``user`` may see it."""
    result = as_json(compute_economics(as_of))
    if getattr(user, "sees_case_data", False):
        return result
    return suppress_economics(result)


def from_json(data: dict) -> dict:
    """A result from its JSON form (``as_json``): money as Decimal again, the texts in the
    reader's language (kept figures were computed by the day's run)."""

    def conv(fig: dict) -> dict:
        return {k: Decimal(v) if k in MONEY_FIELDS else v for k, v in fig.items()}

    return {
        **data,
        "cohorts": [conv(row) for row in data["cohorts"]],
        "totals": conv(data["totals"]),
        "assumptions": {**data["assumptions"], **assumption_texts()},
    }
