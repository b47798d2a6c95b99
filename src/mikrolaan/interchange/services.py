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

from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from tqdm import tqdm

from mikrolaan.accounts.models import Unit
from mikrolaan.audit.models import Action, AuditRecord
from mikrolaan.audit.services import log, origin_fields
from mikrolaan.cases.constants import Stage
from mikrolaan.cases.models import Case, CaseEvent
from mikrolaan.core.bulk import cyclic_gc_paused, in_parts, new_ids, update_rows
from mikrolaan.core.private_files import private_dir, write_private
from mikrolaan.courses.models import Cohort, Participation, ParticipationStatus
from mikrolaan.interchange import assessments, schema
from mikrolaan.interchange.bulk import insert
from mikrolaan.interchange.reader import Bundle, BundleError, Problem, load_files, parse
from mikrolaan.interchange.validate import Existing, check
from mikrolaan.loans import queries
from mikrolaan.loans.lifecycle import bulk_transitions
from mikrolaan.loans.models import (
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
    with cyclic_gc_paused():
        return _import(Path(path), acting_user=acting_user, progress=progress)


def _import(path: Path, *, acting_user, progress: bool) -> ImportResult:
    files, problems = load_files(path)
    bundle = parse(files, problems)
    with transaction.atomic():
        _lock_imports()
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


IMPORT_LOCK = 0x4D494B52  # "MIKR": one import at a time, checked against what is committed


def _lock_imports() -> None:
    """Serialise imports, so two runs of the same bundle cannot both see it as new.

    PostgreSQL: a transaction-level advisory lock. SQLite: the project opens write
    transactions IMMEDIATE (settings), which already lets only one writer in.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK])


class _Writer:
    def __init__(self, bundle: Bundle, existing: Existing, acting_user, bar):
        self.b = bundle
        self.ex = existing
        self.user = acting_user
        self.user_id = (
            acting_user.pk if acting_user is not None and acting_user.is_authenticated else None
        )
        self.bar = bar
        self.result = ImportResult()
        self.today = timezone.localdate()
        self.now = timezone.now()  # one stamp for every record this import writes
        self.events: list[dict] = []
        self.touched_loan_pks: set[int] = set()
        # Translated once: ``gettext`` per row is a noticeable part of a 100,000-person import.
        self.imported = _("Imported from a bundle")

    def write(self) -> ImportResult:
        self.cohorts()
        self.people()
        self.cases_and_participations()
        self.loans_and_payments()
        self.loan_projections()
        self.spells()
        self.assessments()
        self.flush_events()
        return self.result

    def loan_projections(self):
        """Give every loan already in the database that this import touched what the loans
        app derives for it: a payment ID (so the citizen's bank payments keep matching) and
        the stored repayment plan that the daily servicing run reads. (New loans are written
        with both: ``new_loans``.)"""
        from mikrolaan.loans.plan import rederive_many
        from mikrolaan.loans.services import payment_id_for

        touched = self.touched_loan_pks
        if not touched:
            return
        missing = []
        for chunk in in_parts(sorted(touched), BATCH):
            missing += Loan.objects.filter(pk__in=chunk, payment_id__isnull=True).values_list(
                "pk", flat=True
            )
        update_rows(Loan, ["payment_id"], [(pk, payment_id_for(pk)) for pk in missing])
        rederive_many(touched)

    def new_loans(self, rows: list[dict], entries: list[dict], steps: list) -> None:
        """Write the bundle's new loans whole: their ids taken beforehand (``rows`` and
        ``entries`` carry them), the status their ``steps`` lead to (``loans.lifecycle``),
        the payment ID, and the plan and kept figures the loans app derives
        (``loans.plan.derive_rows``) from the entries in memory, so that nothing written is
        read back or written twice. A ``repayment_start`` later than the policy's first
        instalment becomes a recorded deferral at start, so the plan starts there."""
        from mikrolaan.loans.lifecycle import walk_transitions, write_transitions
        from mikrolaan.loans.models import Deferral
        from mikrolaan.loans.plan import KEPT_COLUMNS, derive_rows, policy_among
        from mikrolaan.loans.schedule import Deferral as PlanDeferral
        from mikrolaan.loans.schedule import month_index, month_start
        from mikrolaan.loans.services import payment_id_for
        from mikrolaan.policy.models import LoanPolicy

        transitions, status = walk_transitions(
            steps,
            {row["id"]: "" for row in rows},
            acting_user=self.user if self.user_id else None,
            why=_("From an imported bundle"),
        )
        policies = list(LoanPolicy.objects.order_by("valid_from"))
        deferrals, plan_deferrals = [], {}
        reason = _("Repayment start from an imported bundle")
        paid_out = [_NewLoan(row) for row in rows if row["disbursed_on"] is not None]
        for loan in paid_out if policies else ():
            if loan.repayment_start is None:
                continue
            policy = policy_among(loan, policies)
            default = month_index(loan.disbursed_on) + policy.months_to_first_instalment
            gap = month_index(loan.repayment_start) - default
            if gap > 0:
                deferrals.append(
                    {
                        "loan_id": loan.pk,
                        "decided_on": loan.disbursed_on,
                        "first_month": month_start(default),
                        "months": gap,
                        "at_start": True,
                        "reason": reason,
                        "recorded_by_id": self.user_id,
                        "recorded_at": self.now,
                    }
                )
                plan_deferrals[loan.pk] = [PlanDeferral(default, gap)]
        derived = None
        if policies:
            derived = derive_rows(
                paid_out,
                policies,
                plan_deferrals,
                (
                    (e["id"], e["loan_id"], e["kind"], e["amount"], e["value_date"], None,
                     e["debt_delta"], "")
                    for e in entries
                ),
            )  # fmt: skip
        for row in rows:
            pk = row["id"]
            row["status"] = status[pk]
            row["payment_id"] = payment_id_for(pk)
            if derived is not None and pk in derived.columns:
                row.update(zip(KEPT_COLUMNS, derived.columns[pk], strict=True))
        # ``insert`` takes its columns from the first row: every row names the same ones.
        columns = list(rows[0]) if rows else []
        insert(Loan, [{name: row.get(name) for name in columns} for row in rows])
        insert(LedgerEntry, entries)
        insert(Deferral, deferrals)
        write_transitions(transitions)
        if derived is not None:
            derived.write()

    # --- cohorts ---------------------------------------------------------------------
    def cohorts(self):
        new, changed = [], []
        fields = ["pre_course_start", "main_course_start", "main_course_end"]
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
        if changed:
            Cohort.objects.bulk_update(changed, fields, batch_size=BATCH)
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
        labels = {c.label: c for c in SupportCategory.objects.all()}
        missing = sorted(
            {p.benefit_before for p in self.b.people if p.benefit_before} - set(labels)
        )
        SupportCategory.objects.bulk_create([SupportCategory(label=label) for label in missing])
        self.result.created["support categories"] += len(missing)
        labels = {c.label: c.pk for c in SupportCategory.objects.all()}

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
        existing = {
            row[0]: (row[1], dict(zip(fields, row[2:], strict=True)))
            for row in Citizen.objects.filter(person_ref__isnull=False).values_list(
                "person_ref", "pk", *fields
            )
        }
        new, updates = [], {}
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
            known = existing.get(p.person_ref)
            if known is None:
                new.append({"person_ref": p.person_ref, **values})
            else:
                # An empty cell is "not known": it never erases what the database knows.
                given = {k: v for k, v in values.items() if v not in (None, "")}
                if any(known[1][k] != v for k, v in given.items()):
                    updates[known[0]] = given
            self.bar.update()
        insert(Citizen, new)
        changed = []
        for obj in _in_bulk(Citizen, list(updates)):
            if _assign(obj, updates[obj.pk]):
                changed.append(obj)
        if changed:
            Citizen.objects.bulk_update(changed, fields, batch_size=BATCH)
        self.result.created["people"] += len(new)
        self.result.updated["people"] += len(changed)
        refs = {p.person_ref for p in self.b.people}
        refs |= {x.person_ref for x in self.b.participations}
        refs |= {x.person_ref for x in self.b.loans}
        refs |= {x.person_ref for x in self.b.spells}
        refs |= {x.person_ref for x in self.b.assessments}
        # person_ref → (citizen pk, unit pk)
        self.citizen = {
            ref: (pk, unit_id)
            for ref, pk, unit_id in Citizen.objects.filter(person_ref__isnull=False).values_list(
                "person_ref", "pk", "unit_id"
            )
            if ref in refs
        }

    # --- cases and participations ----------------------------------------------------
    def cases_and_participations(self):
        fallback_unit = None
        parts_of = defaultdict(list)
        for pa in self.b.participations:
            parts_of[pa.person_ref].append(pa)
        loans_of = {lo.person_ref: lo for lo in self.b.loans}
        first_answer = assessments.opening_dates(self.b)
        case_of: dict[int, tuple] = {}  # citizen pk → (case pk, stage, cohort pk)
        for row in Case.objects.order_by("citizen_id", "-opened_on", "-pk").values_list(
            "citizen_id", "pk", "stage", "cohort_id"
        ):
            case_of.setdefault(row[0], row[1:])
        new_cases, changed_cases = [], {}
        for ref in sorted(self.citizen):
            citizen_pk, unit_id = self.citizen[ref]
            parts = sorted(
                parts_of.get(ref, []),
                key=lambda pa: self.cohort_by_code[pa.cohort_code].main_course_start,
            )
            stage, cohort_id = Stage.REFERRED, None
            if parts:
                stage = STAGE_OF_STATUS[parts[-1].status]
                cohort_id = self.cohort_by_code[parts[-1].cohort_code].pk
            case = case_of.get(citizen_pk)
            if case is None:
                dates = [
                    self.cohort_by_code[pa.cohort_code].pre_course_start
                    or self.cohort_by_code[pa.cohort_code].main_course_start
                    for pa in parts
                ]
                if ref in loans_of:
                    dates.append(loans_of[ref].disbursed_on)
                if ref in first_answer:
                    dates.append(first_answer[ref])
                if unit_id is None:
                    if fallback_unit is None:
                        fallback_unit, created = Unit.objects.get_or_create(
                            code="ukendt", defaults={"name": _("Unknown unit")}
                        )
                        self.result.created["units"] += int(created)
                    unit_id = fallback_unit.pk
                new_cases.append(
                    {
                        "citizen_id": citizen_pk,
                        "unit_id": unit_id,
                        "opened_on": min(dates) if dates else self.today,
                        "stage": stage,
                        "cohort_id": cohort_id,
                    }
                )
            elif parts and (case[1] != stage or case[2] != cohort_id):
                changed_cases[case[0]] = (stage, cohort_id)
        insert(Case, new_cases)
        if changed_cases:
            objs = []
            for obj in _in_bulk(Case, list(changed_cases)):
                obj.stage, obj.cohort_id = changed_cases[obj.pk]
                objs.append(obj)
                self.event(
                    obj.pk, obj.citizen_id, "imported", self.today, _("Updated from a bundle")
                )
            Case.objects.bulk_update(objs, ["stage", "cohort"], batch_size=BATCH)
        self.result.created["cases"] += len(new_cases)
        self.result.updated["cases"] += len(changed_cases)
        new_citizens = {c["citizen_id"] for c in new_cases}
        for citizen_id, pk, opened_on in Case.objects.order_by(
            "citizen_id", "-opened_on", "-pk"
        ).values_list("citizen_id", "pk", "opened_on"):
            if citizen_id in new_citizens and citizen_id not in case_of:
                case_of[citizen_id] = (pk, None, None)
                self.event(pk, citizen_id, "imported", opened_on, self.imported)
        self.case_of = {citizen: row[0] for citizen, row in case_of.items()}

        existing = {
            (case_id, cohort_id): (pk, status, own_end)
            for pk, case_id, cohort_id, status, own_end in Participation.objects.values_list(
                "pk", "case_id", "cohort_id", "status", "main_course_end"
            )
        }
        dropouts = defaultdict(list)
        for case_id, day, data in CaseEvent.objects.filter(kind="dropout").values_list(
            "case_id", "occurred_on", "data"
        ):
            dropouts[case_id].append((day, data))
        new, changed = [], {}
        for pa in self.b.participations:
            citizen_pk = self.citizen[pa.person_ref][0]
            case_pk = self.case_of[citizen_pk]
            cohort = self.cohort_by_code[pa.cohort_code]
            row = existing.get((case_pk, cohort.pk))
            if row is None:
                new.append(
                    {
                        "case_id": case_pk,
                        "cohort_id": cohort.pk,
                        "status": pa.status,
                        "main_course_end": pa.main_course_end,
                    }
                )
            elif row[1] != pa.status or (pa.main_course_end and row[2] != pa.main_course_end):
                changed[row[0]] = (pa.status, pa.main_course_end or row[2])
            if pa.status == ParticipationStatus.DROPPED_OUT:
                data = {
                    "reason": pa.dropout_reason,
                    "destination": pa.dropout_destination,
                    "cohort": pa.cohort_code,
                }
                if (pa.dropout_date, data) not in dropouts[case_pk]:
                    dropouts[case_pk].append((pa.dropout_date, data))
                    self.event(
                        case_pk,
                        citizen_pk,
                        "dropout",
                        pa.dropout_date,
                        _("Dropped out of %(cohort)s (imported)") % {"cohort": pa.cohort_code},
                        data=data,
                    )
            self.bar.update()
        insert(Participation, new)
        if changed:
            objs = []
            for obj in _in_bulk(Participation, list(changed)):
                obj.status, obj.main_course_end = changed[obj.pk]
                objs.append(obj)
            Participation.objects.bulk_update(objs, ["status", "main_course_end"], batch_size=BATCH)
        self.result.created["participations"] += len(new)
        self.result.updated["participations"] += len(changed)

    # --- loans and payments ----------------------------------------------------------
    def loans_and_payments(self):
        payments_of = defaultdict(list)
        for pm in self.b.payments:
            payments_of[pm.loan_ref].append(pm)
        new, transfers = [], {}
        for lo in self.b.loans:
            citizen_pk = self.citizen[lo.person_ref][0]
            existing = self.ex.loan_by_ref.get(lo.loan_ref)
            if existing is None:
                new.append(
                    {
                        "loan_ref": lo.loan_ref,
                        "citizen_id": citizen_pk,
                        "case_id": self.case_of.get(citizen_pk),
                        "cohort_id": self.cohort_by_code[lo.cohort_code].pk,
                        "principal": lo.principal,
                        "granted_on": lo.disbursed_on,
                        "disbursed_on": lo.disbursed_on,
                        "repayment_start": lo.repayment_start,
                        "term_months": lo.term_months or schema.DEFAULT_TERM_MONTHS,
                        "deferral_months_at_start": lo.deferral_months or 0,
                        "collection_transferred_on": lo.collection_transferred_on,
                    }
                )
            elif lo.collection_transferred_on and existing.collection_transferred_on is None:
                transfers[existing.pk] = lo.collection_transferred_on
            self.bar.update()
        for row, pk in zip(new, new_ids(Loan, len(new)), strict=True):
            row["id"] = pk
        self.result.created["loans"] += len(new)
        self.result.updated["loans"] += len(transfers)
        new_refs = {row["loan_ref"] for row in new}
        touched = {lo.loan_ref for lo in self.b.loans} | set(payments_of)
        loans = {
            row["loan_ref"]: {
                "pk": row["id"],
                "principal": row["principal"],
                "disbursed_on": row["disbursed_on"],
                "collection_transferred_on": row["collection_transferred_on"],
                "status": "",
            }
            for row in new
        }
        old_pks = {self.ex.loan_by_ref[r].pk for r in touched - new_refs}
        for chunk in in_parts(sorted(old_pks), BATCH):
            for row in Loan.objects.filter(pk__in=chunk).values(
                "pk", "loan_ref", "principal", "disbursed_on", "collection_transferred_on", "status"
            ):
                loans[row["loan_ref"]] = row
        for row in loans.values():
            if row["pk"] in transfers:
                row["collection_transferred_on"] = transfers[row["pk"]]

        entries = []
        paid = defaultdict(list)  # loan pk → [(date, amount)] of all its payments
        known = defaultdict(set)
        for chunk in in_parts(sorted(old_pks), BATCH):
            # Every identity an import wrote stays known, also of a payment reversed since.
            for loan_id, external_id in (
                LedgerEntry.objects.filter(loan_id__in=chunk, source=EntrySource.IMPORT)
                .exclude(external_id="")
                .values_list("loan_id", "external_id")
            ):
                known[loan_id].add(external_id)
            for loan_id, day, amount in queries.effective_payments(loans=chunk).values_list(
                "loan_id", "value_date", "amount"
            ):
                paid[loan_id].append((day, amount))
        for ref in new_refs:
            loan = loans[ref]
            entries.append(
                self.entry(
                    loan["pk"],
                    EntryKind.DISBURSEMENT,
                    loan["principal"],
                    loan["disbursed_on"],
                    1,
                    "disbursement",
                )
            )
        for ref, payments in payments_of.items():
            pk = loans[ref]["pk"]
            for pm in payments:
                if pm.identity not in known[pk]:
                    known[pk].add(pm.identity)
                    entries.append(
                        self.entry(pk, EntryKind.REPAYMENT, pm.amount, pm.paid_on, -1, pm.identity)
                    )
                    paid[pk].append((pm.paid_on, pm.amount))
                    self.result.created["payments"] += 1
                self.bar.update()
        transfer_refs = {r for r in new_refs if loans[r]["collection_transferred_on"]}
        transfer_refs |= {r for r, row in loans.items() if row["pk"] in transfers}
        for ref in transfer_refs:
            loan = loans[ref]
            day = loan["collection_transferred_on"]
            owed = loan["principal"] - sum(
                (a for d, a in paid[loan["pk"]] if d <= day), Decimal("0")
            )
            if "collection_transfer" not in known[loan["pk"]]:
                amount = owed if owed > 0 else loan["principal"]
                entries.append(
                    self.entry(
                        loan["pk"],
                        EntryKind.COLLECTION_TRANSFER,
                        amount,
                        day,
                        0,
                        "collection_transfer",
                    )  # fmt: skip
                )
        for entry, pk in zip(entries, new_ids(LedgerEntry, len(entries)), strict=True):
            entry["id"] = pk
        new_pks = {loans[r]["pk"] for r in new_refs}
        # The life cycle follows the payments and the transfer (``loans.lifecycle``).
        steps, moved = [], {}
        for ref, loan in loans.items():
            pk, status = loan["pk"], loan["status"]
            if ref in new_refs:
                steps += [(pk, LoanStatus.GRANTED, loan["disbursed_on"])]
            if status == LoanStatus.WRITTEN_OFF:
                continue
            total = sum((a for _d, a in paid[pk]), Decimal("0"))
            day = loan["collection_transferred_on"]
            if total >= loan["principal"]:
                target = LoanStatus.REPAID
            elif day:
                target = LoanStatus.IN_COLLECTION
            else:
                target = LoanStatus.ACTIVE
            path = []
            if status in ("", LoanStatus.GRANTED):
                path.append(LoanStatus.ACTIVE)
                status = LoanStatus.ACTIVE
            if status == LoanStatus.ACTIVE and day and target != LoanStatus.ACTIVE:
                path.append(LoanStatus.IN_COLLECTION)
                status = LoanStatus.IN_COLLECTION
            if status != target:
                path.append(target)
            last_paid = max((d for d, _a in paid[pk]), default=loan["disbursed_on"])
            when = {
                LoanStatus.ACTIVE: loan["disbursed_on"],
                LoanStatus.IN_COLLECTION: day,
                LoanStatus.REPAID: max(last_paid, day or last_paid),
            }
            steps += [(pk, to, when[to]) for to in path]
            if pk in transfers:
                moved[pk] = loan["collection_transferred_on"]
        self.new_loans(
            new,
            [e for e in entries if e["loan_id"] in new_pks],
            [step for step in steps if step[0] in new_pks],
        )
        old_entries = [e for e in entries if e["loan_id"] not in new_pks]
        insert(LedgerEntry, old_entries)
        self.touched_loan_pks = {e["loan_id"] for e in old_entries} | set(transfers)
        bulk_transitions(
            [step for step in steps if step[0] not in new_pks],
            acting_user=self.user if self.user_id else None,
            why=_("From an imported bundle"),
        )
        if moved:
            objs = []
            for obj in _in_bulk(Loan, list(moved)):
                obj.collection_transferred_on = moved[obj.pk]
                objs.append(obj)
            Loan.objects.bulk_update(objs, ["collection_transferred_on"], batch_size=BATCH)

    def entry(self, loan_pk, kind, amount, day, sign, external_id):
        return {
            "loan_id": loan_pk,
            "kind": kind,
            "amount": amount,
            "debt_delta": amount * sign,
            "value_date": day,
            "source": EntrySource.IMPORT,
            "external_id": external_id,
            "recorded_by_id": self.user_id,
            "recorded_at": self.now,
            "why": self.imported,
        }

    # --- spells ----------------------------------------------------------------------
    def spells(self):
        new = []
        for sp in self.b.spells:
            citizen_pk = self.citizen[sp.person_ref][0]
            match = next(
                (
                    s
                    for s in self.ex.spells.get(citizen_pk, [])
                    if (s.status, s.start) == (sp.status, sp.start)
                ),
                None,
            )
            self.bar.update()
            if match is not None and match.end == sp.end:
                continue
            new.append(
                {
                    "citizen_id": citizen_pk,
                    "status": sp.status,
                    "start": sp.start,
                    "end": sp.end,
                    "source": SPELL_SOURCE,
                    "corrects_id": match.pk if match else None,
                    "recorded_by_id": self.user_id,
                    "recorded_at": self.now,
                }
            )
        insert(SupportSpell, new)
        self.result.created["support spells"] += len(new)

    # --- assessments -----------------------------------------------------------------
    def assessments(self):
        groups = self.ex.assessment_groups
        if not groups:
            return
        case_of_ref = {
            ref: (citizen_pk, self.case_of[citizen_pk])
            for ref, (citizen_pk, _unit) in self.citizen.items()
            if citizen_pk in self.case_of
        }
        self.result.created["assessments"] += assessments.write(
            groups, case_of_ref=case_of_ref, user_id=self.user_id, now=self.now, event=self.event
        )
        self.bar.update(len(self.b.assessments))

    # --- case events -----------------------------------------------------------------
    def event(self, case_pk, citizen_pk, kind, day, summary, data=None, why=""):
        self.events.append(
            {
                "case_id": case_pk,
                "kind": kind,
                "occurred_on": day,
                "summary": summary,
                "why": why,
                "data": data or {},
                "recorded_by_id": self.user_id,
                "recorded_at": self.now,
                "_citizen": citizen_pk,
            }
        )

    def flush_events(self):
        """What ``cases.events.record_event`` writes (event + audit record), in bulk."""
        if not self.events:
            return
        citizen_of = {e["case_id"]: e.pop("_citizen") for e in self.events}
        insert(CaseEvent, self.events)
        written = CaseEvent.objects.filter(recorded_at=self.now).values_list(
            "pk", "case_id", "kind", "summary"
        )
        origin = origin_fields()  # the shell user and command line of ``mikrolaan import``
        insert(
            AuditRecord,
            [
                {
                    "at": self.now,
                    "user_id": self.user_id,
                    "action": Action.CREATE,
                    "citizen_id": citizen_of.get(case_id),
                    "object_type": CaseEvent._meta.label,
                    "object_id": str(pk),
                    "what": f"{kind}: {summary}"[:500],
                    "why": "",
                    **origin,
                }
                for pk, case_id, kind, summary in written
            ],
        )
        self.result.created["case events"] += len(self.events)


class _NewLoan:
    """A new loan's row as ``loans.plan`` reads a loan (attributes, not keys)."""

    __slots__ = ("pk", "policy_id", "granted_on", "disbursed_on", "repayment_start",
                 "principal", "term_months")  # fmt: skip

    def __init__(self, row: dict):
        self.pk = row["id"]
        self.policy_id = None
        self.granted_on = row["granted_on"]
        self.disbursed_on = row["disbursed_on"]
        self.repayment_start = row["repayment_start"]
        self.principal = row["principal"]
        self.term_months = row["term_months"]


def _in_bulk(model, pks: list[int]):
    """Instances by primary key, in batches the database's parameter limit allows."""
    for start in range(0, len(pks), BATCH):
        yield from model.objects.filter(pk__in=pks[start : start + BATCH])


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
