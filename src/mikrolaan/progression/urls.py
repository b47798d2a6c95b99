from django.urls import path

from mikrolaan.progression import views

app_name = "progression"
urlpatterns = [
    path("cases/<int:pk>/record/", views.record, name="record"),
    path("assessments/<int:pk>/correct/", views.correct, name="correct"),
]
