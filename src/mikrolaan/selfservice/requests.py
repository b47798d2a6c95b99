"""A citizen asks, the project leader decides, the citizen reads the answer.

    submit_request(citizen, loan, kind=..., message=..., on=...)   # on the citizen's page
    answer_request(request, outcome=..., answer=..., on=..., acting_user=pl)  # staff page

Asking makes a task for the project leader (``servicing.Task``, kind ``citizen_request``);
answering records the answer, grants a deferral through the loan's own deferral flow
(``loans.services.grant_deferral``: policy limits, plan re-derived, new plan sent as a letter)
and closes the task, all in one transaction.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from mikrolaan.accounts.models import User
from mikrolaan.accounts.roles import Role
from mikrolaan.audit.models import Action
from mikrolaan.audit.services import log_by_citizen
from mikrolaan.cases.events import record_event
from mikrolaan.loans.models import Loan, LoanStatus
from mikrolaan.loans.plan import policy_of
from mikrolaan.loans.services import LoanError, deferred_months, grant_deferral
from mikrolaan.people.models import Citizen
from mikrolaan.selfservice.models import LoanRequest, LoanRequestAnswer, Outcome, RequestKind
from mikrolaan.servicing.models import Task, TaskEvent, TaskKind, TaskReason, TaskStatus
from mikrolaan.servicing.tasks import complete_task

REASONS = {
    RequestKind.DEFERRAL: TaskReason.DEFERRAL_REQUESTED,
    RequestKind.EXTRA_PAYMENT: TaskReason.EXTRA_PAYMENT_REQUESTED,
}


class RequestError(Exception):
    """The request or the answer cannot be made; the message says why (in Danish)."""


def requests_of(citizen: Citizen) -> QuerySet[LoanRequest]:
    """The citizen's own requests: the only way the citizen's pages read requests."""
    return (
        LoanRequest.objects.filter(citizen=citizen, loan__citizen=citizen)
        .select_related("loan", "answer")
        .order_by("-asked_on", "-pk")
    )


def deferral_months_left(loan: Loan) -> int:
    return max(policy_of(loan).max_deferral_months - deferred_months(loan), 0)


def can_ask(loan: Loan) -> bool:
    return loan.status == LoanStatus.ACTIVE


@transaction.atomic
def submit_request(
    citizen: Citizen,
    loan: Loan,
    *,
    kind: str,
    message: str,
    on: dt.date,
    months: int | None = None,
    monthly_amount: Decimal | None = None,
) -> LoanRequest:
    loan = Loan.objects.select_for_update().get(pk=loan.pk)
    if loan.citizen_id != citizen.pk:
        raise RequestError(_("This is not your loan."))
    if not can_ask(loan):
        raise RequestError(_("You can ask only about a loan you are paying back."))
    if not message.strip():
        raise RequestError(_("Write why you ask."))
    if LoanRequest.objects.filter(loan=loan, kind=kind, answer__isnull=True).exists():
        raise RequestError(_("You have already asked about this. Wait for the answer."))
    if kind == RequestKind.DEFERRAL:
        monthly_amount = None
        left = deferral_months_left(loan)
        if not months or months < 1:
            raise RequestError(_("Choose how many months."))
        if months > left:
            raise RequestError(
                _("The rules allow at most %(left)s more months of deferral on your loan.")
                % {"left": left}
            )
    elif kind == RequestKind.EXTRA_PAYMENT:
        months = None
        if monthly_amount is None or monthly_amount <= 0:
            raise RequestError(_("Write how much extra you want to pay a month."))
    else:
        raise RequestError(_("Choose what you ask for."))
    task = Task.objects.create(
        kind=TaskKind.CITIZEN_REQUEST,
        role=Role.PROJECT_LEADER,
        loan=loan,
        reason=REASONS[RequestKind(kind)],
        created_on=on,
    )
    TaskEvent.objects.create(task=task, kind="created", occurred_on=on, note=message.strip())
    request = LoanRequest.objects.create(
        citizen=citizen,
        loan=loan,
        task=task,
        kind=kind,
        months=months,
        monthly_amount=monthly_amount,
        message=message.strip(),
        asked_on=on,
    )
    log_by_citizen(citizen, Action.CREATE, obj=request, what=f"asked for {kind} on {loan.loan_ref}")
    # On the case's timeline too, so the caseworkers see what the citizen asked and when.
    if loan.case_id:
        record_event(
            loan.case,
            "citizen_request",
            acting_user=None,
            occurred_on=on,
            summary=f"{loan.loan_ref}: {request.get_kind_display()}",
            why=message.strip(),
            data={"loan": loan.loan_ref, "request": request.pk, "kind": kind},
            by_citizen=True,
        )
    return request


def open_requests(user: User) -> QuerySet[LoanRequest]:
    """The requests the project leader decides."""
    if not (user and user.is_authenticated and user.has_role(Role.PROJECT_LEADER)):
        return LoanRequest.objects.none()
    return LoanRequest.objects.select_related("loan", "citizen", "task")


@transaction.atomic
def answer_request(
    request: LoanRequest,
    *,
    outcome: str,
    answer: str,
    on: dt.date,
    acting_user: User,
    first_month: dt.date | None = None,
) -> LoanRequestAnswer:
    """The project leader's decision. A granted deferral is granted as on the loan page."""
    if not acting_user.has_role(Role.PROJECT_LEADER):
        raise RequestError(_("Only the project leader decides a citizen's request."))
    request = LoanRequest.objects.select_for_update().select_related("loan").get(pk=request.pk)
    if LoanRequestAnswer.objects.filter(request=request).exists():
        raise RequestError(_("This request is already answered."))
    if not answer.strip():
        raise RequestError(_("Write the answer to the citizen."))
    if outcome not in Outcome.values:
        raise RequestError(_("Choose granted or refused."))
    deferral = None
    if outcome == Outcome.GRANTED and request.kind == RequestKind.DEFERRAL:
        try:
            deferral = grant_deferral(
                request.loan,
                months=request.months or 0,
                reason=_("The citizen's request of %(day)s: %(why)s")
                % {"day": request.asked_on.strftime("%d.%m.%Y"), "why": request.message},
                decided_on=on,
                first_month=first_month,
                acting_user=acting_user,
            )
        except LoanError as exc:
            raise RequestError(str(exc)) from exc
    reply = LoanRequestAnswer.objects.create(
        request=request,
        outcome=outcome,
        answer=answer.strip(),
        answered_on=on,
        deferral=deferral,
        recorded_by=acting_user,
    )
    complete_task(
        request.task,
        note=f"{Outcome(outcome).label}: {answer.strip()}",
        on=on,
        acting_user=acting_user,
    )
    return reply


def task_is_open(request: LoanRequest) -> bool:
    return request.task.status == TaskStatus.OPEN
