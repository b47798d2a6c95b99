"""The pseudonymised research export for evaluators (DOMAIN.md, "Personal data").

``write_pseudonymised_bundle(path, key=…)`` writes the interchange bundle's files in
INTERCHANGE.md's column layout, but:

- no CPR number and no names, no birth date: ``people.csv`` holds ``person_ref``,
  ``birth_year``, ``gender``, ``benefit_before`` and ``unit`` only;
- ``person_ref`` (and ``loan_ref``) are pseudonyms, HMAC-SHA256 under the export key of the
  person's identity (CPR, else bundle key, else database id), truncated: the same person gets
  the same pseudonym in every export made with one key, and pseudonyms made with different
  keys cannot be linked;
- payment references are left out (they are bank data);
- ``aggregates/*.csv`` hold counts per cohort, where a count below ``min_count`` (but above
  zero) is suppressed and written as ``<min_count``; further cells (the smallest
  complementary ones, or a total) are left empty until no suppressed cell can be found by
  subtraction, within a table or across the tables that share totals (``core.suppression``,
  checked over all the sums at once).

``mikrolaan research_export PATH --key-file F`` runs it; the interchange app's ``export
--pseudonymised`` is meant to call this function.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import hmac
from collections import Counter, defaultdict
from pathlib import Path

from mikrolaan.core.cells import csv_text
from mikrolaan.core.private_files import private_dir
from mikrolaan.outcomes import rules

PSEUDONYM_LENGTH = 20  # hex characters: 80 bits
MIN_KEY_BYTES = 16

PEOPLE_COLUMNS = ["person_ref", "birth_year", "gender", "benefit_before", "unit"]
COHORT_COLUMNS = ["code", "pre_course_start", "main_course_start", "main_course_end"]
PARTICIPATION_COLUMNS = [
    "person_ref",
    "cohort_code",
    "status",
    "main_course_end",
    "dropout_date",
    "dropout_reason",
    "dropout_destination",
]
LOAN_COLUMNS = [
    "loan_ref",
    "person_ref",
    "cohort_code",
    "principal",
    "disbursed_on",
    "repayment_start",
    "term_months",
    "deferral_months",
    "collection_transferred_on",
]
PAYMENT_COLUMNS = ["loan_ref", "paid_on", "amount"]
SPELL_COLUMNS = ["person_ref", "status", "start", "end"]
AGE_BANDS = [("<=30", 0, 30), ("31-40", 31, 40), ("41-50", 41, 50), ("51-60", 51, 60)]


class ExportKeyError(ValueError):
    pass


def pseudonym(key: bytes, identity: str) -> str:
    return hmac.new(key, identity.encode(), hashlib.sha256).hexdigest()[:PSEUDONYM_LENGTH]


def person_identity(citizen) -> str:
    if citizen.cpr:
        return f"cpr:{citizen.cpr}"
    if citizen.person_ref:
        return f"ref:{citizen.person_ref}"
    return f"id:{citizen.pk}"


def age_band(age: int | None) -> str:
    if age is None:
        return "unknown"
    for name, low, high in AGE_BANDS:
        if low <= age <= high:
            return name
    return "61+"


def _date(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


def _write(path: Path, columns: list[str], rows) -> int:
    n = 0
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            # People open these files in a spreadsheet: a formula-like text stays text.
            writer.writerow(["" if row.get(c) is None else csv_text(row[c]) for c in columns])
            n += 1
    return n


def write_pseudonymised_bundle(
    path,
    *,
    key: bytes,
    min_count: int | None = None,
    as_of: dt.date | None = None,
    acting_user=None,
) -> dict:
    """Write the pseudonymised bundle into the folder ``path``; returns {file: rows}."""
    from django.utils import timezone

    from mikrolaan.audit.models import Action
    from mikrolaan.audit.services import log
    from mikrolaan.cases.models import CaseEvent
    from mikrolaan.courses.models import Cohort, Participation, ParticipationStatus
    from mikrolaan.loans import queries
    from mikrolaan.loans.models import Loan
    from mikrolaan.outcomes.funnel import (
        DROPOUT_DESTINATION_KEY,
        DROPOUT_REASON_KEY,
        KIND_DROPOUT,
        compute_funnel,
        replaced_events,
    )
    from mikrolaan.outcomes.models import SupportSpell
    from mikrolaan.people.models import Citizen

    if not isinstance(key, bytes) or len(key) < MIN_KEY_BYTES:
        raise ExportKeyError(f"the export key must be at least {MIN_KEY_BYTES} bytes")
    if min_count is None:
        from mikrolaan.core.suppression import threshold

        min_count = threshold()  # the same setting as the report's for aggregate roles
    if min_count < 1:
        raise ValueError("min_count must be at least 1")
    as_of = as_of or timezone.localdate()
    out = Path(path)
    private_dir(out)
    private_dir(out / "aggregates")

    citizens = list(Citizen.objects.select_related("support_before", "unit").order_by("pk"))
    ref = {c.pk: pseudonym(key, person_identity(c)) for c in citizens}
    written = {}

    written["people.csv"] = _write(
        out / "people.csv",
        PEOPLE_COLUMNS,
        sorted(
            (
                {
                    "person_ref": ref[c.pk],
                    "birth_year": c.birth_year or (c.birth_date.year if c.birth_date else None),
                    "gender": c.gender,
                    "benefit_before": c.support_before.label if c.support_before else "",
                    "unit": c.unit.code if c.unit else "",
                }
                for c in citizens
            ),
            key=lambda r: r["person_ref"],  # database order could hint at who is who
        ),
    )
    cohorts = list(Cohort.objects.all())
    written["cohorts.csv"] = _write(
        out / "cohorts.csv",
        COHORT_COLUMNS,
        (
            {
                "code": c.code,
                "pre_course_start": _date(c.pre_course_start),
                "main_course_start": _date(c.main_course_start),
                "main_course_end": _date(c.main_course_end),
            }
            for c in cohorts
        ),
    )

    dropouts = {}
    for e in (
        CaseEvent.objects.filter(kind=KIND_DROPOUT)
        .exclude(pk__in=replaced_events())
        .order_by("occurred_on", "pk")
        .values("case_id", "occurred_on", "data")
    ):
        dropouts[e["case_id"]] = e
    participations = []
    for p in (
        Participation.objects.exclude(status=ParticipationStatus.MOVED)
        .exclude(case__stage="registered_in_error")  # counts nowhere (cases.Stage)
        .select_related("cohort", "case")
        .order_by("cohort__main_course_start", "pk")
    ):
        drop = dropouts.get(p.case_id) if p.status == ParticipationStatus.DROPPED_OUT else None
        data = (drop or {}).get("data") or {}
        participations.append(
            {
                "person_ref": ref[p.case.citizen_id],
                "cohort_code": p.cohort.code,
                "status": p.status,
                "main_course_end": _date(p.main_course_end),
                "dropout_date": _date(drop["occurred_on"]) if drop else "",
                "dropout_reason": data.get(DROPOUT_REASON_KEY, ""),
                "dropout_destination": data.get(DROPOUT_DESTINATION_KEY, ""),
            }
        )
    participations.sort(key=lambda r: (r["cohort_code"], r["person_ref"]))
    written["participations.csv"] = _write(
        out / "participations.csv", PARTICIPATION_COLUMNS, participations
    )

    loans = list(
        Loan.objects.filter(disbursed_on__isnull=False).select_related("cohort").order_by("pk")
    )
    loan_ref = {loan.pk: "L" + pseudonym(key, f"loan:{loan.loan_ref}") for loan in loans}
    written["loans.csv"] = _write(
        out / "loans.csv",
        LOAN_COLUMNS,
        sorted(
            (
                {
                    "loan_ref": loan_ref[loan.pk],
                    "person_ref": ref[loan.citizen_id],
                    "cohort_code": loan.cohort.code if loan.cohort else "",
                    "principal": f"{loan.principal:.2f}",
                    "disbursed_on": _date(loan.disbursed_on),
                    "repayment_start": _date(loan.repayment_start),
                    "term_months": loan.term_months,
                    "deferral_months": loan.deferral_months_at_start,
                    "collection_transferred_on": _date(loan.collection_transferred_on),
                }
                for loan in loans
            ),
            key=lambda r: r["loan_ref"],
        ),
    )
    # Money received by the export's date, less what a reversal by then took back (the
    # ledger's one definition, so a reversal dated after ``as_of`` does not count yet).
    payments = (
        queries.effective_payments(as_of, Loan.objects.filter(disbursed_on__isnull=False))
        .order_by("loan_id", "value_date", "pk")
        .values("loan_id", "value_date", "amount")
    )
    written["payments.csv"] = _write(
        out / "payments.csv",
        PAYMENT_COLUMNS,
        (
            {
                "loan_ref": loan_ref[p["loan_id"]],
                "paid_on": _date(p["value_date"]),
                "amount": f"{p['amount']:.2f}",
            }
            for p in payments
        ),
    )
    spells = list(
        SupportSpell.objects.filter(withdrawn=False, corrected_by__isnull=True).order_by(
            "citizen_id", "start"
        )
    )
    written["support_spells.csv"] = _write(
        out / "support_spells.csv",
        SPELL_COLUMNS,
        sorted(
            (
                {
                    "person_ref": ref[s.citizen_id],
                    "status": s.status,
                    "start": _date(s.start),
                    "end": _date(s.end),
                }
                for s in spells
            ),
            key=lambda r: (r["person_ref"], r["start"]),
        ),
    )

    written.update(
        _write_aggregates(
            out / "aggregates",
            citizens=citizens,
            loans=loans,
            spells=spells,
            cohorts=cohorts,
            min_count=min_count,
            as_of=as_of,
            funnel=compute_funnel(as_of),
        )
    )
    log(
        acting_user,
        Action.EXTRACT,
        what=f"pseudonymised research export as of {as_of.isoformat()}: "
        f"{written['people.csv']} people, counts below {min_count} suppressed",
    )
    return written


def _write_aggregates(folder: Path, *, citizens, loans, spells, cohorts, min_count, as_of, funnel):
    """Counts per cohort of borrowers (the loan's cohort), with small counts suppressed.

    The three tables of borrowers (by gender, by age, by status now) share their row totals
    (the borrowers of a cohort) and their column totals, so they are suppressed together, as
    one publication (``core.suppression``); the funnel and the dropouts likewise.
    """
    from mikrolaan.core.suppression import Grid, get_at
    from mikrolaan.core.suppression import suppress as suppress_grid
    from mikrolaan.outcomes.funnel import suppress_funnel

    by_pk = {c.pk: c for c in citizens}
    spells_of = defaultdict(list)
    for s in spells:
        spells_of[s.citizen_id].append(s)
    codes = [c.code for c in cohorts]
    borrowers = defaultdict(list)
    for loan in loans:
        if loan.disbursed_on <= as_of:
            borrowers[loan.cohort.code if loan.cohort else ""].append(by_pk[loan.citizen_id])
    groups = [code for code in codes if borrowers.get(code)] + ([""] if borrowers.get("") else [])
    groups_total = [*groups, "total"]

    def members(group):
        if group == "total":
            return [c for g in groups for c in borrowers[g]]
        return borrowers[group]

    def age_of(c):
        year = c.birth_year or (c.birth_date.year if c.birth_date else None)
        return age_band(as_of.year - year if year else None)

    def status_of(c):
        spell = rules.covering(spells_of[c.pk], as_of)
        if spell is None:
            return "no_status"
        return "self_supporting" if rules.is_self_supporting(spell) else "public_support"

    gender_cols = ["F", "M", "unknown"]
    bands = [name for name, _low, _high in AGE_BANDS] + ["61+", "unknown"]
    status_cols = ["self_supporting", "public_support", "no_status"]
    tables = {
        "gender": (gender_cols, lambda c: c.gender or "unknown"),
        "age": (bands, age_of),
        "status": (status_cols, status_of),
    }
    counts = {}
    for g in groups_total:
        people = members(g)
        counts[("borrowers", g)] = len(people)
        for name, (columns, classify) in tables.items():
            found = Counter(classify(c) for c in people)
            for col in columns:
                counts[(name, g, col)] = found[col]
    grid = Grid()
    for key, n in counts.items():
        grid.cell(key, n, margin=key[0] == "borrowers" or key[1] == "total")
    for g in groups_total:
        for name, (columns, _classify) in tables.items():
            grid.add_sum(("borrowers", g), [(name, g, col) for col in columns])
    for name, (columns, _classify) in tables.items():
        for col in columns:
            grid.add_sum((name, "total", col), [(name, g, col) for g in groups])
    grid.add_sum(("borrowers", "total"), [("borrowers", g) for g in groups])
    hidden = suppress_grid(grid, min_count)

    def shown(key, n):
        if key not in hidden:
            return str(n)
        # A small count says so; a count hidden so that a small one cannot be worked out
        # (secondary suppression: totals and complementary cells) is left empty.
        return f"<{min_count}" if 0 < n < min_count else ""

    def row(name, g):
        columns = tables[name][0]
        return {
            "cohort": g,
            **{col: shown((name, g, col), counts[(name, g, col)]) for col in columns},
        }

    written = {}
    rows = [
        {"borrowers": shown(("borrowers", g), counts[("borrowers", g)]), **row("gender", g)}
        for g in groups_total
    ]
    written["aggregates/borrowers_by_gender.csv"] = _write(
        folder / "borrowers_by_gender.csv", ["cohort", "borrowers", *gender_cols], rows
    )
    written["aggregates/borrowers_by_age.csv"] = _write(
        folder / "borrowers_by_age.csv", ["cohort", *bands], [row("age", g) for g in groups_total]
    )
    written["aggregates/borrowers_status_now.csv"] = _write(
        folder / "borrowers_status_now.csv",
        ["cohort", *status_cols],
        [row("status", g) for g in groups_total],
    )

    published = suppress_funnel(funnel, min_count)
    hidden_funnel = set(published["suppression"]["cells"])

    def shown_funnel(ptr):
        n = get_at(funnel, ptr)
        if ptr not in hidden_funnel:
            return str(n)
        return f"<{min_count}" if 0 < n < min_count else ""

    steps = funnel["steps"]
    rows = [
        {"cohort": r["cohort"] or "", **{s: shown_funnel(f"/cohorts/{i}/{s}") for s in steps}}
        for i, r in enumerate(funnel["cohorts"])
    ]
    rows.append({"cohort": "total", **{s: shown_funnel(f"/totals/{s}") for s in steps}})
    written["aggregates/funnel.csv"] = _write(folder / "funnel.csv", ["cohort", *steps], rows)

    rows = [
        {"kind": kind, "code": code, "count": shown_funnel(f"/totals/{key}/{code}")}
        for kind, key in (("reason", "dropout_reasons"), ("destination", "dropout_destinations"))
        for code in funnel["totals"][key]
    ]
    written["aggregates/dropouts.csv"] = _write(
        folder / "dropouts.csv", ["kind", "code", "count"], rows
    )
    return written
