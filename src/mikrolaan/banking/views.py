"""The finance clerk's pages: upload a statement, the queue, one entry and its handling."""

from collections.abc import Iterable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from mikrolaan.accounts.models import User
from mikrolaan.accounts.requests import AuthenticatedRequest
from mikrolaan.accounts.roles import Role
from mikrolaan.audit.services import log_list, log_read
from mikrolaan.banking import services
from mikrolaan.banking.forms import PostToLoanForm, ReasonForm, UploadForm
from mikrolaan.banking.jobs import enqueue_import
from mikrolaan.banking.matching import REASON_LABELS, reason_text
from mikrolaan.banking.models import BankEntry, EntryHandling, Outcome, Statement


def _require_clerk(request: AuthenticatedRequest) -> None:
    if not (request.user.is_authenticated and request.user.has_role(Role.FINANCE_CLERK)):
        raise PermissionDenied


def _rows(entries: Iterable[BankEntry]) -> list[dict[str, Any]]:
    """Each entry with its current handling and the reason in words."""
    entries = list(entries)
    latest: dict[int, EntryHandling] = {}
    for handling in EntryHandling.objects.filter(entry__in=entries).select_related("loan"):
        latest[handling.entry_id] = handling  # ordered by pk: the last one wins
    return [
        {
            "entry": e,
            "handling": latest.get(e.pk),
            "reason": reason_text(latest[e.pk].reason, latest[e.pk].params)
            if e.pk in latest and latest[e.pk].reason
            else "",
        }
        for e in entries
    ]


def _log_shown(user: User, rows: list[dict[str, Any]], what: str) -> None:
    """The loans named in the rows are the citizens' (the loan reference leads to them)."""
    log_list(
        user,
        (r["handling"].loan.citizen_id for r in rows if r["handling"] and r["handling"].loan),
        what=what,
    )


def queue(request: AuthenticatedRequest) -> HttpResponseBase:
    _require_clerk(request)
    entries = (
        BankEntry.objects.for_user(request.user)
        .queued()
        .select_related("statement")
        .order_by("booking_date", "pk")
    )
    rows = _rows(entries)
    _log_shown(request.user, rows, "payment queue")
    return render(request, "banking/queue.html", {"rows": rows})


@require_http_methods(["GET", "POST"])
def upload(request: AuthenticatedRequest) -> HttpResponseBase:
    _require_clerk(request)
    if request.method == "POST":
        form = UploadForm(
            request.POST, request.FILES, too_large=getattr(request, "upload_too_large", None)
        )
    else:
        form = UploadForm()
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        job = enqueue_import(
            upload.name,
            upload,
            account=form.cleaned_data["account"],
            acting_user=request.user,
        )
        return redirect("jobs:job", pk=job.pk)
    status = 413 if form.too_large else 200
    return render(request, "banking/upload.html", {"form": form}, status=status)


def statements(request: AuthenticatedRequest) -> HttpResponseBase:
    _require_clerk(request)
    rows = Statement.objects.for_user(request.user).select_related("file")[:100]
    return render(request, "banking/statements.html", {"statements": rows})


def statement(request: AuthenticatedRequest, pk: int) -> HttpResponseBase:
    _require_clerk(request)
    obj = get_object_or_404(Statement.objects.for_user(request.user).select_related("file"), pk=pk)
    entries = obj.entries.order_by("position")
    rows = _rows(entries)
    _log_shown(request.user, rows, f"bank statement {obj.pk}")
    return render(request, "banking/statement.html", {"statement": obj, "rows": rows})


ACTIONS = {
    "post": (PostToLoanForm, gettext_lazy("Posted to loan %(loan)s.")),
    "reversal": (ReasonForm, gettext_lazy("The reversal has been posted.")),
    "not_ours": (ReasonForm, gettext_lazy("Marked as not a loan payment.")),
    "refunded": (ReasonForm, gettext_lazy("Marked as paid back to the sender.")),
}


@require_http_methods(["GET", "POST"])
def entry(request: AuthenticatedRequest, pk: int) -> HttpResponseBase:
    _require_clerk(request)
    obj = get_object_or_404(
        BankEntry.objects.for_user(request.user).select_related("statement"), pk=pk
    )
    (row,) = _rows([obj])
    handling = row["handling"]
    queued = handling is not None and handling.outcome == Outcome.QUEUED
    action = request.POST.get("action") if request.method == "POST" else None
    forms = {
        "post": PostToLoanForm(
            request.POST if action == "post" else None,
            initial={"loan": handling.loan.loan_ref if handling and handling.loan else ""},
            prefix="post",
        ),
        "reversal": ReasonForm(request.POST if action == "reversal" else None, prefix="reversal"),
        "not_ours": ReasonForm(request.POST if action == "not_ours" else None, prefix="not_ours"),
        "refunded": ReasonForm(request.POST if action == "refunded" else None, prefix="refunded"),
    }
    if action in ACTIONS and forms[action].is_valid():
        data = forms[action].cleaned_data
        try:
            if action == "post":
                services.post_to_loan(obj, data["loan"], why=data["why"], acting_user=request.user)
            elif action == "reversal":
                services.confirm_reversal(obj, why=data["why"], acting_user=request.user)
            elif action == "not_ours":
                services.mark_not_ours(obj, why=data["why"], acting_user=request.user)
            else:
                services.mark_refunded(obj, why=data["why"], acting_user=request.user)
        except services.ResolutionError as exc:
            forms[action].add_error(None, str(exc))
        else:
            loan = data.get("loan")
            messages.success(request, ACTIONS[action][1] % {"loan": loan.loan_ref if loan else ""})
            return redirect("banking:queue")
    if handling is not None and handling.loan is not None:
        log_read(request.user, handling.loan, what=f"bank entry {obj.pk}", why="payment queue")
    history = [
        {"handling": h, "reason": reason_text(h.reason, h.params) if h.reason else ""}
        for h in obj.handlings.select_related("loan", "recorded_by").order_by("pk")
    ]
    return render(
        request,
        "banking/entry.html",
        {
            "entry": obj,
            "row": row,
            "queued": queued,
            "can_reverse": queued and handling.proposed_reversal_of_id is not None,
            "can_post": queued and obj.is_credit and not obj.reversal and obj.currency == "DKK",
            "forms": forms,
            "history": history,
            "reason_labels": REASON_LABELS,
        },
    )
