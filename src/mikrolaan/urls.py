from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from mikrolaan.accounts import views as accounts_views

urlpatterns = [
    path("login/", accounts_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/login/", accounts_views.admin_login),
    path("admin/", admin.site.urls),
    path("account/", include("mikrolaan.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("cases/", include("mikrolaan.cases.urls")),
    path("courses/", include("mikrolaan.courses.urls")),
    path("budgets/", include("mikrolaan.budgets.urls")),
    path("decisions/", include("mikrolaan.decisions.urls")),
    path("policy/", include("mikrolaan.policy.urls")),
    path("loans/", include("mikrolaan.loans.urls")),
    path("banking/", include("mikrolaan.banking.urls")),
    path("servicing/", include("mikrolaan.servicing.urls")),
    path("letters/", include("mikrolaan.letters.urls")),
    path("outcomes/", include("mikrolaan.outcomes.urls")),
    path("progression/", include("mikrolaan.progression.urls")),
    path("reports/", include("mikrolaan.reports.urls")),
    path("privacy/", include("mikrolaan.privacy.urls")),
    path("audit/", include("mikrolaan.privacy.audit_log.urls")),
    path("retention/", include("mikrolaan.retention.urls")),
    path("jobs/", include("mikrolaan.jobs.urls")),
    path("api/v1/", include("mikrolaan.api.urls")),
    path("citizen-requests/", include("mikrolaan.selfservice.staff_urls")),
    path("borger/", include("mikrolaan.selfservice.urls")),
    path("", include("mikrolaan.web.urls")),
    path("oidc/", include("mikrolaan.accounts.oidc_urls")),
    path("oidc/", include("mikrolaan.selfservice.oidc_urls")),
]

handler400 = "mikrolaan.web.errors.bad_request"
handler403 = "mikrolaan.web.errors.permission_denied"
handler404 = "mikrolaan.web.errors.page_not_found"
handler500 = "mikrolaan.web.errors.server_error"
