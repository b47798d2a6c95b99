from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from mikrolaan.budgets import forms
from mikrolaan.budgets.models import BudgetVersion
from mikrolaan.budgets.services import (
    budget_refusal,
    latest_version,
    may_submit_budget,
    submit_budget,
    summarise,
)
from mikrolaan.cases.models import Case
from mikrolaan.cases.view_helpers import case_page_url, open_case


def new_version(request, case_pk):
    case = open_case(request, case_pk, why="budget")
    if not may_submit_budget(case, request.user):
        raise PermissionDenied(budget_refusal(case) or _("Only a project leader enters budgets."))
    previous = latest_version(case)
    if request.method == "POST":
        form = forms.BudgetForm(request.POST)
        months = forms.MonthFormSet(request.POST, prefix="m")
        if form.is_valid() and months.is_valid():
            data = form.cleaned_data
            try:
                version = submit_budget(
                    case,
                    submitted_on=data["submitted_on"],
                    establishment=data["establishment"],
                    income=data["income"],
                    costs=data["costs"],
                    months=forms.months_from(months),
                    own_funds=data["own_funds"] or 0,
                    other_financing=data["other_financing"] or 0,
                    opening_cash=data["opening_cash"] or 0,
                    note=data["note"],
                    acting_user=request.user,
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(
                    request, _("Budget version %(n)s is saved.") % {"n": version.number}
                )
                if summarise(version).red_flag.warn:
                    messages.warning(request, red_flag_text())
                return redirect(case_page_url(case))
    else:
        initial, month_initial = forms.initial_from(previous)
        form = forms.BudgetForm(initial=initial)
        months = forms.MonthFormSet(prefix="m", initial=month_initial or None)
    return render(
        request,
        "budgets/form.html",
        {
            "case": case,
            "form": form,
            "months": months,
            "previous": previous,
            "case_url": case_page_url(case),
        },
    )


def red_flag_text():
    return _(
        "Warning: the liquidity budget spends the loan on living costs and only turns positive "
        "on hoped-for sales (the review's red-flag example). This is advice, not a block."
    )


def version_detail(request, pk):
    version = get_object_or_404(
        BudgetVersion.objects.filter(case__in=Case.objects.for_user(request.user)), pk=pk
    )
    case = open_case(request, version.case_id, why="budget")
    return render(
        request,
        "budgets/version.html",
        {
            "case": case,
            "s": summarise(version),
            "red_flag_text": red_flag_text(),
            "case_url": case_page_url(case),
        },
    )
