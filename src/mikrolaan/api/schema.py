"""The OpenAPI schema's parts that code cannot infer: the OAuth2 scheme with the scope each
operation needs, the problem document of every error, and the shapes of the JSON documents
that other modules build (the loan, the fund)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers

from mikrolaan.api import scopes
from mikrolaan.api.permissions import required_scope
from mikrolaan.api.problems import MEDIA_TYPE

SCHEME = "oauth2"
OBJECT = {"type": "object", "additionalProperties": True}


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "mikrolaan.api.authentication.BearerTokenAuthentication"
    name = SCHEME

    def get_security_definition(self, auto_schema):
        return {
            "type": "oauth2",
            "flows": {
                "clientCredentials": {
                    "tokenUrl": "/api/v1/token/",
                    "scopes": {name: str(text) for name, text in scopes.SCOPES.items()},
                }
            },
        }

    def get_security_requirement(self, auto_schema):
        needed = required_scope(auto_schema.view, auto_schema.method)
        return {SCHEME: [needed] if needed else []}


class ApiAutoSchema(AutoSchema):
    """Descriptions only where ``extend_schema`` gives one (not the views' docstrings)."""

    def get_description(self):
        return ""


class ProblemFieldSerializer(serializers.Serializer):
    field = serializers.CharField(allow_null=True)
    pointer = serializers.CharField()
    detail = serializers.CharField()


class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem details; ``errors`` names each field that failed validation."""

    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    instance = serializers.CharField(required=False)
    errors = ProblemFieldSerializer(many=True, required=False)
    error = serializers.CharField(required=False, help_text="OAuth2 error code (token endpoint)")


def error_responses(*codes: int) -> dict:
    return {
        (code, MEDIA_TYPE): OpenApiResponse(response=ProblemSerializer, description="Problem")
        for code in codes
    }


def _money(nullable: bool = False) -> dict:
    found = {"type": "string", "pattern": r"^-?\d+\.\d{2}$"}
    if nullable:
        found["nullable"] = True
    return found


_DATE = {"type": "string", "format": "date"}
_NULL_DATE = {"type": "string", "format": "date", "nullable": True}

LOAN_SCHEMA = {
    "type": "object",
    "required": ["id", "loan_ref", "as_of", "status", "terms", "plan", "transactions", "balance"],
    "properties": {
        "id": {"type": "integer"},
        "loan_ref": {"type": "string"},
        "as_of": _DATE,
        "status": {"type": "string"},
        "citizen": {
            "type": "object",
            "properties": {
                "name": {"type": "string"},
                "cpr": {"type": "string", "nullable": True},
            },
        },
        "terms": OBJECT,
        "deferrals": {"type": "array", "items": OBJECT},
        "plan": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["number", "due_date", "amount", "paid", "status"],
                "properties": {
                    "number": {"type": "integer"},
                    "due_date": _DATE,
                    "amount": _money(),
                    "paid": _money(),
                    "status": {
                        "type": "string",
                        "enum": ["paid", "overdue", "part_paid", "due_later"],
                    },
                },
            },
        },
        "transactions": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id", "value_date", "kind", "amount"],
                "properties": {
                    "id": {"type": "integer"},
                    "value_date": _DATE,
                    "kind": {"type": "string"},
                    "amount": _money(),
                    "debt_delta": _money(),
                    "reverses": {"type": "integer", "nullable": True},
                    "source": {"type": "string"},
                    "why": {"type": "string"},
                },
            },
        },
        "balance": _money(),
        "early_repayment_figure": _money(),
        "held_for_refund": _money(),
        "arrears": {**OBJECT, "nullable": True},
        "last_due_date": _NULL_DATE,
    },
}

FUND_SCHEMA = {
    "type": "object",
    "required": ["as_of", "outstanding", "ageing"],
    "properties": {
        "as_of": _DATE,
        "loans_granted": {"type": "integer"},
        "capital_granted": _money(),
        "loans_paid_out": {"type": "integer"},
        "paid_out": _money(),
        "repaid": _money(),
        "fees": _money(),
        "written_off": _money(),
        "outstanding": _money(),
        "in_collection": _money(),
        "loans_in_arrears": {"type": "integer"},
        "arrears": _money(),
        "ageing": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "bucket": {"type": "string"},
                    "loans": {"type": "integer"},
                    "arrears": _money(),
                    "outstanding": _money(),
                },
            },
        },
        "portfolio_at_risk_30": {"type": "string"},
    },
}
