"""The loans and payments of a bundle import (``services._Writer``; docs/INTERCHANGE.md).

New loans are derived in memory and written once, whole (``new_loans``): their ids are taken
beforehand, so the ledger entries, payment ID, status, plan and kept figures go in with them and
nothing is read back or written twice. Loans already in the database that the bundle touches
(new payments, a hand-over) get their entries and transitions and are then re-derived from the
database (``loan_projections``).
"""

from collections import defaultdict
from decimal import Decimal

from django.utils.translation import gettext as _

from mikrolaan.core.bulk import in_parts, new_ids, update_rows
from mikrolaan.interchange import schema
from mikrolaan.interchange.bulk import in_batches, insert
from mikrolaan.loans import queries
from mikrolaan.loans.lifecycle import bulk_transitions, walk_transitions, write_transitions
from mikrolaan.loans.models import Deferral, EntryKind, EntrySource, LedgerEntry, Loan, LoanStatus
from mikrolaan.loans.plan import KEPT_COLUMNS, derive_rows, policy_among, rederive_many
from mikrolaan.loans.schedule import Deferral as PlanDeferral
from mikrolaan.loans.schedule import month_index, month_start
from mikrolaan.loans.services import payment_id_for
from mikrolaan.policy.models import LoanPolicy

BATCH = 2000


class LoanWriter:
    """The loan part of the import's writer: it reads ``self.b`` (the bundle), ``self.ex``
    (what the database holds), ``self.citizen``, ``self.case_of``, ``self.cohort_by_code``,
    ``self.user``/``self.user_id``, ``self.now``, ``self.imported``, ``self.bar`` and
    ``self.result`` of ``services._Writer``."""

    touched_loan_pks: set[int]

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
            for obj in in_batches(Loan, list(moved)):
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

    def loan_projections(self):
        """Give every loan already in the database that this import touched what the loans
        app derives for it: a payment ID (so the citizen's bank payments keep matching) and
        the stored repayment plan that the daily servicing run reads. (New loans are written
        with both: ``new_loans``.)"""

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
