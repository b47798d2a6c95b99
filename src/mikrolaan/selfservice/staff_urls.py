from django.urls import path

from mikrolaan.selfservice import staff_views

app_name = "citizen_requests"
urlpatterns = [
    path("tasks/<int:task_id>/", staff_views.decide, name="decide"),
]
