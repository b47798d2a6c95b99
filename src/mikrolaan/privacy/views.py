"""The data protection officer's page: the citizen's insight file (GDPR art. 15)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from mikrolaan.accounts.roles import Role
from mikrolaan.privacy.forms import InsightForm
from mikrolaan.privacy.services import produce_insight


def _authorise(user) -> None:
    if not user.has_role(Role.DATA_PROTECTION_OFFICER):
        raise PermissionDenied


@never_cache
@login_required
def insight(request):
    _authorise(request.user)
    form = InsightForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        files = produce_insight(form.citizen, acting_user=request.user, channel="web")
        response = HttpResponse(files.zip(), content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="{files.stem}.zip"'
        return response
    return render(request, "privacy/insight.html", {"form": form})
