from django.urls import path

from mikrolaan.selfservice.signin import CitizenOIDCCallbackView, CitizenOIDCLoginView

urlpatterns = [
    path("citizen/login/", CitizenOIDCLoginView.as_view(), name="oidc_citizen_login"),
    path("citizen/callback/", CitizenOIDCCallbackView.as_view(), name="oidc_citizen_callback"),
]
