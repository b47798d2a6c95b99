"""The chapter-7 report (docs/INTERCHANGE.md, "The report"), computed for any as-of date.

A few set-based queries fetch the borrowers, their payments, own course ends and
self-supporting spells; the figures are then worked out in Python over the borrowers (there
are tens to a few hundred thousand of them, never a query per row).
"""

import datetime as dt
import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Sum

from mikrolaan.courses.models import Cohort, Participation
from mikrolaan.loans.models import PAYMENT_KINDS, EntryKind, LedgerEntry, Loan
from mikrolaan.outcomes.models import SELF_SUPPORTING, SupportSpell
from mikrolaan.outcomes.rules import days_covered
from mikrolaan.people import cpr as cprlib

ZERO = Decimal("0.00")
AGE_BANDS = ("<=30", "31-40", "41-50", "51-60", "61+")
SIZE_BANDS = ("<20000", "20000-29999", "30000-39999", "40000-49999", "50000+")
REPAYMENT_BANDS = ("0-24", "25-49", "50-74", "75-99", "100")


@dataclass
class Borrower:
    loan: Loan
    cohort: Cohort | None
    principal: Decimal
    paid: Decimal
    birth_year: int | None
    gender: str
    benefit_before: str
    course_end: dt.date | None
    self_supporting_now: bool = False
    self_supporting_days: int = 0

    @property
    def current_debt(self) -> Decimal:
        return self.principal - self.paid

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


def _birth_year(citizen) -> int | None:
    if citizen.birth_year:
        return citizen.birth_year
    if citizen.birth_date:
        return citizen.birth_date.year
    if citizen.cpr:
        try:
            return cprlib.birth_date(citizen.cpr).year
        except Exception:  # noqa: BLE001 - a stored number the stdnum rules refuse
            return None
    return None


def borrowers(as_of: dt.date, cohorts: list[str] | None = None) -> list[Borrower]:
    loans = Loan.objects.filter(disbursed_on__lte=as_of).select_related(
        "citizen__support_before", "cohort"
    )
    if cohorts:
        loans = loans.filter(cohort__code__in=cohorts)
    loans = list(loans.order_by("loan_ref"))
    in_scope = Loan.objects.filter(disbursed_on__lte=as_of)
    entries = LedgerEntry.objects.filter(loan__in=in_scope, value_date__lte=as_of)
    paid = Counter()
    for row in (
        entries.filter(kind__in=PAYMENT_KINDS).values("loan_id").annotate(total=Sum("amount"))
    ):
        paid[row["loan_id"]] += row["total"]
    for row in (
        entries.filter(kind=EntryKind.REVERSAL, reverses__kind__in=PAYMENT_KINDS)
        .values("loan_id")
        .annotate(total=Sum("amount"))
    ):
        paid[row["loan_id"]] -= row["total"]
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
    for row in SupportSpell.objects.filter(
        citizen_id__in=citizens,
        status__in=SELF_SUPPORTING,
        withdrawn=False,
        corrected_by__isnull=True,
        start__lte=as_of,
    ).values("citizen_id", "start", "end"):
        spells[row["citizen_id"]].append((row["start"], row["end"] or as_of))

    result = []
    for loan in loans:
        citizen = loan.citizen
        course_end = own_end.get((citizen.pk, loan.cohort_id)) or (
            loan.cohort.main_course_end if loan.cohort else None
        )
        gender = citizen.gender or (cprlib.gender(citizen.cpr) if citizen.cpr else "")
        b = Borrower(
            loan=loan,
            cohort=loan.cohort,
            principal=loan.principal,
            paid=paid.get(loan.pk, ZERO) or ZERO,
            birth_year=_birth_year(citizen),
            gender=gender,
            benefit_before=(citizen.support_before.label.strip() if citizen.support_before else ""),
            course_end=course_end,
        )
        own = spells.get(citizen.pk, [])
        b.self_supporting_now = any(start <= as_of <= end for start, end in own)
        if b.self_supporting_now and course_end is not None:
            b.self_supporting_days = covered_days(own, course_end + dt.timedelta(days=1), as_of)
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
    return {
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
            "original_debt": _debt_figures(group)["original_debt"],
            "current_debt": _debt_figures(group)["current_debt"],
            "repaid_pct": _debt_figures(group)["repaid_pct"],
            **_self_support(group),
            "fully_repaid": sum(1 for b in group if b.fully_repaid),
            "transferred_to_collection": sum(
                1
                for b in group
                if not b.fully_repaid
                and b.loan.collection_transferred_on is not None
                and b.loan.collection_transferred_on <= as_of
            ),
        },
    }


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
