from django.urls import path

from mikrolaan.decisions import views

app_name = "decisions"
urlpatterns = [
    path("case/<int:case_pk>/", views.case_page, name="case"),
    path("decide/<int:case_pk>/", views.decide, name="decide"),
    path("<int:pk>/approve/", views.approve, name="approve"),
    path("<int:pk>/refuse/", views.refuse, name="refuse"),
    path("main-course/<int:case_pk>/", views.start_main_course, name="main_course"),
    path("fit-for-work/<int:case_pk>/", views.fit_for_work, name="fit"),
]
