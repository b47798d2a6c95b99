import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.forms import Form
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse as reverse_url
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mikrolaan.accounts.models import User
from mikrolaan.accounts.requests import AuthenticatedRequest
from mikrolaan.audit.services import log_list, log_read
from mikrolaan.cases.models import Case
from mikrolaan.cases.next_step import next_step
from mikrolaan.core.formatting import number
from mikrolaan.core.pagination import paginate
from mikrolaan.decisions.models import Decision
from mikrolaan.loans import listing, services
from mikrolaan.loans.chart import next_instalment, paid_against_planned
from mikrolaan.loans.forecast_jobs import forecast_for_page
from mikrolaan.loans.forms import (
    AsOfForm,
    DeferralForm,
    LoanFilterForm,
    PaymentForm,
    PayoutForm,
    RefundForm,
    ReverseForm,
    WriteOffForm,
)
from mikrolaan.loans.fund import fund_for_page
from mikrolaan.loans.ledger import Received
from mikrolaan.loans.models import LedgerEntry, Loan, LoanStatus, Overpayment
from mikrolaan.loans.permissions import can
from mikrolaan.loans.summary import loan_summary


def _require(user: User, action: str) -> None:
    if not can(user, action):
        raise PermissionDenied


def _as_of(request: AuthenticatedRequest) -> dt.date:
    form = AsOfForm(request.GET)
    if form.is_valid() and form.cleaned_data["as_of"]:
        as_of: dt.date = form.cleaned_data["as_of"]
        return as_of
    return timezone.localdate()


def loan_list(request: AuthenticatedRequest) -> HttpResponseBase:
    """The loans this user may see, filtered and a page at a time; figures for that page."""
    _require(request.user, "view")
    today = timezone.localdate()
    filters = LoanFilterForm(request.GET)
    criteria = filters.criteria
    loans = listing.filter_loans(
        Loan.objects.for_user(request.user).select_related("citizen"), criteria, today
    )
    page = paginate(request, loans.order_by("-granted_on", "loan_ref"))
    shown = listing.with_figures(list(page.object_list), today)
    log_list(
        request.user,
        (loan.citizen_id for loan in shown),
        what="loan list: "
        + " ".join(f"{name}={getattr(value, 'pk', value)}" for name, value in criteria.items())
        if criteria
        else "loan list",
    )
    return render(
        request,
        "loans/list.html",
        {"loans": shown, "page": page, "filters": filters, "filtered": bool(criteria)},
    )


def _loan_page(
    request: AuthenticatedRequest,
    loan: Loan,
    *,
    forms: dict[str, Form | str] | None = None,
    status: int = 200,
) -> HttpResponse:
    as_of = _as_of(request)
    summary = loan_summary(loan, as_of)
    user = request.user
    deferrable = []
    if loan.status == LoanStatus.ACTIVE:
        deferrable = services.deferrable_months(loan, timezone.localdate())
    forms = forms or {}
    today = timezone.localdate()
    owed_now = summary["balance_now"]
    writable_off = loan.status in (LoanStatus.ACTIVE, LoanStatus.IN_COLLECTION) and owed_now > 0
    refundable = [o for o in summary["overpayments"] if not hasattr(o, "refund")]
    context = {
        **summary,
        "can_payout": can(user, "payout") and loan.status == LoanStatus.GRANTED,
        "can_defer": can(user, "deferral") and loan.status == LoanStatus.ACTIVE and deferrable,
        "can_pay": can(user, "payment")
        and loan.status in (LoanStatus.ACTIVE, LoanStatus.REPAID, LoanStatus.IN_COLLECTION),
        "can_reverse": can(user, "reverse"),
        "can_write_off": can(user, "write_off") and writable_off,
        "write_off_amount": owed_now,
        "write_off_form": forms.get("write_off") or WriteOffForm(),
        "refundable": refundable if can(user, "refund") else [],
        "refund_error": forms.get("refund_error"),
        "payout_form": forms.get("payout") or PayoutForm(initial={"paid_on": today}),
        "deferral_form": forms.get("deferral")
        or DeferralForm(months=deferrable, initial={"decided_on": today}),
        "payment_form": forms.get("payment") or PaymentForm(initial={"paid_on": today}),
        "reverse_form": ReverseForm(),
        "reverse_error": forms.get("reverse_error"),
        "chart": paid_against_planned(summary),
        "next_instalment": next_instalment(summary),
        "deferral_left": (summary["policy"].max_deferral_months - summary["deferred_months"])
        if summary["policy"]
        else 0,
    }
    case = Case.objects.for_user(user).filter(pk=loan.case_id).first()
    context["case_url"] = reverse_url("cases:detail", args=[case.pk]) if case else None
    step = next_step(case, user) if case else None
    if step and step["action"] and step["action"]["url"] == request.path:
        step["action"] = None  # the step is this very page (the loan being repaid)
        step["here"] = True
    context["next_step"] = step
    return render(request, "loans/detail.html", context, status=status)


