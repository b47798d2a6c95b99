from django.urls import path

from mikrolaan.banking import views

app_name = "banking"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("upload/", views.upload, name="upload"),
    path("statements/", views.statements, name="statements"),
    path("statements/<int:pk>/", views.statement, name="statement"),
    path("entries/<int:pk>/", views.entry, name="entry"),
]
