from django.urls import path

from mikrolaan.servicing import views

app_name = "servicing"
urlpatterns = [
    path("", views.queue_page, name="queues"),
    path("candidates/<int:cycle_id>/confirm/", views.confirm, name="confirm"),
    path("claims/<int:claim_id>/file/", views.claim_file, name="claim_file"),
    path("claims/<int:claim_id>/take-back/", views.take_back, name="take_back"),
    path("tasks/", views.task_page, name="tasks"),
    path("tasks/<int:task_id>/done/", views.task_done, name="task_done"),
]
