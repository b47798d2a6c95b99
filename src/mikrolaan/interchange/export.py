"""Exporting the database as an interchange bundle (docs/INTERCHANGE.md): a folder of CSV
files or a zip of them, the same files ``services.import_bundle`` reads."""

import csv
import datetime as dt
import io
import zipfile
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from mikrolaan.audit.models import Action
from mikrolaan.audit.services import log
from mikrolaan.cases.models import CaseEvent
from mikrolaan.core.private_files import private_dir, write_private
from mikrolaan.courses.models import Cohort, Participation, ParticipationStatus
from mikrolaan.interchange import assessments, schema
from mikrolaan.loans import queries
from mikrolaan.loans.models import EntrySource, Loan
from mikrolaan.outcomes.models import SupportSpell
from mikrolaan.people.models import Citizen


def bundle_tables() -> dict[str, list[dict]]:
    """Everything in the database as bundle rows, by file name (a few queries)."""
    tables: dict[str, list[dict]] = {spec.name: [] for spec in schema.FILES}
    for c in Cohort.objects.order_by("main_course_start", "code"):
        tables["cohorts.csv"].append(
            {
                "code": c.code,
                "pre_course_start": c.pre_course_start,
                "main_course_start": c.main_course_start,
                "main_course_end": c.main_course_end,
            }
        )
    ref_of = {}
    for c in Citizen.objects.select_related("unit", "support_before").order_by("pk"):
        ref = c.person_ref or f"citizen-{c.pk}"
        ref_of[c.pk] = ref
        tables["people.csv"].append(
            {
                "person_ref": ref,
                "cpr": c.cpr or "",
                "first_name": c.first_name,
                "last_name": c.last_name,
                "birth_date": c.birth_date,
                "birth_year": c.birth_year,
                "gender": c.gender,
                "benefit_before": c.support_before.label if c.support_before else "",
                "unit": c.unit.name if c.unit else "",
            }
        )
    dropouts = defaultdict(list)
    for e in CaseEvent.objects.filter(kind="dropout", corrections__isnull=True).order_by(
        "occurred_on", "pk"
    ):
        dropouts[e.case_id].append(e)
    for p in Participation.objects.select_related("case", "cohort").order_by("pk"):
        if p.status not in schema.PARTICIPATION_STATUSES:
            continue  # `moved`: the later participation carries the person on
        row = {
            "person_ref": ref_of[p.case.citizen_id],
            "cohort_code": p.cohort.code,
            "status": p.status,
            "main_course_end": p.main_course_end,
        }
        if p.status == ParticipationStatus.DROPPED_OUT:
            events = dropouts.get(p.case_id, [])
            event = next((e for e in events if e.data.get("cohort") == p.cohort.code), None)
            event = event or (events[-1] if events else None)
            data = event.data if event else {}
            row["dropout_date"] = event.occurred_on if event else p.created_at.date()
            row["dropout_reason"] = data.get("reason") or "other"
            row["dropout_destination"] = data.get("destination") or "other"
        tables["participations.csv"].append(row)
    loans = {}
    for lo in Loan.objects.select_related("cohort", "case__cohort").order_by("loan_ref"):
        cohort = lo.cohort or (lo.case.cohort if lo.case else None)
        if lo.disbursed_on is None or cohort is None:
            continue  # not paid out, or no cohort: not a loan of the bundle
        loans[lo.pk] = lo
        tables["loans.csv"].append(
            {
                "loan_ref": lo.loan_ref,
                "person_ref": ref_of[lo.citizen_id],
                "cohort_code": cohort.code,
                "principal": lo.principal,
                "disbursed_on": lo.disbursed_on,
                "repayment_start": lo.repayment_start or lo.disbursed_on,
                "term_months": lo.term_months,
                "deferral_months": lo.deferral_months_at_start,
                "collection_transferred_on": lo.collection_transferred_on,
            }
        )
    for e in queries.effective_payments().order_by("loan_id", "value_date", "pk"):
        if e.loan_id not in loans:
            continue
        if e.source == EntrySource.IMPORT and e.external_id.startswith("ref:"):
            reference = e.external_id[4:]
        elif e.source == EntrySource.IMPORT or not e.external_id:
            reference = ""
        else:
            reference = f"{e.source}:{e.external_id}"
        tables["payments.csv"].append(
            {
                "loan_ref": loans[e.loan_id].loan_ref,
                "paid_on": e.value_date,
                "amount": e.amount,
                "reference": reference,
            }
        )
    for s in SupportSpell.objects.filter(withdrawn=False, corrected_by__isnull=True).order_by(
        "citizen_id", "start"
    ):
        tables["support_spells.csv"].append(
            {
                "person_ref": ref_of[s.citizen_id],
                "status": s.status,
                "start": s.start,
                "end": s.end,
            }
        )
    tables[schema.ASSESSMENTS.name] = assessments.export_rows(ref_of)
    return tables


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def write_bundle(tables: dict[str, list[dict]], path: Path) -> dict[str, int]:
    """Write bundle files (a folder, or a .zip when ``path`` ends in .zip)."""
    path = Path(path)
    contents = {}
    for spec in schema.FILES:
        if not spec.written_when_empty and not tables.get(spec.name):
            continue  # an optional addition: a bundle without it is what v1 readers know
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(spec.columns)
        for row in tables.get(spec.name, []):
            writer.writerow([_cell(row.get(column)) for column in spec.columns])
        contents[spec.name] = out.getvalue().encode("utf-8")
    if path.suffix.lower() == ".zip":
        path.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in contents.items():
                archive.writestr(name, data)
    else:
        private_dir(path)
        for name, data in contents.items():
            write_private(path / name, data)
    return {name: len(tables.get(name, [])) for name in contents}


def export_bundle(path: Path, *, acting_user=None) -> dict[str, int]:
    with transaction.atomic():  # one consistent snapshot
        tables = bundle_tables()
        log(acting_user, Action.EXTRACT, what=f"export of a bundle to {Path(path).name}")
    return write_bundle(tables, path)
