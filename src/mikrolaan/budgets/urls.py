from django.urls import path

from mikrolaan.budgets import views

app_name = "budgets"
urlpatterns = [
    path("new/<int:case_pk>/", views.new_version, name="new"),
    path("<int:pk>/", views.version_detail, name="version"),
]
