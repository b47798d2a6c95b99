"""Errors as RFC 9457 problem details (``application/problem+json``), in the caller's language.

    {"type": "about:blank", "title": "Ugyldig forespørgsel", "status": 400,
     "detail": "…", "instance": "/api/v1/referrals/",
     "errors": [{"field": "cpr", "pointer": "#/cpr", "detail": "…"}]}

``errors`` (an extension member) names each field that failed validation.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import set_rollback

MEDIA_TYPE = "application/problem+json"
NON_FIELD = "__all__"


def titles() -> dict[int, str]:
    return {
        400: _("Invalid request"),
        401: _("Not authenticated"),
        403: _("Not allowed"),
        404: _("Not found"),
        405: _("Method not allowed"),
        406: _("Not acceptable"),
        409: _("Conflict"),
        415: _("Unsupported media type"),
        429: _("Too many requests"),
    }


def _flatten(detail, prefix: str = "") -> list[dict]:
    """DRF's nested error detail as a list of {field, pointer, detail}."""
    found: list[dict] = []
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = "" if key in (NON_FIELD, "non_field_errors") else str(key)
            found += _flatten(value, f"{prefix}.{name}" if prefix and name else prefix or name)
    elif isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            found += [_item(prefix, item) for item in detail]
        else:
            for index, item in enumerate(detail):
                found += _flatten(item, f"{prefix}.{index}" if prefix else str(index))
    else:
        found.append(_item(prefix, detail))
    return found


def _item(field: str, message) -> dict:
    pointer = "#/" + field.replace(".", "/") if field else "#"
    return {"field": field or None, "pointer": pointer, "detail": str(message)}


def problem(status_code: int, detail: str, *, instance: str = "", **extra) -> dict:
    body = {
        "type": "about:blank",
        "title": titles().get(status_code, _("Error")),
        "status": status_code,
        "detail": detail,
    }
    if instance:
        body["instance"] = instance
    body.update(extra)
    return body


def problem_response(status_code: int, detail: str, *, request=None, headers=None, **extra):
    instance = request.path if request is not None else ""
    return Response(
        problem(status_code, detail, instance=instance, **extra),
        status=status_code,
        headers=headers,
        content_type=MEDIA_TYPE,
    )


def exception_handler(exc, context):
    """DRF's exception handler, answering in problem details."""
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD: exc.messages}
        )
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(*exc.args)
    if not isinstance(exc, exceptions.APIException):
        return None  # a server error: Django's 500 handling (logged, and no details shown)
    request = context.get("request")
    headers = {}
    if auth_header := getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = auth_header
    if wait := getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(wait))
    extra = {}
    if isinstance(exc, exceptions.ValidationError):
        extra["errors"] = _flatten(exc.detail)
        detail = _("The request has errors; see the errors listed.")
    elif isinstance(exc.detail, dict | list):
        extra["errors"] = _flatten(exc.detail)
        detail = "; ".join(item["detail"] for item in extra["errors"])
    else:
        detail = str(exc.detail)
    set_rollback()
    return problem_response(
        exc.status_code, detail, request=request, headers=headers or None, **extra
    )
