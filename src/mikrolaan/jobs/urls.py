from django.urls import path

from mikrolaan.jobs import views

app_name = "jobs"
urlpatterns = [
    path("<int:pk>/", views.job, name="job"),
    path("<int:pk>/progress/", views.progress, name="progress"),
]