def _get_loan(request: AuthenticatedRequest, pk: int) -> Loan:
    return get_object_or_404(Loan.objects.for_user(request.user).select_related("citizen"), pk=pk)


def loan_detail(request: AuthenticatedRequest, pk: int) -> HttpResponseBase:
    _require(request.user, "view")
    loan = _get_loan(request, pk)
    log_read(request.user, loan, what=f"loan {loan.loan_ref}", why="loan page")
    return _loan_page(request, loan)


def _form_action(
    request: AuthenticatedRequest,
    loan: Loan,
    key: str,
    form: Form,
    call: Callable[[dict[str, Any]], Any],
    success: Callable[[Any], None],
) -> HttpResponseBase:
    """The loan page's forms: valid input → the service; its refusal shows on the form.

    ``call(data)`` runs the service with the form's cleaned data; ``success(result)`` gives
    the messages. Nothing changes when the form or the service refuses."""
    if form.is_valid():
        try:
            result = call(form.cleaned_data)
        except services.LoanError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        else:
            success(result)
            return redirect("loans:detail", pk=loan.pk)
    return _loan_page(request, loan, forms={key: form}, status=400)


@require_POST
def payout(request: AuthenticatedRequest, pk: int) -> HttpResponseBase:
    _require(request.user, "payout")
    loan = _get_loan(request, pk)
    return _form_action(
        request,
        loan,
        "payout",
        PayoutForm(request.POST),
        lambda data: services.record_payout(
            loan,
            paid_on=data["paid_on"],
            deferral_months=data["deferral_months"] or 0,
            deferral_reason=data["deferral_reason"],
            acting_user=request.user,
        ),
        lambda _loan: messages.success(request, _("The payout is recorded and the plan is made.")),
    )


@require_POST
def deferral(request: AuthenticatedRequest, pk: int) -> HttpResponseBase:
    _require(request.user, "deferral")
    loan = _get_loan(request, pk)
    form = DeferralForm(request.POST, months=services.deferrable_months(loan, timezone.localdate()))
    return _form_action(
        request,
        loan,
        "deferral",
        form,
        lambda data: services.grant_deferral(
            loan,
            months=data["months"],
            reason=data["reason"],
            decided_on=data["decided_on"],
            first_month=dt.date.fromisoformat(data["first_month"]),
            acting_user=request.user,
        ),
        lambda _result: messages.success(
            request, _("The deferral is recorded and the plan re-derived.")
        ),
    )


@require_POST
def payment(request: AuthenticatedRequest, pk: int) -> HttpResponseBase:
    _require(request.user, "payment")
    loan = _get_loan(request, pk)

    def registered(received: Received) -> None:
        messages.success(request, _("The payment is registered."))
        if received.overpayment:
            messages.warning(
                request,
                _("%(amount)s kr. was more than the loan's balance and is held for refund.")
                % {"amount": number(received.overpayment.amount, 2)},
            )

    return _form_action(
        request,
        loan,
        "payment",
        PaymentForm(request.POST),
        lambda data: services.register_payment(
            loan,
            amount=data["amount"],
            paid_on=data["paid_on"],
            why=data["note"],
            acting_user=request.user,
        ),
        registered,
    )


