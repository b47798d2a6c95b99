"""The project leader's side of a citizen's request: read it, decide it, write the answer."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from mikrolaan.accounts.requests import AuthenticatedRequest
from mikrolaan.accounts.roles import Role
from mikrolaan.audit.services import log_read
from mikrolaan.loans.services import deferrable_months
from mikrolaan.selfservice.forms import AnswerForm
from mikrolaan.selfservice.models import LoanRequest, Outcome, RequestKind
from mikrolaan.selfservice.requests import RequestError, answer_request, open_requests


@login_required
def decide(request: AuthenticatedRequest, task_id: int) -> HttpResponse:
    if not request.user.has_role(Role.PROJECT_LEADER):
        raise PermissionDenied
    asked: LoanRequest = get_object_or_404(open_requests(request.user), task_id=task_id)
    today = timezone.localdate()
    months = (
        deferrable_months(asked.loan, today)
        if asked.kind == RequestKind.DEFERRAL and not hasattr(asked, "answer")
        else []
    )
    form = AnswerForm(request.POST or None, months=months)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            first = data.get("first_month")
            try:
                answer_request(
                    asked,
                    outcome=data["outcome"],
                    answer=data["answer"],
                    on=today,
                    first_month=dt.date.fromisoformat(first) if first else None,
                    acting_user=request.user,
                )
            except RequestError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request, _("The answer is saved; the citizen sees it on their page.")
                )
                return redirect("servicing:tasks")
        status = 400
    log_read(request.user, asked, what=f"citizen's request {asked.pk}", why="deciding the request")
    return render(
        request,
        "selfservice/staff_decide.html",
        {"asked": asked, "form": form, "granted": Outcome.GRANTED},
        status=status,
    )
