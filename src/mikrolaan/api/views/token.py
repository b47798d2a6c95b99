"""The token endpoint: OAuth2 client credentials for a bearer token."""

from __future__ import annotations

import base64
import binascii

from drf_spectacular.utils import extend_schema
from rest_framework.parsers import FormParser, JSONParser
from rest_framework.response import Response

from mikrolaan.api import problems, schema
from mikrolaan.api.clients import TokenError, issue_token
from mikrolaan.api.serializers import (
    TokenRequestSerializer,
    TokenSerializer,
)
from mikrolaan.api.views.base import ApiView


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
