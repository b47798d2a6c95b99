from django.urls import path, re_path

from mikrolaan.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.index, name="index"),
    re_path(r"^download\.(?P<fmt>json|xlsx|pdf)$", views.download, name="download"),
]
