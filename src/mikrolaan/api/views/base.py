"""What every endpoint shares: language, audit channel, a record for every call, pages.

Every call is an audit record with the system's account as the user and the channel "api":
the reads of citizens and cases one per citizen shown (as the web's lists and pages), the
writes through the services' own records, and anything else (a refused call, the report,
the fund) one record naming the method, path and answer.
"""

from __future__ import annotations

from django.http import JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from rest_framework import generics
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from mikrolaan.api import problems
from mikrolaan.audit import context
from mikrolaan.audit.models import Action
from mikrolaan.audit.services import log, log_list, log_read
from mikrolaan.core.pagination import PER_PAGE


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

    def record_read(self, obj, what: str) -> None:
        """Reading ``obj`` (or its citizen's data) is the call's audit record."""
        log_read(self.request.user, obj, what=what)
        self.mark_audited()

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


class AuditedRetrieve(ApiView, generics.RetrieveAPIView):
    """One object of a scoped queryset by its id; reading it is an audit record."""

    def audit(self, obj) -> tuple[object, str]:
        """What the read is recorded against (an object with a citizen), and how."""
        raise NotImplementedError

    def retrieve(self, request, *args, **kwargs):
        obj = self.get_object()
        self.record_read(*self.audit(obj))
        return Response(self.get_serializer(obj).data)


@csrf_exempt  # as every API view: a POST to no endpoint is a 404 problem, not a CSRF page
def not_found(request, *args, **kwargs):
    """A path under /api/v1/ that names no endpoint."""
    with translation.override(request_language(request)):
        body = problems.problem(404, _("No such endpoint."), instance=request.path)
        response = JsonResponse(body, status=404, content_type=problems.MEDIA_TYPE)
        response["Content-Language"] = translation.get_language()
    return response
