"""Views: parse, authorise, call the service, render. No rules here."""

import datetime as dt
import json
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mikrolaan.audit.services import log_read
from mikrolaan.cases.models import Case
from mikrolaan.core.suppression import (
    HIDDEN,
    MARKER,
    is_hidden,
    marked,
    set_at,
    suppression_note,
)
from mikrolaan.outcomes import access, economics, funnel, services
from mikrolaan.outcomes import kept as kept_figures
from mikrolaan.outcomes.forms import (
    SOURCES,
    AsOfForm,
    CorrectSpellForm,
    SpellForm,
    WithdrawSpellForm,
)
from mikrolaan.outcomes.models import SupportSpell
from mikrolaan.outcomes.summary import citizen_outcomes


def _has_case_page() -> bool:
    try:
        reverse("cases:detail", args=[1])
    except NoReverseMatch:
        return False
    return True


def case_page_url(case) -> str:
    """The case page if the cases app has one, else this app's outcomes page for the case."""
    try:
        return reverse("cases:detail", args=[case.pk])
    except NoReverseMatch:
        return reverse("outcomes:case", args=[case.pk])


def _case(request, pk) -> Case:
    return get_object_or_404(Case.objects.for_user(request.user).select_related("citizen"), pk=pk)


def case_outcomes(request, pk):
    """The citizen's support spells on a page of their own (the case page shows the same)."""
    case = _case(request, pk)
    log_read(request.user, case.citizen, what=f"support spells, case {case.pk}")
    context = section_context(case, request.user, standalone=True)
    context["case_url"] = case_page_url(case)
    return render(request, "outcomes/case_outcomes.html", context)


def section_context(case, user, *, standalone: bool = False) -> dict:
    """The section's context; on the case page itself the "record" button is the page's
    action, on this app's own page the section carries it."""
    today = timezone.localdate()
    return {
        "case": case,
        "outcomes": citizen_outcomes(case.citizen, today),
        "today": today,
        "may_record": access.may_record_spells(user),
        "show_record_button": standalone or not _has_case_page(),
        "record_url": reverse("outcomes:record", args=[case.pk]),
    }


def _spell_form_page(request, case, form, *, title, spell=None):
    return render(
        request,
        "outcomes/spell_form.html",
        {
            "case": case,
            "form": form,
            "title": title,
            "spell": spell,
            "sources": SOURCES,
            "back_url": case_page_url(case),
        },
    )


def record_spell(request, pk):
    case = _case(request, pk)
    if not access.may_record_spells(request.user):
        raise PermissionDenied
    form = SpellForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_spell(
                case.citizen, case=case, acting_user=request.user, **form.cleaned_data
            )
        except services.SpellError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.text)
        else:
            messages.success(request, _("The support status has been recorded."))
            return redirect(case_page_url(case))
    return _spell_form_page(request, case, form, title=_("Record support status"))


def _spell(request, pk) -> tuple[SupportSpell, Case]:
    spell = get_object_or_404(SupportSpell, pk=pk)
    case = (
        Case.objects.for_user(request.user)
        .filter(citizen_id=spell.citizen_id)
        .select_related("citizen")
        .first()
    )
    if case is None:
        raise PermissionDenied
    if not access.may_record_spells(request.user):
        raise PermissionDenied
    return spell, case


def correct_spell(request, pk):
    spell, case = _spell(request, pk)
    initial = {
        "status": spell.status,
        "start": spell.start,
        "end": spell.end,
        "source": spell.source,
    }
    form = CorrectSpellForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.correct_spell(spell, case=case, acting_user=request.user, **form.cleaned_data)
        except services.SpellError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.text)
        else:
            messages.success(request, _("The support status has been corrected."))
            return redirect(case_page_url(case))
    return _spell_form_page(request, case, form, title=_("Correct support status"), spell=spell)


def withdraw_spell(request, pk):
    spell, case = _spell(request, pk)
    form = WithdrawSpellForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.withdraw_spell(spell, case=case, acting_user=request.user, **form.cleaned_data)
        except services.SpellError as exc:
            form.add_error(None, exc.text)
        else:
            messages.success(request, _("The support status has been withdrawn."))
            return redirect(case_page_url(case))
    return _spell_form_page(request, case, form, title=_("Withdraw support status"), spell=spell)


def _as_of(request):
    """The form, the date it asks for (today unless valid) and whether a date was asked."""
    form = AsOfForm(request.GET or None, initial={"as_of": timezone.localdate()})
    asked = form.is_valid() and form.cleaned_data.get("as_of")
    return form, asked or timezone.localdate(), bool(asked)


