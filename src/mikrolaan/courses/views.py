"""Cohort and pre-course views: parse, authorise, call a service, render."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from mikrolaan.accounts.roles import Role
from mikrolaan.audit.services import log_list, log_read
from mikrolaan.cases.models import Case
from mikrolaan.cases.next_step import next_step
from mikrolaan.courses import forms
from mikrolaan.courses.models import Cohort, PlannedActivity
from mikrolaan.courses.services import (
    CONVERSATION_ROLES,
    active_participation,
    add_plan_activity,
    assign_to_cohort,
    cohort_in_pre_course,
    cohort_size,
    cohort_size_warnings,
    complete_plan,
    create_cohort,
    log_conversation,
    move_to_later_cohort,
    plan_problems,
    record_attendance,
    self_development_deadline,
)

COHORT_VIEWERS = (Role.PROJECT_LEADER, Role.MANAGER)


def _warn(request, warnings):
    for warning in warnings:
        messages.warning(request, warning)


def cohorts(request):
    if not request.user.has_role(*COHORT_VIEWERS):
        raise PermissionDenied
    may_create = request.user.has_role(Role.PROJECT_LEADER)
    form = forms.CohortForm(request.POST or None) if may_create else None
    if request.method == "POST":
        if not may_create:
            raise PermissionDenied
        if form.is_valid():
            try:
                cohort, warnings = create_cohort(acting_user=request.user, **form.cleaned_data)
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, _("Cohort %(code)s is created.") % {"code": cohort.code})
                _warn(request, warnings)
                return redirect("courses:cohort", pk=cohort.pk)
    today = timezone.localdate()
    rows = [
        {
            "cohort": c,
            "size": cohort_size(c),
            "in_pre_course": cohort_in_pre_course(c, today),
            "warnings": cohort_size_warnings(c),
        }
        for c in Cohort.objects.order_by("-main_course_start")
    ]
    return render(request, "courses/cohorts.html", {"rows": rows, "form": form})


def cohort_detail(request, pk):
    if not request.user.has_role(*COHORT_VIEWERS):
        raise PermissionDenied
    cohort = get_object_or_404(Cohort, pk=pk)
    participations = cohort.participations.select_related("case__citizen", "moved_from__cohort")
    if not request.user.sees_case_data:
        participations = participations.none()
    else:
        participations = participations.filter(case__in=Case.objects.for_user(request.user))
    participations = list(participations)
    log_list(
        request.user,
        (p.case.citizen_id for p in participations),
        what=f"cohort {cohort.code}: participants",
    )
    return render(
        request,
        "courses/cohort_detail.html",
        {
            "cohort": cohort,
            "participations": participations,
            "size": cohort_size(cohort),
            "warnings": cohort_size_warnings(cohort),
            "deadline": self_development_deadline(cohort),
        },
    )


def _case(request, pk) -> Case:
    if not request.user.sees_case_data:
        raise PermissionDenied
    return get_object_or_404(
        Case.objects.for_user(request.user).select_related("citizen", "cohort"), pk=pk
    )


def _project_leader(request):
    if not request.user.has_role(Role.PROJECT_LEADER):
        raise PermissionDenied


def assign(request, case_pk):
    case = _case(request, case_pk)
    _project_leader(request)
    today = timezone.localdate()
    cohorts = Cohort.objects.filter(main_course_start__gt=today).order_by("main_course_start")
    form = forms.AssignForm(request.POST or None, cohorts=cohorts)
    if request.method == "POST" and form.is_valid():
        try:
            _p, warnings = assign_to_cohort(case, acting_user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(
                request,
                _("The citizen is in %(code)s.") % {"code": form.cleaned_data["cohort"].code},
            )
            _warn(request, warnings)
            return redirect("courses:plan", case_pk=case.pk)
    return render(
        request,
        "courses/assign_form.html",
        {"form": form, "case": case, "heading": _("Assign to a cohort")},
    )


def move(request, case_pk):
    case = _case(request, case_pk)
    _project_leader(request)
    current = active_participation(case)
    cohorts = Cohort.objects.order_by("main_course_start")
    if current:
        cohorts = cohorts.filter(main_course_start__gt=current.cohort.main_course_start)
    form = forms.MoveForm(request.POST or None, cohorts=cohorts)
    if request.method == "POST" and form.is_valid():
        try:
            _p, warnings = move_to_later_cohort(case, acting_user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(
                request,
                _("The citizen is moved to %(code)s.") % {"code": form.cleaned_data["cohort"].code},
            )
            _warn(request, warnings)
            return redirect("cases:detail", pk=case.pk)
    return render(
        request,
        "courses/assign_form.html",
        {"form": form, "case": case, "heading": _("Move to a later cohort")},
    )


def plan(request, case_pk):
    case = _case(request, case_pk)
    plan = getattr(case, "pre_course_plan", None)
    if request.method == "GET":
        log_read(request.user, case, what="pre-course plan")
    may_edit = request.user.has_role(Role.PROJECT_LEADER) and plan and not plan.completed_on
    form = forms.PlanActivityForm(request.POST or None) if may_edit else None
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied
        if form.is_valid():
            try:
                add_plan_activity(
                    case, on=timezone.localdate(), acting_user=request.user, **form.cleaned_data
                )
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, _("The activity is added to the plan."))
                return redirect("courses:plan", case_pk=case.pk)
    activities = plan.activities.select_related("activity") if plan else []
    return render(
        request,
        "courses/plan.html",
        {
            "case": case,
            "plan": plan,
            "activities": activities,
            "form": form,
            "may_edit": may_edit,
            "may_record_attendance": bool(plan) and request.user.has_role(Role.PROJECT_LEADER),
            "problems": plan_problems(case) if plan else [],
            "deadline": self_development_deadline(case.cohort) if case.cohort else None,
            "next_step": next_step(case, request.user) if plan and plan.completed_on else None,
        },
    )


def attendance(request, case_pk, pk):
    case = _case(request, case_pk)
    _project_leader(request)
    planned = get_object_or_404(PlannedActivity, pk=pk, plan__case=case)
    form = forms.AttendanceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            record_attendance(planned, acting_user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            for error in exc.messages:
                messages.error(request, error)
        else:
            messages.success(request, _("Attendance is saved."))
    return redirect("courses:plan", case_pk=case.pk)


def complete(request, case_pk):
    case = _case(request, case_pk)
    _project_leader(request)
    if request.method == "POST":
        try:
            complete_plan(case, on=timezone.localdate(), acting_user=request.user)
        except ValidationError as exc:
            for error in exc.messages:
                messages.error(request, error)
        else:
            messages.success(request, _("The pre-course plan is complete."))
    return redirect("courses:plan", case_pk=case.pk)


def conversation(request, case_pk):
    case = _case(request, case_pk)
    kinds = [k for k, role in CONVERSATION_ROLES.items() if request.user.has_role(role)]
    if not kinds:
        raise PermissionDenied
    form = forms.ConversationForm(
        request.POST or None, kinds=kinds, initial={"kind": request.GET.get("kind")}
    )
    if request.method == "POST" and form.is_valid():
        try:
            log_conversation(
                case, acting_user=request.user, today=timezone.localdate(), **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("The conversation is logged."))
            return redirect("cases:detail", pk=case.pk)
    return render(request, "courses/conversation_form.html", {"form": form, "case": case})
