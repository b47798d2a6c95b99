"""Everything the system holds on one citizen, for the right of access (GDPR art. 15).

``collect(citizen)`` walks every model that holds data on the citizen (``SECTIONS``) and
returns one plain dict (``docs/citizen-insight.md`` describes its shape): JSON-ready, money as
strings with two decimals, dates ISO 8601, staff shown by role (and by name only when
``MIKROLAAN_INSIGHT_STAFF_NAMES=name``). A model that points at a citizen, case or loan must be
in ``SECTIONS`` or in ``NOT_INCLUDED`` with the reason — a test keeps the insight complete.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from mikrolaan.accounts.models import User
from mikrolaan.accounts.roles import Role
from mikrolaan.audit.models import CITIZEN_THEMSELF, Action, AuditRecord
from mikrolaan.banking.models import BankEntry, EntryHandling
from mikrolaan.budgets.models import BudgetLine, BudgetVersion, LiquidityMonth
from mikrolaan.cases.models import Case, CaseEvent, Dropout, Referral, Screening
from mikrolaan.courses.models import Conversation, Participation, PlannedActivity, PreCoursePlan
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
    LoanTransition,
    Overpayment,
    OverpaymentRefund,
    PlanSegment,
)
from mikrolaan.loans.schedule import month_start, to_kr
from mikrolaan.outcomes.models import SupportSpell
from mikrolaan.people.models import Citizen
from mikrolaan.progression.models import Answer, Assessment, AssessmentReminder
from mikrolaan.selfservice.models import LoanRequest, LoanRequestAnswer
from mikrolaan.servicing.models import (
    Claim,
    ClaimReceipt,
    Reminder,
    ReminderCycle,
    Task,
    TaskEvent,
)

FORMAT = "mikrolaan-citizen-insight/1"
STAFF_NAME_POLICIES = ("role", "name")


def _plan_segment(row: dict, obj: PlanSegment) -> dict:
    """A stored plan segment in the citizen's terms: months and kroner, not indexes and øre."""
    return {
        "id": obj.pk,
        "loan_id": obj.loan_id,
        "first_month": month_start(obj.first_month).strftime("%Y-%m"),
        "instalments": obj.count,
        "amount": f"{to_kr(obj.amount_ore):.2f}",
        "planned_before": f"{to_kr(obj.before_ore):.2f}",
    }


def _case_event(row: dict, obj: CaseEvent) -> dict:
    # Event kinds are open-ended (each app adds its own); the case page names them.
    from mikrolaan.cases.page import event_label

    row["kind_label"] = event_label(obj.kind)
    return row


def _letter(row: dict, obj: Letter) -> dict:
    # The PDF's file name only: the folder is the server's business, not the citizen's.
    row["pdf_path"] = PurePath(obj.pdf_path).name if obj.pdf_path else ""
    return row


def _claim(row: dict, obj: Claim) -> dict:
    row["export_file"] = PurePath(obj.export_file).name if obj.export_file else ""
    return row


@dataclass(frozen=True)
class Section:
    """One kind of record in the insight: which rows belong to the citizen, and its title."""

    key: str
    model: type[models.Model]
    lookup: str  # the path from the model to the citizen, for ``filter(**{lookup: citizen})``
    title: str
    exclude: tuple[str, ...] = ()
    transform: object = None  # (row, obj) -> row, for the few models a citizen reads differently
    order_by: tuple[str, ...] = field(default=())
    distinct: bool = False  # for a lookup through a one-to-many relation


