from django.urls import path

from mikrolaan.privacy.audit_log import views

app_name = "audit"
urlpatterns = [
    path("", views.index, name="index"),
    path("result/", views.result, name="result"),
    path("result/export.<slug:fmt>", views.download, name="export"),
    path("patterns/", views.patterns, name="patterns"),
]
