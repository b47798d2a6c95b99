from django.urls import path

from mikrolaan.progression import questionnaire_views, views

app_name = "progression"
urlpatterns = [
    path("cases/<int:pk>/record/", views.record, name="record"),
    path("assessments/<int:pk>/correct/", views.correct, name="correct"),
    path("questionnaires/", questionnaire_views.questionnaire_list, name="questionnaires"),
    path(
        "questionnaires/new/",
        questionnaire_views.questionnaire_new,
        name="questionnaire_new",
    ),
]
