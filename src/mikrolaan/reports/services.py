"""The chapter-7 report (docs/INTERCHANGE.md, "The report"), computed for any as-of date.

A few set-based queries fetch the borrowers, the ledger's payments and balances as of the
date (``loans.queries``: current debt is the ledger's balance), own course ends and
self-supporting spells; the figures are then worked out in Python over the borrowers (there
are tens to a few hundred thousand of them, never a query per row).
"""

import datetime as dt
import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from mikrolaan.core import snapshots
from mikrolaan.core.models import Snapshot
from mikrolaan.courses.models import Cohort, Participation
from mikrolaan.loans import queries
from mikrolaan.loans.models import Loan
from mikrolaan.outcomes.models import SELF_SUPPORTING, SupportSpell
from mikrolaan.outcomes.rules import days_covered
from mikrolaan.people import cpr as cprlib
from mikrolaan.reports.progression import progression_grid, progression_section

ZERO = Decimal("0.00")
AGE_BANDS = ("<=30", "31-40", "41-50", "51-60", "61+")
SIZE_BANDS = ("<20000", "20000-29999", "30000-39999", "40000-49999", "50000+")
REPAYMENT_BANDS = ("0-24", "25-49", "50-74", "75-99", "100")


@dataclass(slots=True)
class CohortInfo:
    pk: int
    code: str
    main_course_start: dt.date
    main_course_end: dt.date


@dataclass(slots=True)
class Borrower:
    loan_id: int
    cohort: CohortInfo | None
    principal: Decimal
    paid: Decimal  # payments less reversals by D (``loans.queries.paid_by_loan``)
    current_debt: Decimal  # what the ledger says is owed on D (``loans.queries.balances``)
    collection_transferred_on: dt.date | None
    birth_year: int | None
    gender: str
    benefit_before: str
    course_end: dt.date | None
    self_supporting_now: bool = False
    self_supporting_days: int = 0

    @property
    def fully_repaid(self) -> bool:
        return self.current_debt <= 0


