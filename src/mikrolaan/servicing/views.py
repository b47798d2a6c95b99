from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mikrolaan.accounts.models import User
from mikrolaan.accounts.requests import AuthenticatedRequest
from mikrolaan.accounts.roles import Role
from mikrolaan.audit.models import Action
from mikrolaan.audit.services import log, log_list
from mikrolaan.servicing import queues
from mikrolaan.servicing.forms import TakeBackForm, TaskDoneForm
from mikrolaan.servicing.handover import (
    HandoverError,
    candidates,
    confirm_handover,
    take_back_claim,
)
from mikrolaan.servicing.models import Claim
from mikrolaan.servicing.tasks import TaskError, complete_task, tasks_for


def _require_clerk(user: User) -> None:
    if user.role != Role.FINANCE_CLERK:
        raise PermissionDenied


@login_required
def queue_page(request: AuthenticatedRequest) -> HttpResponseBase:
    _require_clerk(request.user)
    today = timezone.localdate()
    reminders = list(queues.recent_reminders(today))
    candidate_rows = queues.candidate_rows(today)
    claims = queues.claims()
    clerk_tasks = list(queues.open_tasks(request.user))
    log_list(
        request.user,
        [
            *(r.loan.citizen_id for r in reminders),
            *(row["loan"].citizen_id for row in candidate_rows),
            *(c.loan.citizen_id for c in claims),
            *(t.loan.citizen_id for t in clerk_tasks),
        ],
        what="servicing queues",
    )
    return render(
        request,
        "servicing/queues.html",
        {
            "today": today,
            "reminders": reminders,
            "candidates": candidate_rows,
            "claims": claims,
            "runs": queues.latest_runs(),
            "clerk_tasks": clerk_tasks,
            "take_back_form": TakeBackForm(),
        },
    )


@login_required
@require_POST
def confirm(request: AuthenticatedRequest, cycle_id: int) -> HttpResponseBase:
    _require_clerk(request.user)
    cycle = get_object_or_404(candidates(), pk=cycle_id)
    try:
        claim = confirm_handover(cycle, on=timezone.localdate(), acting_user=request.user)
    except HandoverError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("%(loan)s is handed over to Gældsstyrelsen as claim %(claim)s.")
            % {"loan": claim.loan.loan_ref, "claim": claim.claim_ref},
        )
    return redirect("servicing:queues")


@login_required
def claim_file(request: AuthenticatedRequest, claim_id: int) -> HttpResponseBase:
    _require_clerk(request.user)
    claim = get_object_or_404(Claim, pk=claim_id)
    try:
        handle = open(claim.export_file, "rb")  # noqa: SIM115 - FileResponse closes it
    except OSError as exc:
        raise Http404 from exc
    log(request.user, Action.EXTRACT, obj=claim, citizen=claim.loan.citizen, what="claim file")
    return FileResponse(handle, as_attachment=True, filename=f"fordring-{claim.claim_ref}.json")


@login_required
@require_POST
def take_back(request: AuthenticatedRequest, claim_id: int) -> HttpResponseBase:
    _require_clerk(request.user)
    claim = get_object_or_404(Claim, pk=claim_id)
    form = TakeBackForm(request.POST)
    if not form.is_valid() or not form.cleaned_data["reason"].strip():
        messages.error(request, _("Write why the loan is taken back."))
        return redirect("servicing:queues")
    try:
        loan = take_back_claim(
            claim,
            on=timezone.localdate(),
            reason=form.cleaned_data["reason"],
            acting_user=request.user,
        )
    except HandoverError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("%(loan)s is taken back from Gældsstyrelsen and is the municipality's again.")
            % {"loan": loan.loan_ref},
        )
    return redirect("servicing:queues")


@login_required
def task_page(request: AuthenticatedRequest) -> HttpResponseBase:
    if request.user.role not in (Role.PROJECT_LEADER, Role.FINANCE_CLERK):
        raise PermissionDenied
    open_tasks = list(queues.open_tasks(request.user))
    done_tasks = list(queues.done_tasks(request.user))
    log_list(
        request.user,
        (t.loan.citizen_id for t in [*open_tasks, *done_tasks]),
        what="servicing tasks",
    )
    return render(
        request,
        "servicing/tasks.html",
        {"open_tasks": open_tasks, "done_tasks": done_tasks, "form": TaskDoneForm()},
    )


@login_required
@require_POST
def task_done(request: AuthenticatedRequest, task_id: int) -> HttpResponseBase:
    task = get_object_or_404(tasks_for(request.user), pk=task_id)
    form = TaskDoneForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write what was done."))
        return redirect("servicing:tasks")
    try:
        complete_task(
            task, note=form.cleaned_data["note"], on=timezone.localdate(), acting_user=request.user
        )
    except TaskError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The task is marked done."))
    return redirect("servicing:tasks")
