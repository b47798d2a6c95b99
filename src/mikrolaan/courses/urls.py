from django.urls import path

from mikrolaan.courses import views

app_name = "courses"
urlpatterns = [
    path("", views.cohorts, name="cohorts"),
    path("<int:pk>/", views.cohort_detail, name="cohort"),
    path("case/<int:case_pk>/assign/", views.assign, name="assign"),
    path("case/<int:case_pk>/move/", views.move, name="move"),
    path("case/<int:case_pk>/plan/", views.plan, name="plan"),
    path("case/<int:case_pk>/plan/complete/", views.complete, name="complete"),
    path("case/<int:case_pk>/plan/<int:pk>/attendance/", views.attendance, name="attendance"),
    path("case/<int:case_pk>/conversations/new/", views.conversation, name="conversation"),
]
