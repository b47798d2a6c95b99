"""Importing and exporting interchange bundles (docs/INTERCHANGE.md).

``import_bundle`` reads and checks the whole bundle first and writes nothing unless it is
free of problems; then it merges it into the database in one transaction, by the bundle's keys
(cohort code, person_ref, loan_ref, payment identity), so the same bundle twice changes nothing.

Imported history is recorded as it happened: the loan policy for new grants is not applied.
Ledger entries of an import are written in bulk after the checks ``loans.ledger.post`` makes
per posting (amount > 0, debt never below zero, one entry per external id and loan) have been
made here for the whole bundle: posting 100,000 people's payments one by one would take hours.
"""

import csv
import datetime as dt
import io
import sys
import zipfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from tqdm import tqdm

from mikrolaan.accounts.models import Unit
from mikrolaan.audit.models import Action, AuditRecord
from mikrolaan.audit.services import log
from mikrolaan.cases.constants import Stage
from mikrolaan.cases.models import Case, CaseEvent
from mikrolaan.courses.models import Cohort, Participation, ParticipationStatus
from mikrolaan.interchange import schema
from mikrolaan.interchange.reader import Bundle, BundleError, Problem, load_files, parse
from mikrolaan.interchange.validate import Existing, check
from mikrolaan.loans.models import (
    PAYMENT_KINDS,
    EntryKind,
    EntrySource,
    LedgerEntry,
    Loan,
    LoanStatus,
)
from mikrolaan.outcomes.models import SupportSpell
from mikrolaan.people import cpr as cprlib
from mikrolaan.people.models import Citizen, SupportCategory

BATCH = 2000
SPELL_SOURCE = "import"
STAGE_OF_STATUS = {
    "pre_course": Stage.PRE_COURSE,
    "main_course": Stage.MAIN_COURSE,
    "completed": Stage.COMPLETED,
    "dropped_out": Stage.DROPPED_OUT,
}


@dataclass
class ImportResult:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)

    @property
    def changed(self) -> bool:
        return any(self.created.values()) or any(self.updated.values())


def read_bundle(path: Path) -> Bundle:
    """Parse a bundle without the database checks (raises ``BundleError``)."""
    files, problems = load_files(Path(path))
    bundle = parse(files, problems)
    if problems:
        raise BundleError(problems)
    return bundle


def import_bundle(path: Path, *, acting_user=None, progress: bool = False) -> ImportResult:
    """Check the whole bundle, then merge it in one transaction; raise ``BundleError`` listing
    every problem (and write nothing) if there is any."""
    files, problems = load_files(Path(path))
    bundle = parse(files, problems)
    with transaction.atomic():
        existing = check(bundle, problems)
        if problems:
            raise BundleError(problems)
        bar = tqdm(
            total=bundle.size,
            disable=not progress,
            file=sys.stderr,
            unit=_("rows"),
            desc=_("Importing"),
        )
        try:
            result = _Writer(bundle, existing, acting_user, bar).write()
        finally:
            bar.close()
        if result.changed:
            log(
                acting_user,
                Action.CREATE,
                what=f"import of {Path(path).name}: "
                + ", ".join(f"{k} +{v}" for k, v in sorted(result.created.items()) if v)
                + "; "
                + ", ".join(f"{k} ~{v}" for k, v in sorted(result.updated.items()) if v),
            )
    return result