@require_POST
def reverse(request: AuthenticatedRequest, pk: int, entry_id: int) -> HttpResponseBase:
    _require(request.user, "reverse")
    loan = _get_loan(request, pk)
    entry = get_object_or_404(LedgerEntry, pk=entry_id, loan=loan)
    form = ReverseForm(request.POST)
    if form.is_valid():
        try:
            services.reverse_entry(
                entry,
                reason=form.cleaned_data["reason"],
                on=timezone.localdate(),
                acting_user=request.user,
            )
        except services.LoanError as exc:
            return _loan_page(request, loan, forms={"reverse_error": str(exc)}, status=400)
        messages.success(request, _("The entry is reversed."))
        return redirect("loans:detail", pk=loan.pk)
    return _loan_page(
        request, loan, forms={"reverse_error": _("A reversal needs a reason.")}, status=400
    )


@require_POST
def write_off(request: AuthenticatedRequest, pk: int) -> HttpResponseBase:
    _require(request.user, "write_off")
    loan = _get_loan(request, pk)
    return _form_action(
        request,
        loan,
        "write_off",
        WriteOffForm(request.POST),
        lambda data: services.write_off(
            loan,
            on=timezone.localdate(),
            reason=data["reason"],
            acting_user=request.user,
        ),
        lambda _result: messages.success(request, _("The outstanding balance is written off.")),
    )


@require_POST
def refund(request: AuthenticatedRequest, pk: int, overpayment_id: int) -> HttpResponseBase:
    _require(request.user, "refund")
    loan = _get_loan(request, pk)
    overpayment = get_object_or_404(Overpayment, pk=overpayment_id, loan=loan)
    form = RefundForm(request.POST)
    if not form.is_valid() or not form.cleaned_data["reason"].strip():
        return _loan_page(
            request, loan, forms={"refund_error": _("A refund needs a reason.")}, status=400
        )
    try:
        services.refund_overpayment(
            overpayment,
            refunded_on=timezone.localdate(),
            note=form.cleaned_data["reason"],
            acting_user=request.user,
        )
    except services.LoanError as exc:
        return _loan_page(request, loan, forms={"refund_error": str(exc)}, status=400)
    messages.success(
        request,
        _("%(amount)s kr. is recorded as refunded to the citizen.")
        % {"amount": number(overpayment.amount, 2)},
    )
    return redirect("loans:detail", pk=loan.pk)


def set_up(request: AuthenticatedRequest, decision_id: int) -> HttpResponseBase:
    """GET: confirm (the case page links here); POST: set up the loan of a granted decision."""
    _require(request.user, "set_up")
    decision = get_object_or_404(Decision, pk=decision_id)
    if not Case.objects.for_user(request.user).filter(pk=decision.case_id).exists():
        raise PermissionDenied
    if request.method != "POST":
        granted, why_not = services.grant_status(decision)
        return render(
            request,
            "loans/set_up.html",
            {"decision": decision, "granted": granted, "why_not": why_not},
        )
    try:
        loan = services.create_loan(decision, acting_user=request.user)
    except services.LoanError as exc:
        messages.error(request, str(exc))
        return redirect("loans:list")
    messages.success(request, _("The loan %(ref)s is set up.") % {"ref": loan.loan_ref})
    return redirect("loans:detail", pk=loan.pk)


def fund(request: AuthenticatedRequest) -> HttpResponseBase:
    _require(request.user, "fund")
    as_of = _as_of(request)
    forecast = forecast_for_page(as_of)
    fund, kept = fund_for_page(as_of, asked="as_of" in request.GET)
    return render(
        request,
        "loans/fund.html",
        {
            "fund": fund,
            "kept": kept,
            "as_of": as_of,
            "forecast_chart": forecast["chart"],
            "forecast": forecast,
        },
    )
