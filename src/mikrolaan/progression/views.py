"""Views: parse, authorise, call the service, render. No rules here."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from mikrolaan.audit.services import log_read
from mikrolaan.cases.models import Case
from mikrolaan.progression import services
from mikrolaan.progression.constants import Channel, PointStatus
from mikrolaan.progression.due import due_points
from mikrolaan.progression.forms import AssessmentForm
from mikrolaan.progression.models import Assessment, Questionnaire


def _case(request, pk) -> Case:
    case = get_object_or_404(Case.objects.for_user(request.user).select_related("citizen"), pk=pk)
    if not services.may_record(case, request.user):
        raise PermissionDenied
    return case


def _add_errors(form: AssessmentForm, exc: ValidationError) -> None:
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for name, errors in exc.message_dict.items():
        field = name if name in form.fields else form.score_field(name)
        if field not in form.fields:
            field = None
        for error in errors:
            form.add_error(field, error)


def _form_page(request, case, *, corrects: Assessment | None):
    """The form shows the statements in force today (a correction: those of the assessment it
    corrects); a date on which another version was in force is refused by the service."""
    today = timezone.localdate()
    questionnaire = corrects.questionnaire if corrects else Questionnaire.in_force(today)
    statements = questionnaire.statements.order_by("position")
    initial: dict = {"answered_on": today}
    if corrects is not None:
        initial = {"point": corrects.point, "answered_on": corrects.answered_on}
        for answer in corrects.answers.select_related("statement"):
            initial[AssessmentForm.score_field(answer.statement.code)] = str(answer.score)
    else:
        open_points = (PointStatus.DUE, PointStatus.OVERDUE)
        due = [p for p in due_points(case, today) if p.status in open_points]
        if due:
            initial["point"] = due[0].point
    form = AssessmentForm(
        request.POST or None,
        initial=initial,
        statements=statements,
        correcting=corrects is not None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.record_assessment(
                case,
                point=form.cleaned_data["point"],
                answered_on=form.cleaned_data["answered_on"],
                scores=form.scores(),
                channel=Channel.CASEWORKER,
                acting_user=request.user,
                why=form.cleaned_data["why"],
                corrects=corrects,
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("The self-assessment has been recorded."))
            return redirect(reverse("cases:detail", args=[case.pk]))
    log_read(request.user, case.citizen, what=f"self-assessment form, case {case.pk}")
    title = _("Correct self-assessment") if corrects else _("Enter self-assessment")
    return render(
        request,
        "progression/assessment_form.html",
        {
            "case": case,
            "form": form,
            "title": title,
            "questionnaire": questionnaire,
            "corrects": corrects,
            "back_url": reverse("cases:detail", args=[case.pk]),
        },
    )


def record(request, pk):
    """The caseworker enters the citizen's answers from a conversation."""
    return _form_page(request, _case(request, pk), corrects=None)


def correct(request, pk):
    """A correction of an assessment: a new one that points at it."""
    assessment = get_object_or_404(Assessment, pk=pk, corrected_by__isnull=True)
    case = _case(request, assessment.case_id)
    return _form_page(request, case, corrects=assessment)
