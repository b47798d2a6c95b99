from django.urls import path

from mikrolaan.cases import views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("citizens/new/", views.citizen_new, name="citizen_new"),
    path("citizens/<int:pk>/", views.citizen_detail, name="citizen"),
    path("citizens/<int:pk>/edit/", views.citizen_edit, name="citizen_edit"),
    path("citizens/<int:pk>/refer/", views.refer, name="refer"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/screening/<slug:kind>/", views.screening, name="screening"),
    path("<int:pk>/dropout/", views.dropout, name="dropout"),
    path("<int:pk>/events/<int:event_pk>/correct/", views.correct, name="correct"),
    path("<int:pk>/events/<int:event_pk>/correct-date/", views.correct_date, name="correct_date"),
    path("<int:pk>/registered-in-error/", views.close_in_error, name="close_in_error"),
]
