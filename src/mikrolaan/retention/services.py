"""Retention: on a date, anonymise the case data that is due and delete old audit records.

The rules (settings, from the environment):

- **Case data** of a citizen goes ``RETENTION_CASE_YEARS`` after the citizen's last case
  ended and every loan was closed (repaid or written off): the latest of the cases' events,
  the main course ends, the loans' payouts and ledger entries. A citizen with an open case
  (a case in the main course is open until its cohort's course has ended) or an open loan
  is never due. What goes: name, CPR number, bundle key, birth date, address,
  phone, e-mail, and the free text of the case (events, referral, screenings, dropout,
  conversations, plan notes, budget notes, decision reasons, approvals, main-course start
  and CVR number, fit-for-work notes, deferral reasons, loan security, servicing notes,
  debt-collection CPR and messages, support-spell and self-assessment notes, the archived
  letter PDFs). What stays: birth year and gender (the report's age and gender tables),
  support before the programme, unit, cohort, stages, amounts, dates, colours, reasons
  chosen from a list, outcomes — so every figure of the chapter-7 report stays the same.
- **Accounting records** (ledger entries, overpayments and refunds, bank entries and their
  handling) keep their free text (the payer's name, bank text, notes) until
  ``RETENTION_ACCOUNTING_YEARS`` after the end of their financial year (the calendar year),
  as the bookkeeping act requires, and only for citizens whose case data has gone; their
  amounts and dates are never touched.
- **Audit records** older than ``RETENTION_AUDIT_YEARS`` are deleted.

``run(as_of)`` does it in one transaction under an erasure permit and records a
``RetentionRun`` and an audit record; ``plan(as_of)`` (the dry run) counts what would go and
changes nothing. A second run on the same date finds nothing left to do.
"""

import contextlib
import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mikrolaan.audit.erasure import erase_fields, erase_rows, erasure_permit
from mikrolaan.audit.models import Action, AuditRecord
from mikrolaan.audit.services import log
from mikrolaan.banking.models import BankEntry, EntryHandling
from mikrolaan.budgets.models import BudgetVersion
from mikrolaan.cases.constants import OPEN_STAGES, EventKind, Stage
from mikrolaan.cases.models import Case, CaseEvent, Dropout, Referral, Screening
from mikrolaan.core.bulk import in_parts
from mikrolaan.core.models import AppendOnlyQuerySet
from mikrolaan.courses.models import Conversation, Participation, PlannedActivity
from mikrolaan.decisions.main_course import EVENT_MAIN_COURSE_STARTED
from mikrolaan.decisions.models import (
    Decision,
    FitForWork,
    GrantApproval,
    GrantRefusal,
    MainCourseStart,
)
from mikrolaan.letters.models import Letter
from mikrolaan.loans.models import (
    Deferral,
    LedgerEntry,
    Loan,
    LoanStatus,
    Overpayment,
    OverpaymentRefund,
)
from mikrolaan.outcomes.models import SupportSpell
from mikrolaan.people import cpr as cprlib
from mikrolaan.people.models import Citizen
from mikrolaan.progression.models import Assessment
from mikrolaan.reports.services import _birth_year as report_birth_year
from mikrolaan.retention.models import RetentionRun
from mikrolaan.selfservice.models import LoanRequest, LoanRequestAnswer
from mikrolaan.servicing.models import Claim, ClaimReceipt, TaskEvent

logger = logging.getLogger(__name__)

CLOSED_LOANS = (LoanStatus.REPAID, LoanStatus.WRITTEN_OFF)
# Where a database constraint wants text (a referral's talent, a deferral's reason), the
# anonymised text is this mark.
MARK = "—"
CHUNK = 500


