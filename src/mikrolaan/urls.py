from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
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
    path("reports/", include("mikrolaan.reports.urls")),
    path("retention/", include("mikrolaan.retention.urls")),
    path("", include("mikrolaan.web.urls")),
]
