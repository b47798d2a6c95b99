from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from mikrolaan.api import views

app_name = "api"


class DocsView(SpectacularSwaggerSplitView):
    """Swagger UI from our own static files, its start script a separate file (our CSP)."""

    template_name = "api/swagger_ui.html"
    url_name = "api:schema"


urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", DocsView.as_view(), name="docs"),
    path("token/", views.TokenView.as_view(), name="token"),
    path("citizens/", views.CitizenList.as_view(), name="citizens"),
    path("citizens/<int:pk>/", views.CitizenDetail.as_view(), name="citizen"),
    path("citizens/<int:pk>/spells/", views.SpellView.as_view(), name="spells"),
    path("cases/", views.CaseList.as_view(), name="cases"),
    path("cases/<int:pk>/", views.CaseDetail.as_view(), name="case"),
    path("cases/<int:pk>/assessments/", views.AssessmentView.as_view(), name="assessments"),
    path("loans/", views.LoanList.as_view(), name="loans"),
    path("loans/<int:pk>/", views.LoanDetail.as_view(), name="loan"),
    path("report/", views.ReportView.as_view(), name="report"),
    path("fund/", views.FundView.as_view(), name="fund"),
    path("referrals/", views.ReferralView.as_view(), name="referrals"),
    path("payments/", views.PaymentView.as_view(), name="payments"),
    # Anything else under /api/v1/ (an id that is no number …): a problem document, not a page.
    re_path(r"^.*$", views.not_found),
]