@dataclass(frozen=True)
class Rules:
    case_years: int
    accounting_years: int
    audit_years: int

    @classmethod
    def from_settings(cls) -> "Rules":
        return cls(
            case_years=settings.RETENTION_CASE_YEARS,
            accounting_years=settings.RETENTION_ACCOUNTING_YEARS,
            audit_years=settings.RETENTION_AUDIT_YEARS,
        )

    def case_ended_by(self, as_of: dt.date) -> dt.date:
        """A citizen whose cases and loans ended on or before this date is due."""
        return as_of - relativedelta(years=self.case_years)

    def accounting_before(self, as_of: dt.date) -> dt.date:
        """Accounting records dated before this day are past the bookkeeping period: a
        record of year Y is kept to the end of Y + N, so it may go from 1 January Y + N + 1."""
        return dt.date(as_of.year - self.accounting_years, 1, 1)

    def audit_before(self, as_of: dt.date) -> dt.datetime:
        # Audit records carry the real time: a run for a later date never deletes one that
        # today's clock still keeps.
        day = min(as_of, timezone.localdate()) - relativedelta(years=self.audit_years)
        return timezone.make_aware(dt.datetime.combine(day, dt.time.min))

    def as_dict(self) -> dict:
        return {
            "case_years": self.case_years,
            "accounting_years": self.accounting_years,
            "audit_years": self.audit_years,
        }


@dataclass(frozen=True)
class Kind:
    """One kind of record whose fields retention overwrites, reached from the citizen."""

    name: str
    label: str
    model: type[models.Model]
    citizen: str  # path from the model to people.Citizen
    values: dict
    accounting_date: str = ""  # set for accounting records: kept through the period
    only: dict = field(default_factory=dict)  # extra filter

    def rows(self, rules: Rules, as_of: dt.date, citizens: dict):
        qs = self.model._base_manager.filter(**self.only)
        qs = qs.filter(**{f"{self.citizen}__{k}": v for k, v in citizens.items()})
        if self.accounting_date:
            qs = qs.filter(**{f"{self.accounting_date}__lt": rules.accounting_before(as_of)})
        # By primary key in a subquery: no duplicates from multi-valued joins (bank entries
        # reach the citizen through their handling), and an UPDATE that needs no join.
        matching = qs.exclude(**self.values).values("pk")
        return self.model._base_manager.filter(pk__in=matching)


KINDS: list[Kind] = [
    Kind("case_events", _("Case events: summaries and notes"), CaseEvent, "case__citizen",
         {"summary": "", "why": ""}),
    # Event data is structured (amounts, codes) except where it repeats free text or an
    # identifier: a correction's old and new values, the CVR number of a main-course start
    # (whose figures live on in MainCourseStart).
    Kind("event_data", _("Case events: corrected values and CVR numbers"), CaseEvent,
         "case__citizen",
         {"data": {}}, only={"kind__in": [EventKind.CORRECTION, EVENT_MAIN_COURSE_STARTED]}),
    Kind("referrals", _("Referrals: talent, idea and notes"), Referral, "case__citizen",
         {"talent": MARK, "idea": "", "notes": ""}),
    Kind("screenings", _("Screenings: assessments and notes"), Screening, "case__citizen",
         {"person_assessment": "", "money_assessment": "", "plan_assessment": "", "notes": ""}),
    Kind("dropouts", _("Dropouts: notes"), Dropout, "case__citizen", {"notes": ""}),
    Kind("planned_activities", _("Pre-course plans: notes"), PlannedActivity,
         "plan__case__citizen", {"note": ""}),
    Kind("conversations", _("Conversations: place and notes"), Conversation, "case__citizen",
         {"place": "", "notes": ""}),
    Kind("budget_versions", _("Budgets: notes"), BudgetVersion, "case__citizen", {"note": ""}),
    Kind("decisions", _("Decisions: reasons and feedback"), Decision, "case__citizen",
         {"person_reason": "", "money_reason": "", "plan_reason": "", "feedback": "",
          "amount_justification": ""}),
    Kind("grant_approvals", _("Grant approvals: notes"), GrantApproval,
         "decision__case__citizen", {"note": ""}),
    Kind("grant_refusals", _("Refused grants: reasons"), GrantRefusal,
         "decision__case__citizen", {"reason": MARK}),
    Kind("main_course_starts", _("Main course starts: CVR number and reasons"),
         MainCourseStart, "case__citizen", {"cvr": "", "subsistence_reason": ""}),
    Kind("fit_for_work", _("Fit for work: notes"), FitForWork, "case__citizen", {"note": ""}),
    Kind("deferrals", _("Deferrals: reasons"), Deferral, "loan__citizen", {"reason": MARK}),
    Kind("loans", _("Loans: security"), Loan, "citizen", {"collateral": ""}),
    Kind("task_events", _("Servicing tasks: notes"), TaskEvent, "task__loan__citizen",
         {"note": ""}),
    Kind("claims", _("Debt-collection claims: CPR number"), Claim, "loan__citizen", {"cpr": ""}),
    Kind("claim_receipts", _("Debt-collection receipts: messages"), ClaimReceipt,
         "claim__loan__citizen", {"message": ""}),
    Kind("support_spells", _("Support spells: notes"), SupportSpell, "citizen", {"why": ""}),
    Kind("assessments", _("Self-assessments: notes"), Assessment, "case__citizen", {"why": ""}),
    Kind("letters", _("Letters: archived PDF files"), Letter, "citizen", {"pdf_path": ""}),
    Kind("citizen_requests", _("Citizens' requests: their messages"), LoanRequest, "citizen",
         {"message": MARK}),
    Kind("citizen_request_answers", _("Answers to citizens' requests"), LoanRequestAnswer,
         "request__citizen", {"answer": MARK}),
    Kind("ledger_entries", _("Ledger entries: notes (after the bookkeeping period)"),
         LedgerEntry, "loan__citizen", {"why": ""}, accounting_date="value_date"),
    Kind("overpayments", _("Overpayments: notes (after the bookkeeping period)"), Overpayment,
         "loan__citizen", {"why": ""}, accounting_date="value_date"),
    Kind("overpayment_refunds", _("Refunds: notes (after the bookkeeping period)"),
         OverpaymentRefund, "overpayment__loan__citizen", {"note": ""},
         accounting_date="refunded_on"),
    Kind("bank_entries", _("Bank entries: payer and text (after the bookkeeping period)"),
         BankEntry, "handlings__loan__citizen", {"counterparty": "", "text": ""},
         accounting_date="booking_date"),
    Kind("entry_handlings", _("Bank entry handling: notes (after the bookkeeping period)"),
         EntryHandling, "loan__citizen", {"why": ""}, accounting_date="entry__booking_date"),
]  # fmt: skip

