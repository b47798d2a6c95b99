"""The chapter-7 report in the browser, with its downloads (json, xlsx, pdf)."""

from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render

from mikrolaan.accounts.roles import Role
from mikrolaan.audit.models import Action
from mikrolaan.audit.services import log
from mikrolaan.core.suppression import marked, suppression_note
from mikrolaan.reports.charts import all_charts
from mikrolaan.reports.forms import ReportForm
from mikrolaan.reports.services import report_for, report_for_page
from mikrolaan.reports.tables import build_tables, display_rows

# The report holds aggregates only. Roles with case access (project leaders) see the exact
# figures; the others see them with small numbers suppressed (services.report_for).
REPORT_ROLES = (Role.MANAGER, Role.EVALUATOR, Role.PROJECT_LEADER)


def _authorise(request):
    user = request.user
    if not user.is_authenticated:
        raise PermissionDenied
    if not user.has_role(*REPORT_ROLES):  # the role decides, never the superuser flag
        raise PermissionDenied


def _selection(request):
    form = ReportForm(request.GET or None)
    as_of, cohorts = form.selection()
    return form, as_of, cohorts


def index(request):
    _authorise(request)
    form, as_of, cohorts = _selection(request)
    report, kept = report_for_page(request.user, as_of, cohorts, asked=bool(request.GET))
    query = urlencode(
        {"as_of": as_of.isoformat(), **({"cohorts": cohorts} if cohorts else {})}, doseq=True
    )
    return render(
        request,
        "reports/index.html",
        {
            "form": form,
            "report": marked(report),
            "kept": kept,
            "as_of": as_of,
            "suppression_note": suppression_note(report),
            "tables": [display_rows(t) for t in build_tables(report)],
            "charts": all_charts(report),
            "query": query,
        },
    )


def download(request, fmt: str):
    _authorise(request)
    _form, as_of, cohorts = _selection(request)
    report = report_for(request.user, as_of, cohorts)
    log(
        request.user,
        Action.EXTRACT,
        what=f"chapter-7 report {fmt} as of {as_of}, cohorts {cohorts or 'all'}"
        + (", small numbers suppressed" if "suppression" in report else ""),
    )
    name = f"mikrolaan-rapport-{as_of.isoformat()}"
    if fmt == "json":
        response = JsonResponse(report, json_dumps_params={"ensure_ascii": False, "indent": 2})
    elif fmt == "xlsx":
        from mikrolaan.reports.xlsx import render_xlsx

        response = HttpResponse(
            render_xlsx(report),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        from mikrolaan.reports.pdf import render_pdf

        response = HttpResponse(render_pdf(report), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
