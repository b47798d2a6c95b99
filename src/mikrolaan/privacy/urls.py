from django.urls import path

from mikrolaan.privacy import views

app_name = "privacy"
urlpatterns = [
    path("insight/", views.insight, name="insight"),
]
