"""Case views: parse, authorise (for_user + role), call a service, render."""

from functools import partial

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from mikrolaan.accounts.roles import Role
from mikrolaan.audit import searches
from mikrolaan.audit.models import Action
from mikrolaan.audit.services import log, log_list, log_read
from mikrolaan.cases import forms
from mikrolaan.cases.constants import SCREENING_STEPS, EventKind
from mikrolaan.cases.models import Case, CaseEvent
from mikrolaan.cases.next_step import next_step
from mikrolaan.cases.page import actions_for, context_for, sections_for
from mikrolaan.cases.services import (
    CASEWORK_ROLES,
    close_as_registered_in_error,
    correct_event,
    correct_event_date,
    correctable_fields,
    corrected_value,
    event_date,
    may_correct_date,
    may_screen,
    record_dropout,
    record_screening,
    refer_citizen,
)
from mikrolaan.cases.timeline import timeline
from mikrolaan.core.pagination import paginate
from mikrolaan.people import cpr as cprlib
from mikrolaan.people.models import Citizen
from mikrolaan.people.services import register_citizen, update_citizen


def _require_case_data(user):
    if not user.sees_case_data:
        raise PermissionDenied


def _case(request, pk) -> Case:
    """The case, if this user may see it; otherwise 404 (we do not reveal that it exists)."""
    _require_case_data(request.user)
    case = get_object_or_404(
        Case.objects.for_user(request.user).select_related(
            "citizen__unit", "citizen__support_before", "unit", "cohort"
        ),
        pk=pk,
    )
    case.scoped_for = request.user.pk  # read through ``for_user``: no need to ask again
    return case


def case_list(request):
    """The cases this user may see; a search is posted and shown under a token (no CPR in URLs).

    ``GET /cases/?q=…`` does not search: a CPR number in a query string ends up in the web
    server's access log.
    """
    _require_case_data(request.user)
    form = forms.SearchForm(request.POST) if request.method == "POST" else None
    if form is not None and form.is_valid():
        if query := form.cleaned_data["q"].strip():
            token = searches.remember(request, "cases", {"q": query})
            return redirect(f"{reverse('cases:list')}?s={token}")
        return redirect("cases:list")
    criteria = searches.recall(request, "cases", request.GET.get("s"))
    query = "" if form is not None else (criteria or {}).get("q", "")
    form = form or forms.SearchForm(initial={"q": query})
    filters = forms.CaseFilterForm(request.GET, user=request.user)
    cases = filters.filter(
        Case.objects.for_user(request.user).select_related("citizen", "unit", "cohort")
    )
    if query:
        cases = cases.filter(_search_condition(query))
        log(request.user, Action.SEARCH, what=f"case search: q={query!r}"[:500])
    page = paginate(request, cases.order_by("-opened_on", "-pk"))
    log_list(
        request.user,
        (case.citizen_id for case in page),
        what=f"case search result: q={query!r}"[:500] if query else "case list",
    )
    may_register = request.user.has_role(Role.JOB_CONSULTANT, Role.PROJECT_LEADER)
    return render(
        request,
        "cases/case_list.html",
        {
            "form": form,
            "filters": filters,
            "filtered": filters.is_valid() and any(filters.cleaned_data.values()),
            "page": page,
            "cases": page.object_list,
            "query": query,
            "search_token": request.GET.get("s", "") if query else "",
            "may_register": may_register,
        },
    )


def _search_condition(query: str) -> Q:
    """A name (first, last or both) or the start of a CPR number."""
    digits = cprlib.normalise(query)
    condition = Q(citizen__first_name__icontains=query) | Q(citizen__last_name__icontains=query)
    parts = query.split()
    if len(parts) > 1:
        condition |= Q(citizen__first_name__icontains=parts[0]) & Q(
            citizen__last_name__icontains=parts[-1]
        )
    if digits.isdigit():
        condition |= Q(citizen__cpr__startswith=digits)
    return condition


def citizen_new(request):
    if not request.user.has_role(Role.JOB_CONSULTANT, Role.PROJECT_LEADER):
        raise PermissionDenied
    form = forms.CitizenForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["unit"] = data.get("unit") or request.user.unit
        try:
            citizen = register_citizen(
                acting_user=request.user, why=_("registered for referral"), **data
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("%(name)s is registered.") % {"name": citizen.full_name})
            if request.user.has_role(Role.JOB_CONSULTANT):
                return redirect("cases:refer", pk=citizen.pk)
            return redirect("cases:citizen", pk=citizen.pk)
    return render(request, "cases/citizen_form.html", {"form": form})


def _citizen(request, pk) -> Citizen:
    _require_case_data(request.user)
    return get_object_or_404(Citizen.objects.for_user(request.user), pk=pk)


def citizen_detail(request, pk):
    citizen = _citizen(request, pk)
    log_read(request.user, citizen, what="citizen page")
    cases = Case.objects.for_user(request.user).filter(citizen=citizen)
    return render(
        request,
        "cases/citizen_detail.html",
        {
            "citizen": citizen,
            "cases": cases,
            "may_refer": request.user.has_role(Role.JOB_CONSULTANT) and not cases.open().exists(),
        },
    )


