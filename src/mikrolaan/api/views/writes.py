"""Writing through the apps' services: referrals, payments, support spells, assessments."""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response

from mikrolaan.api import problems, schema, scopes
from mikrolaan.api.models import AccessToken
from mikrolaan.api.serializers import (
    AssessmentInSerializer,
    AssessmentSerializer,
    CaseSerializer,
    PaymentResultSerializer,
    PaymentSerializer,
    ReferralSerializer,
    SpellInSerializer,
    SpellSerializer,
)
from mikrolaan.api.views.base import ApiView
from mikrolaan.audit.models import Action
from mikrolaan.audit.services import log
from mikrolaan.banking.finance_system import receive_reported_payment
from mikrolaan.banking.matching import reason_text
from mikrolaan.cases.models import Case
from mikrolaan.cases.services import refer_citizen
from mikrolaan.outcomes.services import record_spell
from mikrolaan.people.models import Citizen
from mikrolaan.people.services import derived_from_cpr, register_citizen
from mikrolaan.progression.constants import Channel
from mikrolaan.progression.services import record_assessment


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
