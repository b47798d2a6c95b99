"""What the API reads and writes, field by field (the OpenAPI schema is made from these)."""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from mikrolaan.cases.constants import SelfEmploymentOrigin, Stage
from mikrolaan.cases.models import Case
from mikrolaan.outcomes.models import SupportSpell, SupportStatus
from mikrolaan.people.models import Citizen, Gender, TargetGroup
from mikrolaan.progression.constants import SCORE_MAX, SCORE_MIN, Channel, Point
from mikrolaan.progression.models import Assessment

# --- reading ---------------------------------------------------------------------------------


class CitizenSerializer(serializers.ModelSerializer):
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    cpr = serializers.SerializerMethodField()
    email = serializers.CharField(read_only=True, help_text=_("An e-mail address, or empty."))
    gender = serializers.ChoiceField(choices=[*Gender.values, ""], read_only=True)
    target_group = serializers.ChoiceField(choices=[*TargetGroup.values, ""], read_only=True)

    class Meta:
        model = Citizen
        fields = [
            "id",
            "cpr",
            "first_name",
            "last_name",
            "birth_date",
            "gender",
            "unit",
            "phone",
            "email",
            "address",
            "target_group",
            "anonymised_on",
        ]
        read_only_fields = fields

    def get_cpr(self, citizen: Citizen) -> str | None:
        return None if citizen.anonymised_on else citizen.cpr


class CaseSerializer(serializers.ModelSerializer):
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    cohort = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    stage = serializers.ChoiceField(choices=Stage.choices, read_only=True)

    class Meta:
        model = Case
        fields = ["id", "citizen", "unit", "opened_on", "stage", "cohort"]
        read_only_fields = fields


class LoanListSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    loan_ref = serializers.CharField()
    status = serializers.CharField()
    citizen = serializers.IntegerField(source="citizen_id")
    case = serializers.IntegerField(source="case_id", allow_null=True)
    principal = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    payment_id = serializers.CharField(allow_null=True)
    granted_on = serializers.DateField(allow_null=True)
    disbursed_on = serializers.DateField(allow_null=True)


class SpellSerializer(serializers.ModelSerializer):
    class Meta:
        model = SupportSpell
        fields = ["id", "citizen", "status", "start", "end", "source", "why"]
        read_only_fields = fields


# --- writing ---------------------------------------------------------------------------------


class ReferralSerializer(serializers.Serializer):
    """A referral from the job centre's system: the citizen (found or registered by CPR
    number) and the referral that opens the case in the system's unit."""

    cpr = serializers.CharField(max_length=11, help_text=_("DDMMYY-SSSS or DDMMYYSSSS"))
    first_name = serializers.CharField(max_length=100)
    last_name = serializers.CharField(max_length=100)
    phone = serializers.CharField(max_length=40, required=False, default="", allow_blank=True)
    email = serializers.EmailField(required=False, default="", allow_blank=True)
    address = serializers.CharField(max_length=300, required=False, default="", allow_blank=True)
    origin = serializers.ChoiceField(choices=SelfEmploymentOrigin.choices)
    talent = serializers.CharField(max_length=300, required=False, default="", allow_blank=True)
    idea = serializers.CharField(max_length=5000)
    notes = serializers.CharField(max_length=5000, required=False, default="", allow_blank=True)
    referred_on = serializers.DateField()


class PaymentSerializer(serializers.Serializer):
    """A payment the finance system received, sent once (or again: the sender's id decides)."""

    sender_id = serializers.RegexField(
        r"^[A-Za-z0-9._:/-]{1,100}$",
        max_length=100,
        help_text=_("The finance system's own id of the payment: the same id is posted once."),
    )
    payment_id = serializers.CharField(
        max_length=200,
        help_text=_("The creditor reference as paid: the +71 payment ID (e.g. 71/…)"),
    )
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal("0.01"))
    currency = serializers.RegexField(r"^[A-Z]{3}$", required=False, default="DKK")
    booked_on = serializers.DateField()
    value_date = serializers.DateField(required=False, allow_null=True, default=None)
    payer = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)
    text = serializers.CharField(max_length=500, required=False, default="", allow_blank=True)


class PaymentResultSerializer(serializers.Serializer):
    sender_id = serializers.CharField()
    outcome = serializers.CharField(help_text=_("posted, queued or skipped"))
    reason = serializers.CharField(allow_blank=True)
    reason_text = serializers.CharField(allow_blank=True)
    already_received = serializers.BooleanField()


class SpellInSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=SupportStatus.choices)
    start = serializers.DateField()
    end = serializers.DateField(required=False, allow_null=True, default=None)
    source = serializers.CharField(max_length=200)
    why = serializers.CharField(max_length=2000, required=False, default="", allow_blank=True)


class AssessmentInSerializer(serializers.Serializer):
    point = serializers.ChoiceField(choices=Point.choices)
    answered_on = serializers.DateField(
        help_text=_("The day the citizen answered (not in the future, not before the referral).")
    )
    scores = serializers.DictField(
        child=serializers.IntegerField(min_value=SCORE_MIN, max_value=SCORE_MAX),
        allow_empty=False,
        help_text=_(
            "A score from 1 to 5 for every statement of the questionnaire in force on "
            "answered_on, by the statement's code."
        ),
    )
    why = serializers.CharField(max_length=2000, required=False, default="", allow_blank=True)


class AssessmentSerializer(serializers.ModelSerializer):
    channel = serializers.ChoiceField(choices=Channel.choices)
    questionnaire_valid_from = serializers.DateField(source="questionnaire.valid_from")
    scores = serializers.SerializerMethodField()

    class Meta:
        model = Assessment
        fields = [
            "id",
            "case",
            "point",
            "answered_on",
            "channel",
            "questionnaire_valid_from",
            "scores",
            "why",
        ]

    @extend_schema_field(serializers.DictField(child=serializers.IntegerField()))
    def get_scores(self, assessment: Assessment) -> dict[str, int]:
        return {
            a.statement.code: a.score
            for a in assessment.answers.select_related("statement").order_by("statement__position")
        }


class AsOfSerializer(serializers.Serializer):
    as_of = serializers.DateField(required=False, help_text=_("The date; today if left out."))


class ReportQuerySerializer(AsOfSerializer):
    cohorts = serializers.ListField(
        child=serializers.CharField(max_length=20),
        required=False,
        help_text=_("Cohort codes; every cohort if left out."),
    )


class TokenRequestSerializer(serializers.Serializer):
    grant_type = serializers.ChoiceField(choices=["client_credentials"])
    client_id = serializers.CharField(required=False, max_length=64)
    client_secret = serializers.CharField(required=False, max_length=200)
    scope = serializers.CharField(required=False, default="", allow_blank=True, max_length=500)


class TokenSerializer(serializers.Serializer):
    access_token = serializers.CharField()
    token_type = serializers.CharField()
    expires_in = serializers.IntegerField()
    scope = serializers.CharField()