def citizen_edit(request, pk):
    citizen = _citizen(request, pk)
    if not request.user.has_role(*CASEWORK_ROLES):
        raise PermissionDenied
    initial = {
        "phone": citizen.phone,
        "email": citizen.email,
        "address": citizen.address,
        "digital_post_exempt": citizen.digital_post_exempt,
    }
    form = forms.CitizenContactForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        why = data.pop("why")
        try:
            update_citizen(citizen, acting_user=request.user, why=why, **data)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("The contact details are saved."))
            case = Case.objects.for_user(request.user).filter(citizen=citizen).first()
            if case:
                return redirect("cases:detail", pk=case.pk)
            return redirect("cases:citizen", pk=citizen.pk)
    return render(request, "cases/citizen_edit.html", {"form": form, "citizen": citizen})


def refer(request, pk):
    citizen = _citizen(request, pk)
    if not request.user.has_role(Role.JOB_CONSULTANT):
        raise PermissionDenied
    form = forms.ReferralForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            case = refer_citizen(citizen, acting_user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("The referral is recorded and the case is opened."))
            return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/referral_form.html", {"form": form, "citizen": citizen})


def case_detail(request, pk):
    case = _case(request, pk)
    log_read(request.user, case, what="case page")
    may_correct = request.user.has_role(*CASEWORK_ROLES) and case.is_open
    return render(
        request,
        "cases/case_detail.html",
        {
            "case": case,
            "citizen": case.citizen,
            "timeline": timeline(case),
            "sections": _render_sections(request, case),
            "actions": actions_for(case, request.user),
            "next_step": next_step(case, request.user),
            **context_for(case, request.user),
            "may_correct": may_correct,
            "correctable": set(SCREENING_STEPS) | {EventKind.REFERRAL},
        },
    )


def _render_sections(request, case) -> list[str]:
    """Each registered section rendered with its context (as top-level names and as ``ctx``)."""
    rendered = []
    for section in sections_for(case, request.user):
        context = dict(section.get("context") or {})
        context.setdefault("case", case)
        rendered.append(
            render_to_string(section["template"], {**context, "ctx": context}, request=request)
        )
    return rendered


def screening(request, pk, kind):
    case = _case(request, pk)
    if kind not in SCREENING_STEPS:
        raise Http404
    if not request.user.has_role(SCREENING_STEPS[kind][2]):
        raise PermissionDenied
    form = forms.ScreeningForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            record_screening(case, kind=kind, acting_user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("%(step)s is recorded.") % {"step": EventKind(kind).label})
            return redirect("cases:detail", pk=case.pk)
    return render(
        request,
        "cases/screening_form.html",
        {
            "form": form,
            "case": case,
            "step": EventKind(kind).label,
            "waiting": may_screen(case, request.user, kind),
        },
    )


def _submitted(request, form, call, success) -> bool:
    """Call the service with a valid posted form's data; its errors go on the form."""
    if request.method != "POST" or not form.is_valid():
        return False
    try:
        call(**form.cleaned_data)
    except ValidationError as exc:
        form.add_service_errors(exc)
        return False
    messages.success(request, success)
    return True


def dropout(request, pk):
    case = _case(request, pk)
    if not request.user.has_role(*CASEWORK_ROLES):
        raise PermissionDenied
    form = forms.DropoutForm(request.POST or None)
    record = partial(record_dropout, case, acting_user=request.user)
    if _submitted(request, form, record, _("The dropout is recorded.")):
        return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/dropout_form.html", {"form": form, "case": case})


def correct(request, pk, event_pk):
    case = _case(request, pk)
    if not request.user.has_role(*CASEWORK_ROLES):
        raise PermissionDenied
    event = get_object_or_404(CaseEvent, pk=event_pk, case=case)
    fields = correctable_fields(event)
    if not fields:
        raise Http404
    relation = event.referral if event.kind == EventKind.REFERRAL else event.screening
    choices = [(f, capfirst(relation._meta.get_field(f).verbose_name)) for f in fields]
    form = forms.CorrectionForm(request.POST or None, field_choices=choices)
    if request.method == "POST" and form.is_valid():
        try:
            correct_event(
                event,
                occurred_on=timezone.localdate(),
                acting_user=request.user,
                **form.cleaned_data,
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("The correction is recorded."))
            return redirect(reverse("cases:detail", args=[case.pk]) + f"#event-{event.pk}")
    current = [
        (label, corrected_value(event, name, getattr(relation, name))) for name, label in choices
    ]
    return render(
        request,
        "cases/correction_form.html",
        {
            "form": form,
            "case": case,
            "event": event,
            "label": EventKind(event.kind).label,
            "current": current,
            "may_correct_date": may_correct_date(event),
        },
    )


def correct_date(request, pk, event_pk):
    case = _case(request, pk)
    if not request.user.has_role(*CASEWORK_ROLES):
        raise PermissionDenied
    event = get_object_or_404(CaseEvent, pk=event_pk, case=case)
    if not may_correct_date(event):
        raise Http404
    form = forms.DateCorrectionForm(request.POST or None)
    record = partial(correct_event_date, event, acting_user=request.user)
    if _submitted(request, form, record, _("The correction is recorded.")):
        return redirect(reverse("cases:detail", args=[case.pk]) + f"#event-{event.pk}")
    return render(
        request,
        "cases/date_correction_form.html",
        {
            "form": form,
            "case": case,
            "event": event,
            "label": EventKind(event.kind).label,
            "current": event_date(event),
        },
    )


def close_in_error(request, pk):
    case = _case(request, pk)
    if not request.user.has_role(*CASEWORK_ROLES):
        raise PermissionDenied
    form = forms.ErrorClosureForm(request.POST or None)
    close = partial(close_as_registered_in_error, case, acting_user=request.user)
    if _submitted(request, form, close, _("The case is closed as registered in error.")):
        return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/error_closure_form.html", {"form": form, "case": case})