SECTIONS: list[Section] = [
    Section("cases", Case, "citizen", _("Cases")),
    Section("case_events", CaseEvent, "case__citizen", _("Case timeline"), transform=_case_event),
    Section("referrals", Referral, "case__citizen", _("Referral")),
    Section("screenings", Screening, "case__citizen", _("Screenings")),
    Section("dropouts", Dropout, "case__citizen", _("Leaving the programme")),
    Section("participations", Participation, "case__citizen", _("Cohorts")),
    Section("pre_course_plans", PreCoursePlan, "case__citizen", _("Pre-course plan")),
    Section(
        "planned_activities", PlannedActivity, "plan__case__citizen", _("Pre-course activities")
    ),
    Section("conversations", Conversation, "case__citizen", _("Conversations")),
    Section("budget_versions", BudgetVersion, "case__citizen", _("Budgets")),
    Section("budget_lines", BudgetLine, "version__case__citizen", _("Budget lines")),
    Section("liquidity_months", LiquidityMonth, "version__case__citizen", _("Liquidity budget")),
    Section("decisions", Decision, "case__citizen", _("Decisions")),
    Section("grant_approvals", GrantApproval, "decision__case__citizen", _("Loan grant")),
    Section("grant_refusals", GrantRefusal, "decision__case__citizen", _("Refused loan grants")),
    Section("main_course_starts", MainCourseStart, "case__citizen", _("Start of the main course")),
    Section("fit_for_work", FitForWork, "case__citizen", _("Declared fit for work")),
    Section("loans", Loan, "citizen", _("Loans")),
    Section(
        "repayment_plan",
        PlanSegment,
        "loan__citizen",
        _("Repayment plan"),
        transform=_plan_segment,
        order_by=("loan", "first_month"),
    ),
    Section("ledger_entries", LedgerEntry, "loan__citizen", _("Loan transactions")),
    Section("deferrals", Deferral, "loan__citizen", _("Deferrals")),
    Section("loan_transitions", LoanTransition, "loan__citizen", _("Status changes of loans")),
    Section("overpayments", Overpayment, "loan__citizen", _("Overpayments")),
    Section(
        "overpayment_refunds",
        OverpaymentRefund,
        "overpayment__loan__citizen",
        _("Refunds of overpayments"),
    ),
    Section(
        "bank_entries",
        BankEntry,
        "handlings__loan__citizen",
        _("Bank entries matched to a loan"),
        distinct=True,
    ),
    Section(
        "bank_entry_handlings",
        EntryHandling,
        "loan__citizen",
        _("Handling of the bank entries"),
    ),
    Section("reminder_cycles", ReminderCycle, "loan__citizen", _("Arrears")),
    Section("reminders", Reminder, "loan__citizen", _("Reminders")),
    Section("tasks", Task, "loan__citizen", _("Tasks for staff")),
    Section("task_events", TaskEvent, "task__loan__citizen", _("What was done with the tasks")),
    Section(
        "claims",
        Claim,
        "loan__citizen",
        _("Claims handed to debt collection"),
        transform=_claim,
    ),
    Section(
        "claim_receipts",
        ClaimReceipt,
        "claim__loan__citizen",
        _("Receipts from debt collection"),
    ),
    Section("letters", Letter, "citizen", _("Letters sent"), transform=_letter),
    Section("support_spells", SupportSpell, "citizen", _("Support periods")),
    Section("assessments", Assessment, "case__citizen", _("Self-assessments")),
    Section(
        "assessment_answers",
        Answer,
        "assessment__case__citizen",
        _("Self-assessment answers"),
        order_by=("assessment", "statement__position"),
    ),
    Section(
        "assessment_reminders",
        AssessmentReminder,
        "case__citizen",
        _("Self-assessment reminders"),
    ),
    Section("citizen_requests", LoanRequest, "citizen", _("Requests from your own page")),
    Section(
        "citizen_request_answers",
        LoanRequestAnswer,
        "request__citizen",
        _("Answers to your requests"),
    ),
]

# Models that point at a citizen, case or loan but are left out, with the reason. The
# citizen (``people.Citizen``) and the access log (``audit.AuditRecord``) have their own
# parts of the insight.
NOT_INCLUDED: dict[str, str] = {
    "people.Citizen": "the person part of the insight",
    "audit.AuditRecord": "the access log part of the insight",
    "loans.PaymentSplit": "derived from the ledger (how a payment was applied), no new data",
}

COVERED = {s.model._meta.label for s in SECTIONS} | set(NOT_INCLUDED)


# The audit log's actions as the citizen reads them (own words: "Read" here is "Læst").
ACTION_LABELS = {
    Action.READ: pgettext_lazy("insight access log", "Read"),
    Action.SEARCH: pgettext_lazy("insight access log", "Searched"),
    Action.CREATE: pgettext_lazy("insight access log", "Recorded"),
    Action.CHANGE: pgettext_lazy("insight access log", "Changed"),
    Action.EXTRACT: pgettext_lazy("insight access log", "Extracted"),
    Action.DELETE: pgettext_lazy("insight access log", "Deleted"),
    Action.DENIED: pgettext_lazy("insight access log", "Access refused"),
}

# --- staff -------------------------------------------------------------------------------


def check_staff_name_policy(app_configs=None, **kwargs):
    """System check: a wrong value stops ``mikrolaan serve`` and every command at start."""
    from django.core import checks

    try:
        staff_name_policy()
    except ImproperlyConfigured as exc:
        return [checks.Error(str(exc), id="privacy.E001")]
    return []


def staff_name_policy() -> str:
    policy = getattr(settings, "INSIGHT_STAFF_NAMES", "role")
    if policy not in STAFF_NAME_POLICIES:
        raise ImproperlyConfigured(
            f"MIKROLAAN_INSIGHT_STAFF_NAMES must be 'role' or 'name', not {policy!r}"
        )
    return policy