def money(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.01'), ROUND_HALF_UP):.2f}"


def half_up(value: Decimal, places: str = "1") -> Decimal:
    return value.quantize(Decimal(places), ROUND_HALF_UP)


def pct(part: Decimal, whole: Decimal) -> int | None:
    if not whole:
        return None
    return int(half_up(Decimal(100) * part / whole))


def age_band(age: int) -> str:
    if age <= 30:
        return "<=30"
    if age <= 40:
        return "31-40"
    if age <= 50:
        return "41-50"
    if age <= 60:
        return "51-60"
    return "61+"


def size_band(principal: Decimal) -> str:
    if principal < 20000:
        return "<20000"
    if principal < 30000:
        return "20000-29999"
    if principal < 40000:
        return "30000-39999"
    if principal < 50000:
        return "40000-49999"
    return "50000+"


def repayment_band(b: Borrower) -> str:
    if b.fully_repaid:
        return "100"
    share = math.floor(Decimal(100) * b.paid / b.principal) if b.principal else 0
    if share < 25:
        return "0-24"
    if share < 50:
        return "25-49"
    if share < 75:
        return "50-74"
    return "75-99"


def _birth_year(birth_year, birth_date, cpr, cpr_years: dict) -> int | None:
    if birth_year:
        return birth_year
    if birth_date:
        return birth_date.year
    if cpr:
        # The date and century are in the first seven digits: one parse per distinct seven
        # (the CPR rules are slow to run 100,000 times).
        key = cpr[:7] if len(cpr) == 10 and cpr.isdigit() else cpr
        if key not in cpr_years:
            try:
                cpr_years[key] = cprlib.birth_date(key + "000" if key != cpr else cpr).year
            except Exception:  # noqa: BLE001 - a stored number the stdnum rules refuse
                cpr_years[key] = None
        return cpr_years[key]
    return None


BORROWER_COLUMNS = (
    "pk",
    "principal",
    "cohort_id",
    "collection_transferred_on",
    "citizen_id",
    "citizen__gender",
    "citizen__cpr",
    "citizen__birth_year",
    "citizen__birth_date",
    "citizen__support_before__label",
)


def borrowers(as_of: dt.date, cohorts: list[str] | None = None) -> list[Borrower]:
    """The borrowers on ``as_of`` with what the report needs of each: one row query for the
    loans and their people, the ledger's two sums, own course ends and spells (no model
    instances: the report runs over 100,000 borrowers)."""
    cohort_info = {
        c.pk: CohortInfo(c.pk, c.code, c.main_course_start, c.main_course_end)
        for c in Cohort.objects.all()
    }
    loans = Loan.objects.filter(disbursed_on__lte=as_of)
    if cohorts:
        loans = loans.filter(cohort__code__in=cohorts)
    rows = list(loans.order_by("loan_ref").values_list(*BORROWER_COLUMNS))
    in_scope = Loan.objects.filter(disbursed_on__lte=as_of)
    paid = queries.paid_by_loan(as_of, in_scope)
    owed = queries.balances(as_of, in_scope)
    citizens = in_scope.values("citizen_id")
    own_end = {
        (row["case__citizen_id"], row["cohort_id"]): row["main_course_end"]
        for row in Participation.objects.filter(
            main_course_end__isnull=False, case__citizen_id__in=citizens
        )
        .exclude(case__stage="registered_in_error")  # counts nowhere (cases.Stage)
        .values("case__citizen_id", "cohort_id", "main_course_end")
    }
    spells = defaultdict(list)
    for citizen_id, start, end in SupportSpell.objects.filter(
        citizen_id__in=citizens,
        status__in=SELF_SUPPORTING,
        withdrawn=False,
        corrected_by__isnull=True,
        start__lte=as_of,
    ).values_list("citizen_id", "start", "end"):
        spells[citizen_id].append((start, end or as_of))

    result = []
    one_day = dt.timedelta(days=1)
    cpr_years: dict[str, int | None] = {}
    for (
        pk,
        principal,
        cohort_id,
        transferred_on,
        citizen_id,
        gender,
        cpr,
        birth_year,
        birth_date,
        label,
    ) in rows:
        cohort = cohort_info.get(cohort_id)
        course_end = own_end.get((citizen_id, cohort_id)) or (
            cohort.main_course_end if cohort else None
        )
        b = Borrower(
            loan_id=pk,
            cohort=cohort,
            principal=principal,
            paid=paid.get(pk) or ZERO,
            current_debt=owed.get(pk, ZERO),
            collection_transferred_on=transferred_on,
            birth_year=_birth_year(birth_year, birth_date, cpr, cpr_years),
            gender=gender or (cprlib.gender(cpr) if cpr else ""),
            benefit_before=label.strip() if label else "",
            course_end=course_end,
        )
        own = spells.get(citizen_id)
        if own:
            b.self_supporting_now = any(start <= as_of <= end for start, end in own)
            if b.self_supporting_now and course_end is not None:
                b.self_supporting_days = covered_days(own, course_end + one_day, as_of)
        result.append(b)
    return result


def covered_days(spans: list[tuple[dt.date, dt.date]], first: dt.date, last: dt.date) -> int:
    """Days from ``first`` through ``last`` (both included) covered by any of the spans."""
    return days_covered(spans, first, last)  # the one rule (outcomes.rules)


def _debt_figures(group: list[Borrower]) -> dict:
    open_loans = [b for b in group if not b.fully_repaid]
    original = sum((b.principal for b in open_loans), ZERO)
    current = sum((b.current_debt for b in open_loans), ZERO)
    return {
        "open_loans": len(open_loans),
        "original_debt": money(original),
        "current_debt": money(current),
        "repaid_pct": pct(original - current, original),
    }


def _self_support(group: list[Borrower]) -> dict:
    now = [b for b in group if b.self_supporting_now]
    days = sum(b.self_supporting_days for b in now)
    return {
        "self_supporting": len(now),
        "self_supporting_days": days,
        "self_supporting_days_mean": int(half_up(Decimal(days) / len(now))) if now else None,
    }


def build_report(as_of: dt.date, cohorts: list[str] | None = None) -> dict:
    """The report as the JSON object of the contract (money as strings, ints, nulls)."""
    group = borrowers(as_of, cohorts)
    by_cohort: dict[int, list[Borrower]] = defaultdict(list)
    for b in group:
        if b.cohort is not None:
            by_cohort[b.cohort.pk].append(b)
    cohort_objs = sorted(
        {b.cohort.pk: b.cohort for b in group if b.cohort is not None}.values(),
        key=lambda c: (c.main_course_start, c.code),
    )
    cohort_rows = []
    for cohort in cohort_objs:
        members = by_cohort[cohort.pk]
        bands = Counter(repayment_band(b) for b in members)
        cohort_rows.append(
            {
                "cohort": cohort.code,
                "main_course_start": cohort.main_course_start.isoformat(),
                "main_course_end": cohort.main_course_end.isoformat(),
                "borrowers": len(members),
                **_self_support(members),
                **_debt_figures(members),
                "repayment_bands": {band: bands[band] for band in REPAYMENT_BANDS},
            }
        )

    genders = Counter(b.gender if b.gender in ("F", "M") else "unknown" for b in group)
    ages = [as_of.year - b.birth_year for b in group if b.birth_year is not None]
    age_counts = Counter(age_band(a) for a in ages)
    labels = Counter(b.benefit_before or "unknown" for b in group)
    benefit = {label: n for label, n in sorted(labels.items()) if label != "unknown"}
    benefit["unknown"] = labels.get("unknown", 0)
    open_loans = [b for b in group if not b.fully_repaid]
    sizes = Counter(size_band(b.principal) for b in open_loans)
    principals = [b.principal for b in open_loans]
    debts = _debt_figures(group)
    report = {
        "as_of": as_of.isoformat(),
        "borrowers": len(group),
        "cohorts": cohort_rows,
        "gender": {"F": genders["F"], "M": genders["M"], "unknown": genders["unknown"]},
        "age": {
            "bands": {band: age_counts[band] for band in AGE_BANDS},
            "unknown": len(group) - len(ages),
            "min": min(ages) if ages else None,
            "max": max(ages) if ages else None,
            "mean": float(half_up(Decimal(sum(ages)) / len(ages), "0.1")) if ages else None,
        },
        "benefit_before": benefit,
        "open_loan_sizes": {
            "bands": {band: sizes[band] for band in SIZE_BANDS},
            "count": len(open_loans),
            "min": money(min(principals)) if principals else None,
            "max": money(max(principals)) if principals else None,
            "mean": money(sum(principals, ZERO) / len(principals)) if principals else None,
        },
        "totals": {
            "original_debt": debts["original_debt"],
            "current_debt": debts["current_debt"],
            "repaid_pct": debts["repaid_pct"],
            **_self_support(group),
            "fully_repaid": sum(1 for b in group if b.fully_repaid),
            "transferred_to_collection": sum(
                1
                for b in group
                if not b.fully_repaid
                and b.collection_transferred_on is not None
                and b.collection_transferred_on <= as_of
            ),
        },
    }
    # An addition to the contract: there only when someone has answered the self-assessment
    # at referral and at a later point (reports.progression).
    section = progression_section(as_of, cohorts)
    if section is not None:
        report["progression"] = section
    return report


def report_grid(report: dict):
    """The report's counts, the sums between them and the figures that depend on them, for
    ``suppression.suppress`` (keys are JSON pointers into the report; implicit cells, which
    the report does not print but a reader can work out, start with ``~``)."""
    from mikrolaan.core.suppression import Grid, pointer

    grid = Grid()
    totals, sizes = report["totals"], report["open_loan_sizes"]
    n_all, open_all = pointer("borrowers"), pointer("open_loan_sizes", "count")
    s_all, full_all = pointer("totals", "self_supporting"), pointer("totals", "fully_repaid")
    grid.cell(n_all, report["borrowers"], margin=True)
    grid.cell(open_all, sizes["count"], margin=True)
    grid.cell(s_all, totals["self_supporting"], margin=True)
    grid.cell(full_all, totals["fully_repaid"], margin=True)
    grid.cell(
        "~not_self_supporting", report["borrowers"] - totals["self_supporting"], published=False
    )
    grid.add_sum(n_all, [s_all, "~not_self_supporting"])
    grid.add_sum(n_all, [open_all, full_all])
    transferred = pointer("totals", "transferred_to_collection")
    grid.cell(transferred, totals["transferred_to_collection"])
    grid.cell(
        "~open_not_transferred",
        sizes["count"] - totals["transferred_to_collection"],
        published=False,
    )
    grid.add_sum(open_all, [transferred, "~open_not_transferred"])

    n_parts, s_parts, o_parts, full_parts = [], [], [], []
    for i, c in enumerate(report["cohorts"]):
        n, s, o = (pointer("cohorts", i, k) for k in ("borrowers", "self_supporting", "open_loans"))
        grid.cell(n, c["borrowers"])
        grid.cell(s, c["self_supporting"])
        grid.cell(o, c["open_loans"])
        grid.cell(
            f"~cohorts/{i}/not_self_supporting",
            c["borrowers"] - c["self_supporting"],
            published=False,
        )
        bands = [pointer("cohorts", i, "repayment_bands", b) for b in REPAYMENT_BANDS]
        for key, band in zip(bands, REPAYMENT_BANDS, strict=True):
            grid.cell(key, c["repayment_bands"][band])
        grid.add_sum(n, bands)
        grid.add_sum(n, [s, f"~cohorts/{i}/not_self_supporting"])
        grid.add_sum(n, [o, bands[-1]])
        grid.depend(
            s,
            *(
                pointer("cohorts", i, k)
                for k in ("self_supporting_days", "self_supporting_days_mean")
            ),
        )
        grid.depend(
            o, *(pointer("cohorts", i, k) for k in ("original_debt", "current_debt", "repaid_pct"))
        )
        n_parts.append(n)
        s_parts.append(s)
        o_parts.append(o)
        full_parts.append(bands[-1])
    # Borrowers whose loan has no cohort count in the totals only: a group of their own.
    rest = {
        "n": report["borrowers"] - sum(c["borrowers"] for c in report["cohorts"]),
        "s": totals["self_supporting"] - sum(c["self_supporting"] for c in report["cohorts"]),
        "o": sizes["count"] - sum(c["open_loans"] for c in report["cohorts"]),
        "full": totals["fully_repaid"]
        - sum(c["repayment_bands"]["100"] for c in report["cohorts"]),
    }
    if rest["n"]:
        for k, v in rest.items():
            grid.cell(f"~no_cohort/{k}", v, published=False)
        grid.cell("~no_cohort/not_s", rest["n"] - rest["s"], published=False)
        grid.add_sum("~no_cohort/n", ["~no_cohort/s", "~no_cohort/not_s"])
        grid.add_sum("~no_cohort/n", ["~no_cohort/o", "~no_cohort/full"])
        n_parts.append("~no_cohort/n")
        s_parts.append("~no_cohort/s")
        o_parts.append("~no_cohort/o")
        full_parts.append("~no_cohort/full")
    grid.add_sum(n_all, n_parts)
    grid.add_sum(s_all, s_parts)
    grid.add_sum(open_all, o_parts)
    grid.add_sum(full_all, full_parts)
    grid.add_magnitude_sum(s_all, s_parts)  # days
    grid.add_magnitude_sum(open_all, o_parts)  # debts
    grid.depend(
        s_all,
        pointer("totals", "self_supporting_days"),
        pointer("totals", "self_supporting_days_mean"),
    )
    grid.depend(
        open_all,
        pointer("totals", "original_debt"),
        pointer("totals", "current_debt"),
        pointer("totals", "repaid_pct"),
        pointer("open_loan_sizes", "mean"),
    )

    def breakdown(total, keys_values):
        keys = []
        for key, value in keys_values:
            grid.cell(key, value)
            keys.append(key)
        grid.add_sum(total, keys)

    breakdown(n_all, [(pointer("gender", g), n) for g, n in report["gender"].items()])
    age = report["age"]
    breakdown(
        n_all,
        [(pointer("age", "bands", b), n) for b, n in age["bands"].items()]
        + [(pointer("age", "unknown"), age["unknown"])],
    )
    grid.depend(n_all, pointer("age", "mean"))
    breakdown(
        n_all, [(pointer("benefit_before", k), n) for k, n in report["benefit_before"].items()]
    )
    breakdown(
        open_all, [(pointer("open_loan_sizes", "bands", b), n) for b, n in sizes["bands"].items()]
    )
    progression_grid(report, grid)
    return grid


# Single people's values: the youngest and oldest borrower, the smallest and largest loan.
EXTREMES = ("/age/min", "/age/max", "/open_loan_sizes/min", "/open_loan_sizes/max")


def suppress_report(report: dict, min_count: int | None = None) -> dict:
    """The report for roles without case access: small counts and what could give them away
    hidden (``null``, listed under ``suppression``; docs/INTERCHANGE.md)."""
    from mikrolaan.core import suppression

    min_count = suppression.threshold() if min_count is None else min_count
    grid = report_grid(report)
    hidden = suppression.hidden_figures(grid, suppression.suppress(grid, min_count))
    extremes = [p for p in EXTREMES if suppression.get_at(report, p) is not None]
    return suppression.blank(report, [*hidden, *extremes], min_count)


def report_for(user, as_of: dt.date, cohorts: list[str] | None = None) -> dict:
    """The report as ``user`` may see it: exact for roles with case access, else suppressed."""
    report = build_report(as_of, cohorts)
    if getattr(user, "sees_case_data", False):
        return report
    return suppress_report(report)


@snapshots.register("report")
def _kept_report(on: dt.date) -> dict:
    return build_report(on)


def report_for_page(
    user, as_of: dt.date, cohorts: list[str] | None, *, asked: bool
) -> tuple[dict, Snapshot | None]:
    """The report page's report: today's for every cohort from the figures the day's run kept,
    unless the reader asked for a date or cohorts (then, or without them, built now); as
    ``user`` may see it. The downloads and the API always build it now."""
    kept = None if asked or cohorts else snapshots.of_today("report")
    if kept is None:
        return report_for(user, as_of, cohorts), None
    report = kept.data
    if not getattr(user, "sees_case_data", False):
        report = suppress_report(report)
    return report, kept