CITIZEN_FIELDS = {
    "first_name": "",
    "last_name": "",
    "cpr": None,
    "person_ref": None,
    "birth_date": None,
    "phone": "",
    "email": "",
    "address": "",
}
KIND_LABELS = {
    "citizens": _("Citizens: name, CPR number, birth date and contact data"),
    "audit_records": _("Audit records past their retention (deleted)"),
    **{k.name: k.label for k in KINDS},
}


@dataclass
class Outcome:
    """What a run did, or a dry run would do."""

    as_of: dt.date
    rules: Rules
    dry_run: bool
    citizens: list[int]
    counts: dict[str, int]
    run: RetentionRun | None = None

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def labelled_counts(self) -> list[tuple[str, int]]:
        return [(str(KIND_LABELS[k]), n) for k, n in self.counts.items() if n]


def due_citizens(as_of: dt.date, rules: Rules) -> list[int]:
    """The citizens not yet anonymised whose case data is due on ``as_of``."""
    # A case is open until it ends; a case in the main course ends with its cohort's course.
    open_cases = Case.objects.filter(stage__in=OPEN_STAGES).exclude(
        stage=Stage.MAIN_COURSE, cohort__main_course_end__lt=as_of
    )
    blocked = set(open_cases.values_list("citizen_id", flat=True)) | set(
        Loan.objects.exclude(status__in=CLOSED_LOANS).values_list("citizen_id", flat=True)
    )
    ends: dict[int, dt.date] = {}

    def latest(queryset, citizen: str, day: str) -> None:
        rows = queryset.order_by().values_list(citizen).annotate(last=Max(day))
        for citizen_id, last in rows:
            if last and (citizen_id not in ends or last > ends[citizen_id]):
                ends[citizen_id] = last

    latest(Case.objects.all(), "citizen_id", "opened_on")
    latest(CaseEvent.objects.all(), "case__citizen_id", "occurred_on")
    latest(Participation.objects.all(), "case__citizen_id", "main_course_end")
    latest(Participation.objects.all(), "case__citizen_id", "cohort__main_course_end")
    latest(Loan.objects.all(), "citizen_id", "granted_on")
    latest(Loan.objects.all(), "citizen_id", "disbursed_on")
    latest(LedgerEntry.objects.all(), "loan__citizen_id", "value_date")

    limit = rules.case_ended_by(as_of)
    due = []
    candidates = Citizen.objects.filter(anonymised_on__isnull=True).order_by("pk")
    for citizen_id, created_at in candidates.values_list("pk", "created_at"):
        if citizen_id in blocked:
            continue
        end = ends.get(citizen_id) or timezone.localdate(created_at)
        if end <= limit:
            due.append(citizen_id)
    return due