class Staff:
    """Staff as the citizen sees them: always the role, the name only by policy.

    With the ``role`` policy a name the system wrote into a text (an event's summary such as
    "approved by project leader Pia Holm") is replaced by the role too (``redact``).
    """

    def __init__(self, policy: str):
        self.policy = policy
        self.names: dict[str, str] = {}  # full name -> "[role]"

    def __call__(self, user: User | None) -> dict | None:
        if user is None:
            return None
        role = user.role or ""
        role_label = str(Role(role).label) if role in Role.values else ""
        name = user.get_full_name().strip()
        if name:
            shown = role_label or str(_("staff"))
            self.names[name] = f"[{shown}]"
        return {
            "role": role,
            "role_label": role_label,
            "name": (name or user.username) if self.policy == "name" else None,
        }

    def redact(self, value):
        if self.policy == "name" or not self.names:
            return value
        if isinstance(value, str):
            for name in sorted(self.names, key=len, reverse=True):
                value = value.replace(name, self.names[name])
            return value
        if isinstance(value, list):
            return [self.redact(v) for v in value]
        if isinstance(value, dict):
            return {k: self.redact(v) for k, v in value.items()}
        return value


# --- values ------------------------------------------------------------------------------


def money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value.quantize(Decimal('0.01')):.2f}"


def _value(value):
    if isinstance(value, Decimal):
        return money(value)
    if isinstance(value, dt.datetime):
        return (
            timezone.localtime(value).isoformat() if timezone.is_aware(value) else value.isoformat()
        )
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def record(obj: models.Model, staff: Staff, exclude: tuple[str, ...] = ()) -> dict:
    """Every stored field of a row: ids for the rows of the insight, staff by policy, the
    name of anything else it points at (cohort, policy, unit …), labels next to codes."""
    row: dict = {"id": obj.pk}
    for f in obj._meta.concrete_fields:
        if f.primary_key or f.name in exclude:
            continue
        if f.is_relation:
            target = f.related_model
            if target is User or issubclass(target, User):
                row[f.name] = staff(getattr(obj, f.name))
            elif target._meta.label in COVERED:
                row[f.attname] = getattr(obj, f.attname)
            else:
                related = getattr(obj, f.name)
                row[f.name] = None if related is None else str(related)
            continue
        value = getattr(obj, f.attname)
        row[f.name] = _value(value)
        if f.choices:
            row[f"{f.name}_label"] = str(dict(f.flatchoices).get(value, value)) if value else ""
    return row


# --- the insight -------------------------------------------------------------------------


def _joined(qs):
    """Join what a record shows by name (staff, cohort, unit, policy …): no query per row."""
    names = [
        f.name
        for f in qs.model._meta.concrete_fields
        if f.is_relation and f.related_model._meta.label not in COVERED
    ]
    return qs.select_related(*names) if names else qs


def _rows(section: Section, citizen: Citizen, staff: Staff) -> list[dict]:
    qs = section.model._default_manager.filter(**{section.lookup: citizen})
    if section.distinct:
        qs = qs.distinct()
    if section.order_by:
        qs = qs.order_by(*section.order_by)
    rows = []
    for obj in _joined(qs):
        row = record(obj, staff, section.exclude)
        if section.transform is not None:
            row = section.transform(row, obj)
        rows.append(row)
    return rows


def _by_citizen() -> dict:
    """The citizen acted themself, on their own pages signed in with MitID."""
    return {"role": "citizen", "role_label": str(CITIZEN_THEMSELF), "name": None}


def access_log(citizen: Citizen, staff: Staff) -> list[dict]:
    """Who looked at or changed the citizen's data: when, which role, what and why."""
    labels = {**dict(Action.choices), **ACTION_LABELS}
    return [
        {
            "at": _value(r.at),
            "action": r.action,
            "action_label": str(labels.get(r.action, r.action)),
            "by": _by_citizen() if r.by_citizen else staff(r.user),
            "what": r.what,
            "why": r.why,
        }
        for r in AuditRecord.objects.filter(citizen=citizen)
        .select_related("user")
        .order_by("at", "pk")
    ]


def collect(citizen: Citizen) -> dict:
    """Everything the system holds on ``citizen``, as a JSON-ready dict (labels in Danish)."""
    staff = Staff(staff_name_policy())
    with translation.override("da"):
        data = {"citizen": record(citizen, staff)}
        for section in SECTIONS:
            data[section.key] = _rows(section, citizen, staff)
        data["access_log"] = access_log(citizen, staff)
        data = staff.redact(data)
        data["citizen"] = record(citizen, staff)  # the citizen's own fields stay as they are
    data.update(
        {
            "format": FORMAT,
            "produced_at": timezone.localtime().isoformat(),
            "staff_names": staff.policy,
        }
    )
    return data


def titles() -> dict[str, str]:
    """The Danish heading of each part, for the PDF."""
    with translation.override("da"):
        return {s.key: str(s.title) for s in SECTIONS}