def funnel_page(request):
    if not access.may_read_aggregates(request.user):
        raise PermissionDenied
    form, as_of, asked = _as_of(request)
    # Exact for roles with case access, small numbers hidden for the others.
    result, kept = kept_figures.funnel_for_page(request.user, as_of, asked=asked)
    return render(
        request,
        "outcomes/funnel.html",
        {
            "form": form,
            "as_of": as_of,
            "funnel": funnel_display(marked(result)),
            "suppression_note": suppression_note(result),
            "kept": kept,
        },
    )


def economics_page(request):
    if not access.may_read_aggregates(request.user):
        raise PermissionDenied
    form, as_of, asked = _as_of(request)
    result, kept = kept_figures.economics_for_page(as_of, asked=asked)
    published = economics.as_json(result)
    if not request.user.sees_case_data:
        published = economics.suppress_economics(published)
        for ptr in published["suppression"]["cells"]:
            set_at(result, ptr, HIDDEN)
    return render(
        request,
        "outcomes/economics.html",
        {
            "form": form,
            "as_of": as_of,
            "result": result,
            "table": economics_display(result),
            "json": json.dumps(published, ensure_ascii=False, indent=2),
            "suppression_note": suppression_note(published),
            "marker": MARKER,
            "kept": kept,
        },
    )


ECONOMICS_LINES = [
    # (label, key, money, strong)
    (gettext_lazy("Participants"), "participants", False, False),
    (gettext_lazy("Borrowers"), "borrowers", False, False),
    (gettext_lazy("Self-supporting days"), "self_supporting_days", False, False),
    (gettext_lazy("Public support saved"), "public_support_saved", True, True),
    (gettext_lazy("Course costs"), "course_costs", True, False),
    (gettext_lazy("Subsistence grants"), "subsistence_grants", True, False),
    (gettext_lazy("Project-leader time"), "project_leader_time", True, False),
    (gettext_lazy("Programme cost"), "programme_cost", True, True),
    (gettext_lazy("Loan losses"), "loan_losses", True, False),
    (gettext_lazy("Net gain"), "net_gain", True, True),
    (gettext_lazy("Outstanding loans"), "outstanding_loans", True, False),
    (gettext_lazy("Net if nothing more is repaid"), "net_gain_if_outstanding_lost", True, False),
]


def economics_display(result: dict) -> dict:
    """The economic gain as a table with one column per cohort and one for the total."""
    figures = [*result["cohorts"], result["totals"]]
    return {
        "columns": [r["cohort"] or _("Not in a cohort") for r in result["cohorts"]] + [_("Total")],
        "rows": [
            {
                "label": label,
                "key": key,
                "money": is_money,
                "strong": strong,
                "values": [fig[key] for fig in figures],
                "cells": [(fig[key], is_hidden(fig[key])) for fig in figures],
            }
            for label, key, is_money, strong in ECONOMICS_LINES
        ],
        "costs": [
            {
                **c,
                "valid_from": dt.date.fromisoformat(c["valid_from"]),
                **{
                    k: Decimal(c[k])
                    for k in (
                        "course_cost_per_participant",
                        "subsistence_grant_per_month",
                        "project_leader_hours_per_participant",
                        "project_leader_hourly_cost",
                    )
                },
            }
            for c in result["assumptions"]["programme_cost_settings"]
        ],
        "rates_in_force": [
            {
                **r,
                "valid_from": dt.date.fromisoformat(r["valid_from"]),
                "daily_rate": Decimal(r["daily_rate"]),
            }
            for r in result["assumptions"]["public_support_rates_in_force"]
        ],
    }


def funnel_display(result: dict) -> dict:
    """Labels for the codes in a funnel result (what the page shows)."""
    from mikrolaan.cases.constants import DropoutDestination, DropoutReason

    reasons = dict(DropoutReason.choices)
    destinations = dict(DropoutDestination.choices)
    step_labels = funnel.step_labels()

    def label_rows(row):
        total = row["referred"]
        return {
            **row,
            "bars": [
                {
                    "step": step,
                    "label": step_labels[step],
                    "count": row[step],
                    "pct": HIDDEN
                    if is_hidden(row[step]) or is_hidden(total)
                    else funnel.percent(row[step], total) or 0,
                }
                for step in funnel.STEPS
            ],
            "reasons": [
                (reasons.get(code, _("Not stated")), n)
                for code, n in row["dropout_reasons"].items()
            ],
            "destinations": [
                (destinations.get(code, _("Not stated")), n)
                for code, n in row["dropout_destinations"].items()
            ],
        }

    return {
        "totals": label_rows(result["totals"]),
        "cohorts": [label_rows(r) for r in result["cohorts"]],
        "units": [label_rows(r) for r in result["units"]],
        "step_labels": [step_labels[s] for s in funnel.STEPS],
    }
