from django.urls import path

from mikrolaan.accounts.oidc import StaffOIDCCallbackView, StaffOIDCLoginView

urlpatterns = [
    path("staff/login/", StaffOIDCLoginView.as_view(), name="oidc_staff_login"),
    path("staff/callback/", StaffOIDCCallbackView.as_view(), name="oidc_staff_callback"),
]
