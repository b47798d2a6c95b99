"""Reading: citizens, cases and loans the system may see, the report and the fund."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework.response import Response

from mikrolaan.accounts.roles import Role
from mikrolaan.api import problems, schema, scopes
from mikrolaan.api.serializers import (
    AsOfSerializer,
    CaseSerializer,
    CitizenSerializer,
    LoanListSerializer,
    ReportQuerySerializer,
)
from mikrolaan.api.views.base import ApiView, AuditedRetrieve, ScopedListView
from mikrolaan.audit.models import Action
from mikrolaan.audit.services import log
from mikrolaan.cases.models import Case
from mikrolaan.loans.fund import fund_json, fund_on
from mikrolaan.loans.models import Loan
from mikrolaan.loans.summary import loan_json
from mikrolaan.people.models import Citizen
from mikrolaan.reports.services import build_report, report_for, suppress_report


@extend_schema_view(
    get=extend_schema(
        summary="The citizens the system may see, a page at a time",
        responses={
            200: CitizenSerializer(many=True),
            **schema.error_responses(400, 401, 403, 404, 429),
        },
    )
)
class CitizenList(ScopedListView):
    scopes = {"GET": scopes.CASES_READ}
    citizen_field = "id"
    serializer_class = CitizenSerializer

    def get_queryset(self):
        return Citizen.objects.for_user(self.request.user).select_related("unit").order_by("pk")


@extend_schema_view(
    get=extend_schema(
        summary="One citizen",
        responses={200: CitizenSerializer, **schema.error_responses(401, 403, 404, 429)},
    )
)
class CitizenDetail(AuditedRetrieve):
    scopes = {"GET": scopes.CASES_READ}
    serializer_class = CitizenSerializer

    def get_queryset(self):
        return Citizen.objects.for_user(self.request.user).select_related("unit")

    def audit(self, obj):
        return obj, "API citizen"


@extend_schema_view(
    get=extend_schema(
        summary="The cases the system may see, a page at a time",
        responses={
            200: CaseSerializer(many=True),
            **schema.error_responses(400, 401, 403, 404, 429),
        },
    )
)
class CaseList(ScopedListView):
    scopes = {"GET": scopes.CASES_READ}
    serializer_class = CaseSerializer

    def get_queryset(self):
        return (
            Case.objects.for_user(self.request.user).select_related("unit", "cohort").order_by("pk")
        )


@extend_schema_view(
    get=extend_schema(
        summary="One case",
        responses={200: CaseSerializer, **schema.error_responses(401, 403, 404, 429)},
    )
)
class CaseDetail(AuditedRetrieve):
    scopes = {"GET": scopes.CASES_READ}
    serializer_class = CaseSerializer

    def get_queryset(self):
        return Case.objects.for_user(self.request.user).select_related("unit", "cohort", "citizen")

    def audit(self, obj):
        return obj.citizen, f"API case {obj.pk}"


@extend_schema_view(
    get=extend_schema(
        summary="The loans the system may see, a page at a time",
        responses={
            200: LoanListSerializer(many=True),
            **schema.error_responses(400, 401, 403, 404, 429),
        },
    )
)
class LoanList(ScopedListView):
    scopes = {"GET": scopes.LOANS_READ}
    serializer_class = LoanListSerializer

    def get_queryset(self):
        return Loan.objects.for_user(self.request.user).order_by("pk")


class LoanDetail(ApiView):
    scopes = {"GET": scopes.LOANS_READ}

    @extend_schema(
        parameters=[OpenApiParameter("as_of", str, description="YYYY-MM-DD; today if left out")],
        responses={200: schema.LOAN_SCHEMA, **schema.error_responses(400, 401, 403, 404, 429)},
        summary="One loan: terms, plan and ledger on a date",
    )
    def get(self, request, pk: int):
        as_of = _as_of(request)
        loan = Loan.objects.for_user(request.user).select_related("citizen").filter(pk=pk).first()
        if loan is None:
            return problems.problem_response(404, _("No such loan."), request=request)
        self.record_read(loan, f"API loan {loan.loan_ref}")
        return Response({"id": loan.pk, **loan_json(loan, as_of)})


def _as_of(request):
    query = AsOfSerializer(data=request.query_params)
    query.is_valid(raise_exception=True)
    return query.validated_data.get("as_of") or timezone.localdate()


class ReportView(ApiView):
    scopes = {"GET": scopes.REPORT_READ}

    @extend_schema(
        parameters=[ReportQuerySerializer],
        responses={200: schema.OBJECT, **schema.error_responses(400, 401, 403, 429)},
        summary="The chapter-7 report (the same JSON as the report's download)",
    )
    def get(self, request):
        query = ReportQuerySerializer(
            data={
                **(
                    {"as_of": request.query_params["as_of"]}
                    if "as_of" in request.query_params
                    else {}
                ),
                **(
                    {"cohorts": request.query_params.getlist("cohorts")}
                    if "cohorts" in request.query_params
                    else {}
                ),
            }
        )
        query.is_valid(raise_exception=True)
        as_of = query.validated_data.get("as_of") or timezone.localdate()
        cohorts = query.validated_data.get("cohorts") or None
        if request.user.has_role(Role.PROJECT_LEADER):
            report = report_for(request.user, as_of, cohorts)
        else:
            # A system of one unit gets the figures as roles without the report's full
            # access see them: small numbers suppressed.
            report = suppress_report(build_report(as_of, cohorts))
        log(
            request.user,
            Action.EXTRACT,
            what=f"API chapter-7 report as of {as_of}, cohorts {cohorts or 'all'}"
            + (", small numbers suppressed" if "suppression" in report else ""),
        )
        self.mark_audited()
        return Response(report)


class FundView(ApiView):
    scopes = {"GET": scopes.FUND_READ}

    @extend_schema(
        parameters=[AsOfSerializer],
        responses={200: schema.FUND_SCHEMA, **schema.error_responses(400, 401, 403, 429)},
        summary="The revolving fund on a date",
    )
    def get(self, request):
        return Response(fund_json(fund_on(_as_of(request))))
