"""The data protection officer's page: who saw or changed a citizen, what a user looked at,
unusual patterns, and an export of the records shown. Searches are posted and kept in the
session under a token (``audit.searches``), so no CPR number appears in a URL."""

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from mikrolaan.accounts.models import User
from mikrolaan.accounts.roles import Role
from mikrolaan.audit import searches
from mikrolaan.audit.models import Action
from mikrolaan.audit.services import log
from mikrolaan.people.models import Citizen
from mikrolaan.privacy.audit_log import export, queries
from mikrolaan.privacy.audit_log.forms import CitizenLookupForm, PeriodForm, UserLookupForm

SHOWN = 500  # records on the page; the export holds them all
FORMATS = {
    "csv": ("text/csv; charset=utf-8", export.as_csv),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        export.as_xlsx,
    ),
}


def _require_dpo(user):
    if not user.has_role(Role.DATA_PROTECTION_OFFICER):
        raise PermissionDenied


@require_http_methods(["GET", "POST"])
def index(request):
    _require_dpo(request.user)
    lookup = request.POST.get("lookup") if request.method == "POST" else None
    forms = {
        "citizen": CitizenLookupForm(
            request.POST if lookup == "citizen" else None, prefix="citizen"
        ),
        "user": UserLookupForm(request.POST if lookup == "user" else None, prefix="user"),
    }
    form = forms.get(lookup)
    if form is not None and form.is_valid():
        period = form.period()
        criteria = {
            "kind": lookup,
            "since": period.since.isoformat(),
            "until": period.until.isoformat(),
            "pk": form.citizen.pk if lookup == "citizen" else form.cleaned_data["user"].pk,
        }
        token = searches.remember(request, "audit", criteria)
        return redirect(f"{reverse('audit:result')}?s={token}")
    return render(request, "audit/index.html", {"forms": forms})


def _lookup(request):
    """The looked-up subject and the records, from the criteria kept under ``?s=``."""
    criteria = searches.recall(request, "audit", request.GET.get("s"))
    if criteria is None:
        return None
    period = queries.Period(
        dt.date.fromisoformat(criteria["since"]), dt.date.fromisoformat(criteria["until"])
    )
    if criteria["kind"] == "citizen":
        citizen = get_object_or_404(Citizen, pk=criteria["pk"])
        return {
            "kind": "citizen",
            "citizen": citizen,
            "period": period,
            "records": queries.about_citizen(citizen, period),
        }
    subject = get_object_or_404(User, pk=criteria["pk"])
    return {
        "kind": "user",
        "subject": subject,
        "period": period,
        "records": queries.by_user(subject, period),
    }


def _describe(lookup) -> str:
    period = f"{lookup['period'].since:%Y-%m-%d}..{lookup['period'].until:%Y-%m-%d}"
    if lookup["kind"] == "citizen":
        return f"data protection officer: access log of the citizen, {period}"
    return f"data protection officer: access log of user {lookup['subject'].username}, {period}"


@require_GET
def result(request):
    _require_dpo(request.user)
    lookup = _lookup(request)
    if lookup is None:
        messages.info(request, _("The search has expired. Search again."))
        return redirect("audit:index")
    context = {**lookup, "token": request.GET["s"], "shown": SHOWN}
    records = list(lookup["records"][: SHOWN + 1])
    context["records"], context["more"] = records[:SHOWN], len(records) > SHOWN
    if lookup["kind"] == "citizen":
        context["who_saw"] = queries.who_saw(lookup["citizen"], lookup["period"])
        log(request.user, Action.READ, citizen=lookup["citizen"], what=_describe(lookup))
    else:
        context["citizens_seen"] = queries.citizens_seen_by(lookup["subject"], lookup["period"])
        log(request.user, Action.READ, obj=lookup["subject"], what=_describe(lookup))
    return render(request, "audit/result.html", context)


@require_GET
def download(request, fmt: str):
    _require_dpo(request.user)
    if fmt not in FORMATS:
        raise Http404
    lookup = _lookup(request)
    if lookup is None:
        messages.info(request, _("The search has expired. Search again."))
        return redirect("audit:index")
    content_type, write = FORMATS[fmt]
    content = write(lookup["records"])
    log(
        request.user,
        Action.EXTRACT,
        citizen=lookup.get("citizen"),
        obj=lookup.get("subject"),
        what=f"export ({fmt}) of the {_describe(lookup)}",
    )
    response = HttpResponse(content, content_type=content_type)
    name = f"logbog-{lookup['period'].since:%Y%m%d}-{lookup['period'].until:%Y%m%d}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_GET
def patterns(request):
    _require_dpo(request.user)
    form = PeriodForm(request.GET or None)
    period = form.period() if form.is_bound and form.is_valid() else queries.Period.last_days()
    if not form.is_bound:
        form = PeriodForm(initial={"since": period.since, "until": period.until})
    context = {
        "form": form,
        "period": period,
        "heavy": queries.reading_more_than_expected(period),
        "after_hours": queries.reading_outside_working_hours(period),
        "workday_start": settings.AUDIT_WORKDAY_START,
        "workday_end": settings.AUDIT_WORKDAY_END,
        "threshold": settings.AUDIT_READS_THRESHOLD,
    }
    log(
        request.user,
        Action.READ,
        what=f"data protection officer: unusual patterns, {period.since}..{period.until}",
    )
    return render(request, "audit/patterns.html", context)
