"""The API's endpoints: thin views over the apps' services and scoped querysets.

Every call is an audit record with the system's account as the user and the channel "api":
the reads of citizens and cases one per citizen shown (as the web's lists and pages), the
writes through the services' own records, and anything else (a refused call, the report,
the fund) one record naming the method, path and answer.
"""

from __future__ import annotations

import base64
import binascii

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.http import JsonResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import FormParser, JSONParser
from rest_framework.response import Response
from rest_framework.views import APIView

from mikrolaan.accounts.roles import Role
from mikrolaan.api import problems, schema, scopes
from mikrolaan.api.clients import TokenError, issue_token
from mikrolaan.api.models import AccessToken
from mikrolaan.api.serializers import (
    AsOfSerializer,
    AssessmentInSerializer,
    AssessmentSerializer,
    CaseSerializer,
    CitizenSerializer,
    LoanListSerializer,
    PaymentResultSerializer,
    PaymentSerializer,
    ReferralSerializer,
    ReportQuerySerializer,
    SpellInSerializer,
    SpellSerializer,
    TokenRequestSerializer,
    TokenSerializer,
)
from mikrolaan.audit import context
from mikrolaan.audit.models import Action
from mikrolaan.audit.services import log, log_list, log_read
from mikrolaan.banking.finance_system import receive_reported_payment
from mikrolaan.banking.matching import reason_text
from mikrolaan.cases.models import Case
from mikrolaan.cases.services import refer_citizen
from mikrolaan.core.pagination import PER_PAGE
from mikrolaan.loans.fund import fund_json, fund_on
from mikrolaan.loans.models import Loan
from mikrolaan.loans.summary import loan_json
from mikrolaan.outcomes.services import record_spell
from mikrolaan.people.models import Citizen
from mikrolaan.people.services import derived_from_cpr, register_citizen
from mikrolaan.progression.constants import Channel
from mikrolaan.progression.services import record_assessment
from mikrolaan.reports.services import build_report, report_for, suppress_report


class Pages(PageNumberPagination):
    """Bounded pages, as the web's lists (``core.pagination``)."""

    page_size = PER_PAGE
    page_size_query_param = "page_size"
    max_page_size = 200


def request_language(request) -> str:
    return translation.get_language_from_request(request, check_path=False)


class ApiView(APIView):
    """Language from Accept-Language, the audit channel, and a record for every call."""

    scopes: dict[str, str] = {}
    audited = False

    def dispatch(self, request, *args, **kwargs):
        language = request_language(request)
        origin = context.Origin(
            channel=context.Channel.API, client_ip=request.META.get("REMOTE_ADDR") or None
        )
        with translation.override(language), context.origin(origin):
            response = super().dispatch(request, *args, **kwargs)
            response["Content-Language"] = language
            return response

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if not self.audited:
            self._audit_call(request, response)
        return response

    def _audit_call(self, request, response) -> None:
        code = response.status_code
        action = Action.DENIED if code in (401, 403) else Action.READ
        if request.method not in ("GET", "HEAD", "OPTIONS") and code < 400:
            action = Action.CREATE
        user = getattr(request, "_user", None)
        log(user, action, what=f"API {request.method} {request.path} {code}"[:500])

    def mark_audited(self) -> None:
        self.audited = True

    def system_unit(self):
        return self.request.user.unit_id


class ScopedListView(ApiView, generics.ListAPIView):
    """A bounded page of a scoped queryset; each citizen shown is an audit record."""

    pagination_class = Pages
    citizen_field = "citizen"  # the row's field that holds the citizen's id

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        shown = [row[self.citizen_field] for row in response.data["results"]]
        if shown:  # a page that shows nobody is still recorded, as a call
            log_list(request.user, shown, what=f"API {request.path}")
            self.mark_audited()
        return response


@csrf_exempt  # as every API view: a POST to no endpoint is a 404 problem, not a CSRF page
def not_found(request, *args, **kwargs):
    """A path under /api/v1/ that names no endpoint."""
    with translation.override(request_language(request)):
        body = problems.problem(404, _("No such endpoint."), instance=request.path)
        response = JsonResponse(body, status=404, content_type=problems.MEDIA_TYPE)
        response["Content-Language"] = translation.get_language()
    return response


