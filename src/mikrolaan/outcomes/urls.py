from django.urls import path

from mikrolaan.outcomes import views

app_name = "outcomes"
urlpatterns = [
    path("cases/<int:pk>/", views.case_outcomes, name="case"),
    path("cases/<int:pk>/record/", views.record_spell, name="record"),
    path("spells/<int:pk>/correct/", views.correct_spell, name="correct"),
    path("spells/<int:pk>/withdraw/", views.withdraw_spell, name="withdraw"),
    path("funnel/", views.funnel_page, name="funnel"),
    path("economics/", views.economics_page, name="economics"),
]