class _Writer:
    def __init__(self, bundle: Bundle, existing: Existing, acting_user, bar):
        self.b = bundle
        self.ex = existing
        self.user = acting_user
        self.bar = bar
        self.result = ImportResult()
        self.today = timezone.localdate()
        self.events: list[CaseEvent] = []

    def write(self) -> ImportResult:
        self.cohorts()
        self.people()
        self.cases_and_participations()
        self.loans_and_payments()
        self.spells()
        self.flush_events()
        return self.result

    # --- cohorts ---------------------------------------------------------------------
    def cohorts(self):
        new, changed = [], []
        for c in self.b.cohorts:
            obj = self.ex.cohorts.get(c.code)
            values = {
                "pre_course_start": c.pre_course_start,
                "main_course_start": c.main_course_start,
                "main_course_end": c.main_course_end,
            }
            if obj is None:
                new.append(Cohort(code=c.code, **values))
            elif _assign(obj, {k: v for k, v in values.items() if v is not None}):
                changed.append(obj)
            self.bar.update()
        Cohort.objects.bulk_create(new, batch_size=BATCH)
        Cohort.objects.bulk_update(changed, list(values), batch_size=BATCH) if changed else None
        self.result.created["cohorts"] += len(new)
        self.result.updated["cohorts"] += len(changed)
        self.cohort_by_code = {c.code: c for c in Cohort.objects.all()}

    # --- people ----------------------------------------------------------------------
    def people(self):
        units = {u.name: u for u in Unit.objects.all()}
        codes = {u.code for u in units.values()}
        for name in sorted({p.unit for p in self.b.people if p.unit} - set(units)):
            code = base = slugify(name)[:34] or "enhed"
            n = 1
            while code in codes:
                n += 1
                code = f"{base}-{n}"
            codes.add(code)
            units[name] = Unit.objects.create(code=code, name=name)
            self.result.created["units"] += 1
        self.units = units
        labels = {c.label: c for c in SupportCategory.objects.all()}
        missing = sorted(
            {p.benefit_before for p in self.b.people if p.benefit_before} - set(labels)
        )
        SupportCategory.objects.bulk_create([SupportCategory(label=label) for label in missing])
        self.result.created["support categories"] += len(missing)
        labels = {c.label: c.pk for c in SupportCategory.objects.all()}

        existing = {c.person_ref: c for c in Citizen.objects.filter(person_ref__isnull=False)}
        new, changed = [], []
        fields = [
            "cpr",
            "first_name",
            "last_name",
            "birth_date",
            "birth_year",
            "gender",
            "support_before_id",
            "unit_id",
        ]
        for p in self.b.people:
            gender = p.gender or (cprlib.gender(p.cpr) if p.cpr else "")
            values = {
                "cpr": p.cpr,
                "first_name": p.first_name,
                "last_name": p.last_name,
                "birth_date": p.birth_date,
                "birth_year": p.birth_year,
                "gender": gender,
                "support_before_id": labels.get(p.benefit_before),
                "unit_id": units[p.unit].pk if p.unit else None,
            }
            obj = existing.get(p.person_ref)
            if obj is None:
                new.append(Citizen(person_ref=p.person_ref, **values))
            elif _assign(obj, {k: v for k, v in values.items() if v not in (None, "")}):
                changed.append(obj)
            self.bar.update()
        Citizen.objects.bulk_create(new, batch_size=BATCH)
        if changed:
            Citizen.objects.bulk_update(changed, fields, batch_size=BATCH)
        self.result.created["people"] += len(new)
        self.result.updated["people"] += len(changed)
        self.new_people = {c.person_ref for c in new}
        refs = {p.person_ref for p in self.b.people}
        refs |= {x.person_ref for x in self.b.participations}
        refs |= {x.person_ref for x in self.b.loans}
        refs |= {x.person_ref for x in self.b.spells}
        self.citizen = {
            c.person_ref: c
            for c in Citizen.objects.filter(person_ref__isnull=False).only(
                "pk", "person_ref", "unit_id"
            )
            if c.person_ref in refs
        }

    # --- cases and participations ----------------------------------------------------
    def cases_and_participations(self):
        fallback_unit = None
        parts_of = defaultdict(list)
        for pa in self.b.participations:
            parts_of[pa.person_ref].append(pa)
        loans_of = {lo.person_ref: lo for lo in self.b.loans}
        case_of: dict[int, Case] = {}
        for case in Case.objects.order_by("citizen_id", "-opened_on", "-pk"):
            case_of.setdefault(case.citizen_id, case)
        new_cases, changed_cases = [], []
        for ref in sorted(set(self.citizen)):
            citizen = self.citizen[ref]
            parts = sorted(
                parts_of.get(ref, []),
                key=lambda pa: self.cohort_by_code[pa.cohort_code].main_course_start,
            )
            stage, cohort = Stage.REFERRED, None
            if parts:
                stage = STAGE_OF_STATUS[parts[-1].status]
                cohort = self.cohort_by_code[parts[-1].cohort_code]
            case = case_of.get(citizen.pk)
            if case is None:
                dates = [
                    self.cohort_by_code[pa.cohort_code].pre_course_start
                    or self.cohort_by_code[pa.cohort_code].main_course_start
                    for pa in parts
                ]
                if ref in loans_of:
                    dates.append(loans_of[ref].disbursed_on)
                unit_id = citizen.unit_id
                if unit_id is None:
                    if fallback_unit is None:
                        fallback_unit, created = Unit.objects.get_or_create(
                            code="ukendt", defaults={"name": _("Unknown unit")}
                        )
                        self.result.created["units"] += int(created)
                    unit_id = fallback_unit.pk
                new_cases.append(
                    Case(
                        citizen_id=citizen.pk,
                        unit_id=unit_id,
                        opened_on=min(dates) if dates else self.today,
                        stage=stage,
                        cohort=cohort,
                    )
                )
            elif parts and (case.stage != stage or case.cohort_id != cohort.pk):
                case.stage, case.cohort = stage, cohort
                changed_cases.append(case)
        Case.objects.bulk_create(new_cases, batch_size=BATCH)
        if changed_cases:
            Case.objects.bulk_update(changed_cases, ["stage", "cohort"], batch_size=BATCH)
        self.result.created["cases"] += len(new_cases)
        self.result.updated["cases"] += len(changed_cases)
        new_citizens = {c.citizen_id for c in new_cases}
        for case in Case.objects.filter(stage__isnull=False).order_by(
            "citizen_id", "-opened_on", "-pk"
        ):
            if case.citizen_id in new_citizens and case.citizen_id not in case_of:
                case_of[case.citizen_id] = case
                self.event(case, "imported", case.opened_on, _("Imported from a bundle"))
        for case in changed_cases:
            self.event(case, "imported", self.today, _("Updated from a bundle"))
        self.case_of = case_of

        existing = {(p.case_id, p.cohort_id): p for p in Participation.objects.all()}
        dropouts = defaultdict(list)
        for e in CaseEvent.objects.filter(kind="dropout").only("case_id", "occurred_on", "data"):
            dropouts[e.case_id].append(e)
        new, changed = [], []
        for pa in self.b.participations:
            case = case_of[self.citizen[pa.person_ref].pk]
            cohort = self.cohort_by_code[pa.cohort_code]
            obj = existing.get((case.pk, cohort.pk))
            values = {"status": pa.status}
            if pa.main_course_end:
                values["main_course_end"] = pa.main_course_end
            if obj is None:
                new.append(Participation(case=case, cohort=cohort, **values))
            elif _assign(obj, values):
                changed.append(obj)
            if pa.status == ParticipationStatus.DROPPED_OUT:
                data = {
                    "reason": pa.dropout_reason,
                    "destination": pa.dropout_destination,
                    "cohort": pa.cohort_code,
                }
                if not any(
                    e.occurred_on == pa.dropout_date and e.data == data for e in dropouts[case.pk]
                ):
                    self.event(
                        case,
                        "dropout",
                        pa.dropout_date,
                        _("Dropped out of %(cohort)s (imported)") % {"cohort": pa.cohort_code},
                        data=data,
                    )
            self.bar.update()
        Participation.objects.bulk_create(new, batch_size=BATCH)
        if changed:
            Participation.objects.bulk_update(
                changed, ["status", "main_course_end"], batch_size=BATCH
            )
        self.result.created["participations"] += len(new)
        self.result.updated["participations"] += len(changed)

    # --- loans and payments ----------------------------------------------------------
    def loans_and_payments(self):
        payments_of = defaultdict(list)
        for pm in self.b.payments:
            payments_of[pm.loan_ref].append(pm)
        new, changed_transfer = [], []
        for lo in self.b.loans:
            citizen = self.citizen[lo.person_ref]
            obj = self.ex.loan_by_ref.get(lo.loan_ref)
            if obj is None:
                new.append(
                    Loan(
                        loan_ref=lo.loan_ref,
                        citizen_id=citizen.pk,
                        case=self.case_of.get(citizen.pk),
                        cohort=self.cohort_by_code[lo.cohort_code],
                        principal=lo.principal,
                        granted_on=lo.disbursed_on,
                        disbursed_on=lo.disbursed_on,
                        repayment_start=lo.repayment_start,
                        term_months=lo.term_months or schema.DEFAULT_TERM_MONTHS,
                        deferral_months_at_start=lo.deferral_months or 0,
                        collection_transferred_on=lo.collection_transferred_on,
                        status=LoanStatus.ACTIVE,
                    )
                )
            elif lo.collection_transferred_on and obj.collection_transferred_on is None:
                obj.collection_transferred_on = lo.collection_transferred_on
                changed_transfer.append(obj)
            self.bar.update()
        Loan.objects.bulk_create(new, batch_size=BATCH)
        if changed_transfer:
            Loan.objects.bulk_update(
                changed_transfer, ["collection_transferred_on"], batch_size=BATCH
            )
        self.result.created["loans"] += len(new)
        self.result.updated["loans"] += len(changed_transfer)
        touched = {lo.loan_ref for lo in self.b.loans} | set(payments_of)
        loans = {lo.loan_ref: lo for lo in Loan.objects.all() if lo.loan_ref in touched}
        new_refs = {lo.loan_ref for lo in new}
        transfer_refs = {lo.loan_ref for lo in changed_transfer} | {
            lo.loan_ref for lo in new if lo.collection_transferred_on
        }

        entries = []
        paid = defaultdict(list)  # loan pk → [(date, amount)] of all its payments
        known = defaultdict(set)
        for e in LedgerEntry.objects.filter(
            loan_id__in=[loans[r].pk for r in touched if r not in new_refs and r in loans]
        ).values("loan_id", "kind", "source", "external_id", "value_date", "amount", "pk"):
            if e["source"] == EntrySource.IMPORT and e["external_id"]:
                known[e["loan_id"]].add(e["external_id"])
            if e["kind"] in PAYMENT_KINDS:
                paid[e["loan_id"]].append((e["value_date"], e["amount"]))
        for ref in new_refs:
            loan = loans[ref]
            entries.append(
                self.entry(
                    loan,
                    EntryKind.DISBURSEMENT,
                    loan.principal,
                    loan.disbursed_on,
                    1,
                    "disbursement",
                )
            )
        for ref, payments in payments_of.items():
            loan = loans[ref]
            for pm in payments:
                if pm.identity not in known[loan.pk]:
                    known[loan.pk].add(pm.identity)
                    entries.append(
                        self.entry(
                            loan, EntryKind.REPAYMENT, pm.amount, pm.paid_on, -1, pm.identity
                        )
                    )
                    paid[loan.pk].append((pm.paid_on, pm.amount))
                    self.result.created["payments"] += 1
                self.bar.update()
        for ref in transfer_refs:
            loan = loans[ref]
            day = loan.collection_transferred_on
            owed = loan.principal - sum((a for d, a in paid[loan.pk] if d <= day), Decimal("0"))
            if "collection_transfer" not in known[loan.pk]:
                entries.append(
                    self.entry(
                        loan,
                        EntryKind.COLLECTION_TRANSFER,
                        owed if owed > 0 else loan.principal,
                        day,
                        0,
                        "collection_transfer",
                    )
                )
        LedgerEntry.objects.bulk_create(entries, batch_size=BATCH)
        # Status is a projection of the ledger and the transfer; bring it in line.
        changed = []
        for loan in loans.values():
            total = sum((a for _d, a in paid[loan.pk]), Decimal("0"))
            if total >= loan.principal:
                status = LoanStatus.REPAID
            elif loan.collection_transferred_on:
                status = LoanStatus.IN_COLLECTION
            else:
                status = LoanStatus.ACTIVE
            if loan.status != status and loan.status != LoanStatus.WRITTEN_OFF:
                loan.status = status
                changed.append(loan)
        if changed:
            Loan.objects.bulk_update(changed, ["status"], batch_size=BATCH)

    def entry(self, loan, kind, amount, day, sign, external_id):
        return LedgerEntry(
            loan=loan,
            kind=kind,
            amount=amount,
            debt_delta=amount * sign,
            value_date=day,
            source=EntrySource.IMPORT,
            external_id=external_id,
            recorded_by=self.user,
            why=_("Imported from a bundle"),
        )

    # --- spells ----------------------------------------------------------------------
    def spells(self):
        new = []
        for sp in self.b.spells:
            citizen = self.citizen[sp.person_ref]
            match = next(
                (
                    s
                    for s in self.ex.spells.get(citizen.pk, [])
                    if (s.status, s.start) == (sp.status, sp.start)
                ),
                None,
            )
            if match is not None and match.end == sp.end:
                self.bar.update()
                continue
            new.append(
                SupportSpell(
                    citizen_id=citizen.pk,
                    status=sp.status,
                    start=sp.start,
                    end=sp.end,
                    source=SPELL_SOURCE,
                    corrects_id=match.pk if match else None,
                    recorded_by=self.user,
                )
            )
            self.bar.update()
        SupportSpell.objects.bulk_create(new, batch_size=BATCH)
        self.result.created["support spells"] += len(new)

    # --- case events -----------------------------------------------------------------
    def event(self, case, kind, day, summary, data=None):
        self.events.append(
            CaseEvent(
                case=case,
                kind=kind,
                occurred_on=day,
                summary=summary,
                data=data or {},
                recorded_by=self.user,
            )
        )

    def flush_events(self):
        """What ``cases.events.record_event`` writes (event + audit record), in bulk."""
        CaseEvent.objects.bulk_create(self.events, batch_size=BATCH)
        user = self.user if (self.user is not None and self.user.is_authenticated) else None
        AuditRecord.objects.bulk_create(
            [
                AuditRecord(
                    user=user,
                    action=Action.CREATE,
                    citizen_id=e.case.citizen_id,
                    object_type=CaseEvent._meta.label,
                    object_id=str(e.pk) if e.pk else "",
                    what=f"{e.kind}: {e.summary}"[:500],
                )
                for e in self.events
            ],
            batch_size=BATCH,
        )
        self.result.created["case events"] += len(self.events)


def _assign(obj, values: dict) -> bool:
    """Set the values that differ; say whether anything did."""
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


# --- export --------------------------------------------------------------------------------


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
    reversed_ids = set(
        LedgerEntry.objects.filter(kind=EntryKind.REVERSAL).values_list("reverses_id", flat=True)
    )
    for e in LedgerEntry.objects.filter(kind__in=PAYMENT_KINDS).order_by(
        "loan_id", "value_date", "pk"
    ):
        if e.pk in reversed_ids or e.loan_id not in loans:
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
        path.mkdir(parents=True, exist_ok=True)
        for name, data in contents.items():
            (path / name).write_bytes(data)
    return {name: len(tables.get(name, [])) for name in contents}


def export_bundle(path: Path, *, acting_user=None) -> dict[str, int]:
    with transaction.atomic():  # one consistent snapshot
        tables = bundle_tables()
        log(acting_user, Action.EXTRACT, what=f"export of a bundle to {Path(path).name}")
    return write_bundle(tables, path)


__all__ = [
    "BundleError",
    "ImportResult",
    "Problem",
    "bundle_tables",
    "export_bundle",
    "import_bundle",
    "read_bundle",
    "write_bundle",
]