# --- the token endpoint ----------------------------------------------------------------------


class TokenView(ApiView):
    """OAuth2 client credentials: the system's id and secret for a bearer token."""

    authentication_classes: list = []
    permission_classes: list = []
    parser_classes = [FormParser, JSONParser]

    @extend_schema(
        request={"application/x-www-form-urlencoded": TokenRequestSerializer},
        responses={200: TokenSerializer, **schema.error_responses(400, 401, 429)},
        auth=[],
        tags=["token"],
        summary="Get an access token (client credentials)",
    )
    def post(self, request):
        data = TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        client_id, secret = _basic_credentials(request)
        client_id = client_id or data.validated_data.get("client_id", "")
        secret = secret or data.validated_data.get("client_secret", "")
        try:
            issued = issue_token(client_id, secret, data.validated_data["scope"])
        except TokenError as exc:
            code = 401 if exc.error == "invalid_client" else 400
            return problems.problem_response(
                code, exc.description, request=request, error=exc.error
            )
        return Response(
            {
                "access_token": issued.token,
                "token_type": "Bearer",
                "expires_in": issued.expires_in,
                "scope": " ".join(issued.scopes),
            },
            headers={"Cache-Control": "no-store"},
        )


def _basic_credentials(request) -> tuple[str, str]:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if not header.lower().startswith("basic "):
        return "", ""
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return "", ""
    client_id, _sep, secret = decoded.partition(":")
    return client_id, secret


# --- citizens and cases ----------------------------------------------------------------------


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
class CitizenDetail(ApiView, generics.RetrieveAPIView):
    scopes = {"GET": scopes.CASES_READ}
    serializer_class = CitizenSerializer

    def get_queryset(self):
        return Citizen.objects.for_user(self.request.user).select_related("unit")

    def retrieve(self, request, *args, **kwargs):
        citizen = self.get_object()
        log_read(request.user, citizen, what="API citizen")
        self.mark_audited()
        return Response(self.get_serializer(citizen).data)


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
class CaseDetail(ApiView, generics.RetrieveAPIView):
    scopes = {"GET": scopes.CASES_READ}
    serializer_class = CaseSerializer

    def get_queryset(self):
        return Case.objects.for_user(self.request.user).select_related("unit", "cohort", "citizen")

    def retrieve(self, request, *args, **kwargs):
        case = self.get_object()
        log_read(request.user, case.citizen, what=f"API case {case.pk}")
        self.mark_audited()
        return Response(self.get_serializer(case).data)


# --- loans -----------------------------------------------------------------------------------


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
        log_read(request.user, loan, what=f"API loan {loan.loan_ref}")
        self.mark_audited()
        return Response({"id": loan.pk, **loan_json(loan, as_of)})


def _as_of(request):
    query = AsOfSerializer(data=request.query_params)
    query.is_valid(raise_exception=True)
    return query.validated_data.get("as_of") or timezone.localdate()


# --- the report and the fund -----------------------------------------------------------------


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


# --- writes ----------------------------------------------------------------------------------


class ReferralView(ApiView):
    scopes = {"POST": scopes.REFERRALS_WRITE}

    @extend_schema(
        request=ReferralSerializer,
        responses={201: CaseSerializer, **schema.error_responses(400, 401, 403, 429)},
        summary="A referral from the job centre: registers the citizen if new, opens the case",
    )
    def post(self, request):
        data = ReferralSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        user = request.user
        try:
            number = derived_from_cpr(values["cpr"])["cpr"]
        except ValidationError as exc:
            raise ValidationError({"cpr": exc.messages}) from None
        with transaction.atomic():
            citizen = Citizen.objects.select_for_update().filter(cpr=number).first()
            if (
                citizen is not None
                and not Citizen.objects.for_user(user).filter(pk=citizen.pk).exists()
            ):
                return problems.problem_response(
                    409,
                    _("The citizen is registered in another unit; refer through that unit."),
                    request=request,
                )
            if citizen is None:
                citizen = register_citizen(
                    cpr=number,
                    acting_user=user,
                    why=_("registered for referral"),
                    first_name=values["first_name"],
                    last_name=values["last_name"],
                    phone=values["phone"],
                    email=values["email"],
                    address=values["address"],
                    unit_id=user.unit_id,
                )
            case = refer_citizen(
                citizen,
                origin=values["origin"],
                idea=values["idea"],
                talent=values["talent"],
                notes=values["notes"],
                referred_on=values["referred_on"],
                acting_user=user,
            )
        self.mark_audited()
        return Response(CaseSerializer(case).data, status=status.HTTP_201_CREATED)