def plan(as_of: dt.date, rules: Rules | None = None) -> Outcome:
    """The dry run: what ``run(as_of)`` would anonymise and delete. Changes nothing."""
    rules = rules or Rules.from_settings()
    due = due_citizens(as_of, rules)
    counts = {"citizens": len(due)}
    for kind in KINDS:
        n = kind.rows(rules, as_of, {"anonymised_on__isnull": False}).count()
        for chunk in in_parts(due, CHUNK):
            n += kind.rows(rules, as_of, {"pk__in": chunk}).count()
        counts[kind.name] = n
    counts["audit_records"] = AuditRecord.objects.filter(at__lt=rules.audit_before(as_of)).count()
    return Outcome(as_of, rules, True, due, counts)


def _anonymise_citizens(ids: list[int], as_of: dt.date) -> None:
    for chunk in in_parts(ids, CHUNK):
        rows = list(Citizen.objects.filter(pk__in=chunk))
        for citizen in rows:
            # Keep exactly what the reports derive: birth year and gender.
            citizen.birth_year = report_birth_year(
                citizen.birth_year, citizen.birth_date, citizen.cpr, {}
            )
            if not citizen.gender and citizen.cpr:
                with contextlib.suppress(ValueError):
                    citizen.gender = cprlib.gender(citizen.cpr)
            for name, value in CITIZEN_FIELDS.items():
                setattr(citizen, name, value)
            citizen.anonymised_on = as_of
        Citizen.objects.bulk_update(
            rows, [*CITIZEN_FIELDS, "birth_year", "gender", "anonymised_on"], batch_size=CHUNK
        )


def _remove_files(paths: list[str]) -> None:
    for path in paths:
        try:
            Path(path).unlink(missing_ok=True)
        except OSError:
            logger.warning("retention: could not remove %s", path)


def run(as_of: dt.date, *, acting_user=None, rules: Rules | None = None) -> Outcome:
    """Anonymise what is due on ``as_of`` and delete audit records past retention.

    One transaction under an erasure permit; idempotent (a second run changes nothing).
    """
    rules = rules or Rules.from_settings()
    why = f"retention run {as_of.isoformat()}"
    with erasure_permit(why, acting_user=acting_user):
        due = due_citizens(as_of, rules)
        _anonymise_citizens(due, as_of)
        anonymised = {"anonymised_on__isnull": False}
        counts = {"citizens": len(due)}
        for kind in KINDS:
            rows = kind.rows(rules, as_of, anonymised)
            if kind.model is Letter:
                files = [p for p in rows.values_list("pdf_path", flat=True) if p]
                transaction.on_commit(lambda files=files: _remove_files(files))
            change: Callable = (
                erase_fields
                if issubclass(kind.model._default_manager._queryset_class, AppendOnlyQuerySet)
                else models.QuerySet.update
            )
            counts[kind.name] = change(rows, **kind.values)
        counts["audit_records"] = erase_rows(
            AuditRecord.objects.filter(at__lt=rules.audit_before(as_of))
        )
        record = RetentionRun.objects.create(
            run_on=as_of,
            run_by=acting_user
            if acting_user is not None and acting_user.is_authenticated
            else None,
            citizens=len(due),
            counts=counts,
            rules=rules.as_dict(),
        )
        log(
            acting_user,
            Action.DELETE,
            obj=record,
            what=f"{why}: {len(due)} citizens anonymised, {sum(counts.values())} rows",
            why=f"retention rules {rules.as_dict()}",
        )
    logger.info("%s: %s", why, counts)
    return Outcome(as_of, rules, False, due, counts, record)
