from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from mikrolaan.budgets.services import latest_version, summarise
from mikrolaan.cases.models import Case
from mikrolaan.cases.page import actions_for, sections_for
from mikrolaan.cases.view_helpers import case_page_url, open_case
from mikrolaan.decisions import forms, main_course, services
from mikrolaan.decisions.models import Decision
from mikrolaan.policy.models import LoanPolicy, PolicyNotInForce


def case_page(request, case_pk):
    """A minimal case page: this app's and others' sections and actions. The cases app's
    full case page replaces it (``case_page_url``)."""
    case = open_case(request, case_pk, why="case page")
    return render(
        request,
        "decisions/case.html",
        {
            "case": case,
            "sections": sections_for(case, request.user),
            "actions": actions_for(case, request.user),
        },
    )


def _apply(form, call):
    """Run a service call; its ValidationError lands on the form. True when it succeeded."""
    try:
        call()
    except ValidationError as exc:
        form.add_error(None, exc)
        return False
    return True


@require_http_methods(["GET", "POST"])
def decide(request, case_pk):
    case = open_case(request, case_pk, why="budget decision")
    if not services.may_decide(case, request.user):
        raise PermissionDenied(
            services.decision_refusal(case) or _("Only a project leader makes the decision.")
        )
    form = forms.DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _apply(form, lambda: services.decide(case, **data, acting_user=request.user)):
            messages.success(request, _("The decision is recorded."))
            return redirect(case_page_url(case))
    try:
        policy = LoanPolicy.in_force(timezone.localdate())
    except PolicyNotInForce:
        policy = None
    version = latest_version(case)
    return render(
        request,
        "decisions/decide.html",
        {
            "case": case,
            "form": form,
            "s": summarise(version),
            "policy": policy,
            "previous": services.latest_decision(case),
            "case_url": case_page_url(case),
        },
    )


@require_http_methods(["GET", "POST"])
def approve(request, pk):
    decision = get_object_or_404(
        Decision.objects.filter(case__in=Case.objects.for_user(request.user)), pk=pk
    )
    case = open_case(request, decision.case_id, why="loan grant")
    refusal = services.approval_refusal(decision, request.user)
    form = forms.ApprovalForm(request.POST or None)
    if (
        request.method == "POST"
        and refusal is None
        and form.is_valid()
        and _apply(
            form,
            lambda: services.approve_grant(
                decision,
                approved_on=timezone.localdate(),
                note=form.cleaned_data["note"],
                acting_user=request.user,
            ),
        )
    ):
        decision = Decision.objects.get(pk=decision.pk)
        if decision.is_granted:
            messages.success(request, _("Both have approved: the loan is granted."))
        else:
            messages.success(
                request, _("Your approval is recorded; the grant awaits the second approval.")
            )
        return redirect(case_page_url(case))
    status = 403 if refusal and request.method == "POST" else 200
    return _approval_page(request, case, decision, refusal, form, forms.RefusalForm(), status)


def _approval_page(request, case, decision, refusal, form, refuse_form, status=200):
    """The approval page: the basis of the grant (budget, the three P's, the earlier
    approvals' notes), then approve or refuse with a reason."""
    return render(
        request,
        "decisions/approve.html",
        {
            "case": case,
            "decision": decision,
            "approvals": list(decision.approvals.select_related("recorded_by")),
            "grant_refusal": decision.refusal,
            "s": summarise(decision.budget_version) if decision.budget_version else None,
            "refusal": refusal,
            "form": form,
            "refuse_form": refuse_form,
            "case_url": case_page_url(case),
        },
        status=status,
    )


@require_http_methods(["POST"])
def refuse(request, pk):
    decision = get_object_or_404(
        Decision.objects.filter(case__in=Case.objects.for_user(request.user)), pk=pk
    )
    case = open_case(request, decision.case_id, why="loan grant")
    refusal = services.approval_refusal(decision, request.user)
    if refusal:
        raise PermissionDenied(refusal)
    refuse_form = forms.RefusalForm(request.POST)
    if refuse_form.is_valid() and _apply(
        refuse_form,
        lambda: services.refuse_grant(
            decision,
            refused_on=timezone.localdate(),
            reason=refuse_form.cleaned_data["reason"],
            acting_user=request.user,
        ),
    ):
        messages.success(
            request, _("The refusal is recorded; the project leader decides a new round.")
        )
        return redirect(case_page_url(case))
    return _approval_page(
        request, case, decision, None, forms.ApprovalForm(), refuse_form, status=400
    )


@require_http_methods(["GET", "POST"])
def start_main_course(request, case_pk):
    case = open_case(request, case_pk, why="main course start")
    if not main_course.may_start(case, request.user):
        raise PermissionDenied(main_course.start_refusal(case) or "")
    pension = main_course.keeps_pension(case)
    try:
        max_months = LoanPolicy.in_force(timezone.localdate()).subsistence_max_months
    except PolicyNotInForce:
        max_months = 6
    form = forms.MainCourseForm(request.POST or None, keeps_pension=pension, max_months=max_months)
    if (
        request.method == "POST"
        and form.is_valid()
        and _apply(
            form,
            lambda: main_course.start_main_course(
                case, **form.cleaned_data, acting_user=request.user
            ),
        )
    ):
        messages.success(request, _("The main course start is recorded."))
        return redirect(case_page_url(case))
    return render(
        request,
        "decisions/main_course.html",
        {"case": case, "form": form, "keeps_pension": pension, "case_url": case_page_url(case)},
    )


@require_http_methods(["GET", "POST"])
def fit_for_work(request, case_pk):
    case = open_case(request, case_pk, why="fit for work")
    if not main_course.may_confirm_fit(case, request.user):
        raise PermissionDenied(main_course.fit_refusal(case) or "")
    form = forms.FitForWorkForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and _apply(
            form,
            lambda: main_course.confirm_fit_for_work(
                case, **form.cleaned_data, acting_user=request.user
            ),
        )
    ):
        messages.success(request, _("Fit for work is recorded."))
        return redirect(case_page_url(case))
    return render(
        request, "decisions/fit.html", {"case": case, "form": form, "case_url": case_page_url(case)}
    )