class PaymentView(ApiView):
    scopes = {"POST": scopes.PAYMENTS_WRITE}

    @extend_schema(
        request=PaymentSerializer,
        responses={
            201: PaymentResultSerializer,
            200: PaymentResultSerializer,
            **schema.error_responses(400, 401, 403, 429),
        },
        summary="A payment received by the finance system (idempotent by sender_id)",
    )
    def post(self, request):
        data = PaymentSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        token: AccessToken = request.auth
        reported = receive_reported_payment(
            source=token.client.client_id,
            sender_id=values["sender_id"],
            reference=values["payment_id"],
            amount=values["amount"],
            currency=values["currency"],
            booked_on=values["booked_on"],
            value_date=values["value_date"],
            payer=values["payer"],
            text=values["text"],
            acting_user=request.user,
        )
        handling = reported.handling
        body = {
            "sender_id": values["sender_id"],
            "outcome": handling.outcome if handling else "",
            "reason": handling.reason if handling else "",
            "reason_text": reason_text(handling.reason, handling.params)
            if handling and handling.reason
            else "",
            "already_received": not reported.created,
        }
        log(
            request.user,
            Action.CREATE if reported.created else Action.READ,
            obj=reported.entry,
            what=f"API payment {values['sender_id']}: {body['outcome']} {body['reason']}",
        )
        self.mark_audited()
        return Response(body, status=status.HTTP_201_CREATED if reported.created else 200)


class SpellView(ApiView):
    scopes = {"POST": scopes.SPELLS_WRITE}

    @extend_schema(
        request=SpellInSerializer,
        responses={201: SpellSerializer, **schema.error_responses(400, 401, 403, 404, 429)},
        summary="A support spell for a citizen (from the data warehouse)",
    )
    def post(self, request, pk: int):
        citizen = Citizen.objects.for_user(request.user).filter(pk=pk).first()
        if citizen is None:
            return problems.problem_response(404, _("No such citizen."), request=request)
        data = SpellInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        spell = record_spell(citizen, acting_user=request.user, **data.validated_data)
        self.mark_audited()
        return Response(SpellSerializer(spell).data, status=status.HTTP_201_CREATED)


def _statement_errors_under_scores(exc: ValidationError):
    """The service names a statement's error by its code; in the API it sits under ``scores``."""
    if not hasattr(exc, "error_dict"):
        return exc
    fields = set(AssessmentInSerializer().fields) | {NON_FIELD_ERRORS}
    return {
        (name if name in fields else f"scores.{name}"): errors
        for name, errors in exc.message_dict.items()
    }


class AssessmentView(ApiView):
    scopes = {"POST": scopes.ASSESSMENTS_WRITE}

    @extend_schema(
        request=AssessmentInSerializer,
        responses={201: AssessmentSerializer, **schema.error_responses(400, 401, 403, 404, 429)},
        summary="A citizen's answers to the self-assessment at a measuring point",
    )
    def post(self, request, pk: int):
        case = Case.objects.for_user(request.user).filter(pk=pk).first()
        if case is None:
            return problems.problem_response(404, _("No such case."), request=request)
        data = AssessmentInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            assessment = record_assessment(
                case, channel=Channel.SYSTEM, acting_user=request.user, **data.validated_data
            )
        except ValidationError as exc:
            raise ValidationError(_statement_errors_under_scores(exc)) from exc
        self.mark_audited()
        return Response(AssessmentSerializer(assessment).data, status=status.HTTP_201_CREATED)
